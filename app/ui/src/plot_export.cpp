#include "plot_export.h"

#include <QImage>
#include <QPainter>
#include <QPixmap>
#include <QSvgGenerator>
#include <QWidget>

namespace dmascope::ui {

bool exportWidgetPng(QWidget &widget, const QString &path)
{
    return widget.grab().toImage().save(path, "PNG");
}

bool exportWidgetSvg(QWidget &widget, const QString &path, const QString &title,
                     const std::function<void(QPainter &)> &paint)
{
    QSvgGenerator gen;
    gen.setFileName(path);
    gen.setSize(widget.size());
    gen.setViewBox(widget.rect());
    gen.setTitle(title);
    QPainter p;
    if (!p.begin(&gen))
        return false;
    paint(p);
    return p.end();
}

} // namespace dmascope::ui

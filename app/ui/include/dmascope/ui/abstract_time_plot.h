// The small interface instruments program against, so that another plot implementation (e.g. a
// Qwt-based one where a Qt 6 Qwt is packaged) can replace TimePlot without touching them.
#pragma once

#include "dmascope/ui/plot_snapshot.h"
#include "dmascope/ui/ui_export.h"

#include <QColor>
#include <QList>
#include <QWidget>

#include <memory>

namespace dmascope::ui {

class DMASCOPE_UI_EXPORT AbstractTimePlot : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;

    // Shows this snapshot at the next paint (the previous one is released).
    virtual void setSnapshot(std::shared_ptr<const PlotSnapshot> snapshot) = 0;
    virtual std::shared_ptr<const PlotSnapshot> snapshot() const = 0;

    virtual ViewRange view() const = 0;
    virtual void setView(const ViewRange &view) = 0;
    // Width in pixels of the trace area: how many columns snapshots should have.
    virtual int traceColumns() const = 0;

    virtual void setChannelColors(const QList<QColor> &colors) = 0;

    virtual bool exportPng(const QString &path) = 0;
    virtual bool exportSvg(const QString &path) = 0;

signals:
    // The visible window or the trace width changed: snapshots should be rebuilt for it.
    void viewChanged(const dmascope::ui::ViewRange &view, int columns);
};

} // namespace dmascope::ui

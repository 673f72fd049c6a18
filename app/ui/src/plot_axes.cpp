#include "dmascope/ui/plot_axes.h"

#include <QPainter>

#include <cmath>

namespace dmascope::ui {

std::vector<AxisTick> linearTicks(double v0, double v1, double step)
{
    std::vector<AxisTick> out;
    if (!(step > 0) || !(v1 > v0) || (v1 - v0) / step > 1000)
        return out;
    for (double k = std::ceil(v0 / step - 1e-9); k * step <= v1 + step * 1e-9; k += 1.0)
        out.push_back({std::abs(k) < 0.5 ? 0.0 : k * step, true});
    return out;
}

std::vector<AxisTick> logTicks(double v0, double v1, int maxTicks)
{
    std::vector<AxisTick> out;
    if (!(v0 > 0) || !(v1 > v0))
        return out;
    const int d0 = int(std::floor(std::log10(v0)));
    const int d1 = int(std::ceil(std::log10(v1)));
    for (int d = d0; d <= d1; ++d) {
        for (double m : {1.0, 2.0, 5.0}) {
            const double v = m * std::pow(10.0, d);
            if (v >= v0 * (1 - 1e-9) && v <= v1 * (1 + 1e-9))
                out.push_back({v, m == 1.0});
        }
    }
    if (int(out.size()) > maxTicks)
        std::erase_if(out, [](const AxisTick &t) { return !t.major; });
    return out;
}

void paintPlotFrame(QPainter &p, const QRect &widget, const QRect &area, const FrameAxis &x,
                    const FrameAxis &y, const PlotStyle &style)
{
    p.save();
    p.fillRect(widget, style.background);
    p.fillRect(area, style.area);
    QPen major(style.grid);
    major.setStyle(Qt::DotLine);
    QPen minor(style.grid.darker(130));
    minor.setStyle(Qt::DotLine);
    QFont f = p.font();
    f.setPointSizeF(8);
    p.setFont(f);
    for (const AxisTick &t : x.ticks) {
        const int px = int(std::floor(x.toPixel(t.value)));
        if (px < area.left() || px > area.right())
            continue;
        p.setPen(t.major ? major : minor);
        p.drawLine(px, area.top(), px, area.bottom());
        const QString text = x.label ? x.label(t.value) : QString();
        if (!text.isEmpty()) {
            p.setPen(style.text);
            p.drawText(QRect(px - 45, area.bottom() + 4, 90, widget.bottom() - area.bottom() - 4),
                       Qt::AlignHCenter | Qt::AlignTop, text);
        }
    }
    for (const AxisTick &t : y.ticks) {
        const int py = int(std::floor(y.toPixel(t.value)));
        if (py < area.top() || py > area.bottom())
            continue;
        p.setPen(t.major ? major : minor);
        p.drawLine(area.left(), py, area.right(), py);
        const QString text = y.label ? y.label(t.value) : QString();
        if (!text.isEmpty()) {
            p.setPen(style.text);
            p.drawText(QRect(widget.left(), py - 8, area.left() - widget.left() - 6, 16),
                       Qt::AlignRight | Qt::AlignVCenter, text);
        }
    }
    p.setPen(style.axis);
    p.setBrush(Qt::NoBrush);
    p.drawRect(area.adjusted(0, 0, -1, -1));
    p.restore();
}

} // namespace dmascope::ui

#include "dmascope/ui/plot_axes.h"

#include <QPainter>

#include <algorithm>
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

std::vector<bool> fittingLabels(const std::vector<AxisTick> &ticks,
                                const std::vector<double> &centres, const std::vector<int> &widths,
                                int gap)
{
    std::vector<bool> shown(ticks.size(), false);
    std::vector<std::pair<double, double>> taken; // [left, right) of the labels placed
    const auto place = [&](std::size_t i) {
        const double l = centres[i] - widths[i] / 2.0 - gap / 2.0;
        const double r = l + widths[i] + gap;
        for (const auto &[tl, tr] : taken)
            if (l < tr && tl < r)
                return;
        taken.emplace_back(l, r);
        shown[i] = true;
    };
    for (bool majors : {true, false})
        for (std::size_t i = 0; i < ticks.size(); ++i)
            if (ticks[i].major == majors && widths[i] > 0)
                place(i);
    return shown;
}

std::vector<QRectF> placeLabels(const std::vector<QRectF> &wanted, std::vector<QRectF> taken,
                                const QRectF &bounds)
{
    std::vector<QRectF> out;
    const auto free = [&](const QRectF &r) {
        if (!bounds.contains(r))
            return false;
        for (const QRectF &t : taken)
            if (t.intersects(r))
                return false;
        return true;
    };
    for (const QRectF &w : wanted) {
        QRectF r =
            w.translated(std::clamp(w.left(), bounds.left(), bounds.right() - w.width()) - w.left(),
                         std::clamp(w.top(), bounds.top(), bounds.bottom() - w.height()) - w.top());
        const QRectF start = r;
        while (!free(r) && r.top() - r.height() >= bounds.top())
            r.translate(0, -r.height());
        if (!free(r)) {
            r = start;
            while (!free(r) && r.bottom() + r.height() <= bounds.bottom())
                r.translate(0, r.height());
        }
        if (!free(r))
            r = start;
        taken.push_back(r);
        out.push_back(r);
    }
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
    std::vector<QString> texts;
    std::vector<double> centres;
    std::vector<int> widths;
    for (const AxisTick &t : x.ticks) {
        const double px = std::floor(x.toPixel(t.value));
        const bool inside = px >= area.left() && px <= area.right();
        texts.push_back(inside && x.label ? x.label(t.value) : QString());
        centres.push_back(px);
        widths.push_back(texts.back().isEmpty() ? 0
                                                : p.fontMetrics().horizontalAdvance(texts.back()));
    }
    const std::vector<bool> labelled = fittingLabels(x.ticks, centres, widths);
    for (std::size_t i = 0; i < x.ticks.size(); ++i) {
        const int px = int(centres[i]);
        if (px < area.left() || px > area.right())
            continue;
        p.setPen(x.ticks[i].major ? major : minor);
        p.drawLine(px, area.top(), px, area.bottom());
        if (labelled[i]) {
            p.setPen(style.text);
            p.drawText(QRect(px - 45, area.bottom() + 4, 90, widget.bottom() - area.bottom() - 4),
                       Qt::AlignHCenter | Qt::AlignTop, texts[i]);
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

// Axis ticks and the plot frame (background, grid lines, tick labels) shared by the plot
// widgets that are not the time plot's cached raster (spectrum, waterfall): linear axes on
// 1-2-5 steps (engineering.h) and logarithmic frequency axes on 1-2-5 per decade.
#pragma once

#include "dmascope/ui/ui_export.h"

#include <QColor>
#include <QRect>
#include <QRectF>
#include <QString>

#include <functional>
#include <vector>

class QPainter;

namespace dmascope::ui {

struct AxisTick
{
    double value = 0;
    bool major = true; // drawn solid and always labelled (decades on a log axis)
};

// Multiples of `step` in [v0, v1] (a tiny tolerance keeps the end points).
DMASCOPE_UI_EXPORT std::vector<AxisTick> linearTicks(double v0, double v1, double step);
// 1, 2, 5 x 10^k in [v0, v1] (v0 > 0); decades are major. With more than `maxTicks` ticks only
// the decades are kept.
DMASCOPE_UI_EXPORT std::vector<AxisTick> logTicks(double v0, double v1, int maxTicks = 30);

// Which of the labels centred at `centres` (pixels, ascending) with `widths` to draw so that
// none touch (`gap` pixels between them): majors first, left to right, then the minors that fit
// between them (a log axis' 2 and 5 in a narrow decade give way to its decades).
DMASCOPE_UI_EXPORT std::vector<bool> fittingLabels(const std::vector<AxisTick> &ticks,
                                                   const std::vector<double> &centres,
                                                   const std::vector<int> &widths, int gap = 6);

// Places small labels (marker names) where they were `wanted`, moved inside `bounds`: each one that
// would overlap what is already `taken` (text drawn before, labels placed before it) moves up a
// label's height at a time, or down once there is no room above; a label that cannot be placed
// without overlap keeps its wanted place.
DMASCOPE_UI_EXPORT std::vector<QRectF> placeLabels(const std::vector<QRectF> &wanted,
                                                   std::vector<QRectF> taken, const QRectF &bounds);

// Colours of a plot frame (dark scope look by default).
struct PlotStyle
{
    QColor background{24, 24, 28};
    QColor area{8, 8, 12};
    QColor grid{60, 60, 70};
    QColor axis{100, 100, 115};
    QColor text{190, 190, 200};
};

// One axis of a frame: its ticks, where each lands in pixels, and its label text.
struct FrameAxis
{
    std::vector<AxisTick> ticks;
    std::function<double(double)> toPixel;  // value -> x (horizontal) or y (vertical) pixel
    std::function<QString(double)> label;   // empty QString: tick without label
};

// Fills the widget and the plot area, draws the grid lines of both axes inside `area` and their
// labels left of / below it, and the outline. `margins` is the widget rect around `area`.
DMASCOPE_UI_EXPORT void paintPlotFrame(QPainter &p, const QRect &widget, const QRect &area,
                                       const FrameAxis &x, const FrameAxis &y,
                                       const PlotStyle &style = {});

} // namespace dmascope::ui

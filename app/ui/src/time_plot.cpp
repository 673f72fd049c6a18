#include "dmascope/ui/time_plot.h"

#include "dmascope/ui/engineering.h"

#include "plot_export.h"
#include "span_raster.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <vector>

namespace dmascope::ui {
namespace {

// Axis margins in pixels: value labels on the left, time labels below.
constexpr int kLeft = 64;
constexpr int kRight = 8;
constexpr int kTop = 8;
constexpr int kBottom = 24;
constexpr int kTimeDivisions = 10;
constexpr int kValueDivisions = 8;
constexpr int kCursorGrab = 4; // pixels either side of a cursor line that pick it up
constexpr double kMinSpan = 1e-15;

bool isData(float v) { return !std::isnan(v); }

} // namespace

TimePlot::TimePlot(QWidget *parent) : AbstractTimePlot(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setMinimumSize(160, 100);
    // Everything is painted every frame: skip Qt's background erase.
    setAttribute(Qt::WA_OpaquePaintEvent);
}

TimePlot::~TimePlot() = default;

bool TimePlot::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QList<QColor> TimePlot::defaultColors(const QPalette &palette)
{
    if (isDark(palette))
        return defaultColors();
    // The same hues, deep enough for contrast on white (yellow becomes dark gold).
    return {QColor(140, 98, 0), QColor(0, 114, 190), QColor(200, 0, 120), QColor(0, 140, 40),
            QColor(210, 90, 0), QColor(110, 60, 210), QColor(70, 70, 70), QColor(200, 30, 30)};
}

QList<QColor> TimePlot::defaultColors()
{
    // Distinguishable on a dark background, in the usual scope order (yellow, cyan, ...).
    return {QColor(255, 215, 0), QColor(0, 200, 255), QColor(255, 64, 160), QColor(64, 230, 64),
            QColor(255, 140, 0), QColor(170, 120, 255), QColor(230, 230, 230), QColor(255, 90, 90)};
}

QColor TimePlot::traceColor(int trace) const
{
    if (trace >= 0 && trace < colors_.size() && colors_[trace].isValid())
        return colors_[trace];
    const QList<QColor> defaults = defaultColors(palette());
    return defaults[std::max(trace, 0) % defaults.size()];
}

// A colour between the plot background (weight 0) and the text colour (weight 1): grid and axis
// lines that keep their contrast in either theme.
QColor TimePlot::gridColor(double weight) const
{
    const QColor a = palette().color(QPalette::Base);
    const QColor b = palette().color(QPalette::Text);
    const auto mix = [weight](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * weight)); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

void TimePlot::setTraceAxes(const QList<TraceAxis> &axes, int axisTrace)
{
    QList<TraceAxis> valid;
    for (const TraceAxis &a : axes)
        valid.append(std::isfinite(a.gain) && a.gain != 0.0 && std::isfinite(a.bias) ? a : TraceAxis{});
    if (valid == axes_ && axisTrace == axisTrace_)
        return;
    axes_ = valid;
    axisTrace_ = std::max(axisTrace, 0);
    gridDirty_ = true; // the axis labels' colour
    clearPersistence();
    update();
}

TraceAxis TimePlot::traceAxis(int trace) const
{
    return trace >= 0 && trace < axes_.size() ? axes_[trace] : TraceAxis{};
}

QRect TimePlot::plotArea() const
{
    return rect().adjusted(kLeft, kTop, -kRight, -kBottom);
}

QPointF TimePlot::toPixel(double t, double v) const
{
    const QRect a = plotArea();
    const double x = a.left() + (t - view_.t0) / (view_.t1 - view_.t0) * a.width();
    const double y = a.top() + (view_.v1 - v) / (view_.v1 - view_.v0) * a.height();
    return {x, y};
}

double TimePlot::timeAt(double x) const
{
    const QRect a = plotArea();
    return view_.t0 + (x - a.left()) / a.width() * (view_.t1 - view_.t0);
}

double TimePlot::valueAt(double y) const
{
    const QRect a = plotArea();
    return view_.v1 - (y - a.top()) / a.height() * (view_.v1 - view_.v0);
}

double TimePlot::timePerDivision() const
{
    return niceStep125((view_.t1 - view_.t0) / kTimeDivisions);
}

double TimePlot::valuePerDivision() const
{
    // at most ~10 lines, like the time axis (autoscale spans exactly kValueDivisions steps)
    return niceStep125((view_.v1 - view_.v0) / 10.0);
}

void TimePlot::setChannelColors(const QList<QColor> &colors)
{
    if (colors == colors_)
        return;
    colors_ = colors;
    gridDirty_ = true;
    update();
}

void TimePlot::setSnapshot(std::shared_ptr<const PlotSnapshot> snapshot)
{
    // The value labels take the axis trace's colour and unit: redraw them when traces appear.
    if (!snapshot_ || !snapshot || snapshot_->traces.size() != snapshot->traces.size())
        gridDirty_ = true;
    snapshot_ = std::move(snapshot);
    if (snapshot_ && snapshot_->sequence != lastSequence_) {
        lastSequence_ = snapshot_->sequence;
        if (autoscale_)
            applyAutoscale(false);
        if (persistence_)
            accumulatePersistence();
    }
    update();
}

void TimePlot::setView(const ViewRange &view)
{
    ViewRange v = view;
    if (!(v.t1 - v.t0 > kMinSpan) || !(v.v1 - v.v0 > kMinSpan))
        return;
    if (v == view_)
        return;
    view_ = v;
    viewWasChanged();
}

void TimePlot::viewWasChanged()
{
    gridDirty_ = true;
    clearPersistence(); // accumulated pixels belong to the old mapping
    emit viewChanged(view_, traceColumns());
    update();
}

void TimePlot::zoomTime(double factor, double anchor)
{
    ViewRange v = view_;
    v.t0 = anchor + (v.t0 - anchor) * factor;
    v.t1 = anchor + (v.t1 - anchor) * factor;
    setView(v);
}

void TimePlot::zoomValue(double factor, double anchor)
{
    ViewRange v = view_;
    v.v0 = anchor + (v.v0 - anchor) * factor;
    v.v1 = anchor + (v.v1 - anchor) * factor;
    setView(v);
}

void TimePlot::panDivisions(double timeDivs, double valueDivs)
{
    ViewRange v = view_;
    const double dt = (v.t1 - v.t0) / kTimeDivisions * timeDivs;
    const double dv = (v.v1 - v.v0) / kValueDivisions * valueDivs;
    v.t0 += dt;
    v.t1 += dt;
    v.v0 += dv;
    v.v1 += dv;
    setView(v);
}

void TimePlot::zoomToPixels(const QRect &rect)
{
    const QRect r = rect.normalized().intersected(plotArea());
    if (r.width() < 3 || r.height() < 3)
        return; // a click, not a rubber band
    ViewRange v;
    v.t0 = timeAt(r.left());
    v.t1 = timeAt(r.right() + 1);
    v.v1 = valueAt(r.top());
    v.v0 = valueAt(r.bottom() + 1);
    setView(v);
}

void TimePlot::fit()
{
    ViewRange v = view_;
    if (snapshot_ && snapshot_->recordT1 > snapshot_->recordT0) {
        v.t0 = snapshot_->recordT0;
        v.t1 = snapshot_->recordT1;
    }
    setView(v);
    applyAutoscale(true);
}

void TimePlot::setAutoscale(bool on)
{
    autoscale_ = on;
    if (on)
        applyAutoscale(false);
}

void TimePlot::applyAutoscale(bool force)
{
    if (!snapshot_)
        return;
    double lo = INFINITY;
    double hi = -INFINITY;
    for (int i = 0; i < static_cast<int>(snapshot_->traces.size()); ++i) {
        const PlotTrace &tr = snapshot_->traces[static_cast<std::size_t>(i)];
        const TraceAxis axis = traceAxis(i);
        for (std::size_t c = 0; c < tr.min.size(); ++c) {
            if (!isData(tr.min[c]))
                continue;
            const double a = axis.toDisplay(tr.min[c]);
            const double b = axis.toDisplay(tr.max[c]);
            lo = std::min(lo, std::min(a, b));
            hi = std::max(hi, std::max(a, b));
        }
    }
    if (!(lo <= hi))
        return;
    const double span = view_.v1 - view_.v0;
    const bool fits = lo >= view_.v0 && hi <= view_.v1 && (hi - lo) >= 0.25 * span;
    if (fits && !force)
        return;
    // Data over about 6 of the 8 divisions, grid on a 1-2-5 step, centred on a step multiple.
    const double step = niceStep125(std::max((hi - lo) / 6.0, std::max(std::abs(hi), std::abs(lo)) * 1e-3 + 1e-12));
    const double mid = std::round((lo + hi) / 2.0 / step) * step;
    ViewRange v = view_;
    v.v0 = mid - step * kValueDivisions / 2.0;
    v.v1 = mid + step * kValueDivisions / 2.0;
    if (lo < v.v0 || hi > v.v1) { // rounding the centre pushed data out: next step up
        const double s2 = niceStep125(step * 1.01);
        v.v0 = mid - s2 * kValueDivisions / 2.0;
        v.v1 = mid + s2 * kValueDivisions / 2.0;
    }
    setView(v);
}

void TimePlot::setTimeCursors(bool visible, double t1, double t2)
{
    timeCursors_ = visible;
    tc_ = {t1, t2};
    emit cursorsChanged();
    update();
}

void TimePlot::setValueCursors(bool visible, double v1, double v2)
{
    valueCursors_ = visible;
    vc_ = {v1, v2};
    emit cursorsChanged();
    update();
}

double TimePlot::traceValueAt(const PlotSnapshot &s, int trace, double t) const
{
    const PlotTrace &tr = s.traces[static_cast<std::size_t>(trace)];
    if (!tr.samples.empty() && tr.sampleDt > 0.0) {
        const double pos = (t - tr.sampleT0) / tr.sampleDt;
        if (pos >= 0.0 && pos <= static_cast<double>(tr.samples.size() - 1)) {
            const auto i = static_cast<std::size_t>(pos);
            const double f = pos - static_cast<double>(i);
            const double a = tr.samples[i];
            const double b = i + 1 < tr.samples.size() ? tr.samples[i + 1] : a;
            return a + (b - a) * f;
        }
    }
    const int c = s.columnAt(t);
    if (c < 0 || static_cast<std::size_t>(c) >= tr.min.size() || !isData(tr.min[c]))
        return NAN;
    return 0.5 * (static_cast<double>(tr.min[c]) + tr.max[c]);
}

CursorReadout TimePlot::cursorReadout() const
{
    CursorReadout r;
    r.t1 = tc_[0];
    r.t2 = tc_[1];
    r.deltaT = tc_[1] - tc_[0];
    if (r.deltaT != 0.0)
        r.inverseDeltaT = 1.0 / std::abs(r.deltaT);
    r.v1 = vc_[0];
    r.v2 = vc_[1];
    r.deltaV = vc_[1] - vc_[0];
    if (snapshot_) {
        for (int i = 0; i < static_cast<int>(snapshot_->traces.size()); ++i) {
            r.atT1.append(traceValueAt(*snapshot_, i, tc_[0]));
            r.atT2.append(traceValueAt(*snapshot_, i, tc_[1]));
        }
    }
    return r;
}

void TimePlot::setPersistence(bool on, double decay)
{
    persistence_ = on;
    decay_ = std::clamp(decay, 0.0, 1.0);
    clearPersistence();
    update();
}

void TimePlot::clearPersistence()
{
    if (persistence_) {
        persist_ = QImage(plotArea().size(), QImage::Format_ARGB32_Premultiplied);
        persist_.fill(Qt::transparent);
    } else {
        persist_ = QImage();
    }
}

void TimePlot::accumulatePersistence()
{
    if (persist_.size() != plotArea().size())
        clearPersistence();
    // Fade what is there (premultiplied: scaling every byte scales colour and alpha alike), then
    // add the new capture with a low alpha, so pixels hit by many captures saturate and rare
    // ones stay dim.
    raster::scaleImage(persist_, static_cast<unsigned>(std::lround(decay_ * 256)));
    const QRect a(QPoint(0, 0), persist_.size()); // the image covers the trace area only
    QPainter p;
    for (int i = 0; i < static_cast<int>(snapshot_->traces.size()); ++i) {
        if (traceSpans(*snapshot_, i)) {
            QColor c = colorFor(i);
            c.setAlpha(90);
            raster::addSpans(persist_, a, spanTop_.data(), spanBottom_.data(), spanRowMin_,
                             spanRowMax_, qPremultiply(c.rgba()));
        } else {
            if (!p.isActive()) {
                p.begin(&persist_);
                p.setCompositionMode(QPainter::CompositionMode_Plus);
                p.translate(-plotArea().topLeft());
            }
            paintTrace(p, *snapshot_, i, true);
        }
    }
}

void TimePlot::resizeEvent(QResizeEvent *event)
{
    AbstractTimePlot::resizeEvent(event);
    gridDirty_ = true;
    clearPersistence();
    emit viewChanged(view_, traceColumns());
}

void TimePlot::paintEvent(QPaintEvent *)
{
    QElapsedTimer timer;
    timer.start();
    if (devicePixelRatioF() == 1.0) {
        paintRaster();
        QPainter p(this);
        p.setCompositionMode(QPainter::CompositionMode_Source);
        p.drawImage(0, 0, frame_);
    } else {
        QPainter p(this); // HiDPI: everything through QPainter, grid drawn live
        paintAll(p, true);
    }
    lastPaintMs_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

// The fast path: copy the cached grid, composite persistence, fill the trace spans row by row
// straight into the frame, then QPainter only for the few overlay items.
void TimePlot::paintRaster()
{
    // A new palette (the app's theme switch reaches widgets as PaletteChange or, for some, only
    // as ApplicationPaletteChange) redraws the grid: key the cache on the palette itself.
    if (palette().cacheKey() != gridPaletteKey_)
        gridDirty_ = true;
    if (gridDirty_ || grid_.size() != size()) {
        gridPaletteKey_ = palette().cacheKey();
        grid_ = QImage(size(), QImage::Format_ARGB32_Premultiplied);
        QPainter gp(&grid_);
        paintGrid(gp);
        gridDirty_ = false;
    }
    if (frame_.size() != size())
        frame_ = QImage(size(), QImage::Format_ARGB32_Premultiplied);
    std::memcpy(frame_.bits(), grid_.constBits(), static_cast<std::size_t>(grid_.sizeInBytes()));
    QPainter p(&frame_);
    if (persistence_ && persist_.size() == plotArea().size())
        p.drawImage(plotArea().topLeft(), persist_);
    if (snapshot_) {
        const QRect a = plotArea();
        for (int i = 0; i < static_cast<int>(snapshot_->traces.size()); ++i) {
            if (traceSpans(*snapshot_, i))
                raster::fillSpans(frame_, a, spanTop_.data(), spanBottom_.data(), spanRowMin_,
                                  spanRowMax_, colorFor(i).rgba());
            else
                paintTrace(p, *snapshot_, i, false);
        }
    }
    paintOverlays(p);
}

void TimePlot::paintAll(QPainter &p, bool)
{
    paintGrid(p);
    if (persistence_ && !persist_.isNull())
        p.drawImage(plotArea().topLeft(), persist_);
    if (snapshot_)
        paintTraces(p, *snapshot_, false);
    paintOverlays(p);
}

void TimePlot::paintGrid(QPainter &p) const
{
    const QRect a = plotArea();
    p.fillRect(rect(), palette().color(QPalette::Window));
    p.fillRect(a, palette().color(QPalette::Base));

    const double tStep = timePerDivision();
    const double vStep = valuePerDivision();
    QPen gridPen(gridColor(0.25));
    gridPen.setStyle(Qt::DotLine);
    QPen axisPen(gridColor(0.5));
    QFont f = font();
    f.setPointSizeF(8);
    p.setFont(f);
    const QColor text = palette().color(QPalette::WindowText);
    // The value labels are in the axis trace's units: its colour says whose they are.
    const QColor valueText = snapshot_ && axisTrace_ < static_cast<int>(snapshot_->traces.size())
                                 ? traceColor(axisTrace_)
                                 : text;
    const QString valueUnit = snapshot_ && axisTrace_ < static_cast<int>(snapshot_->traces.size())
                                  ? snapshot_->traces[static_cast<std::size_t>(axisTrace_)].unit
                                  : QStringLiteral("V");

    // Vertical lines at multiples of the time step, labelled below.
    for (double k = std::ceil(view_.t0 / tStep); k * tStep <= view_.t1 + tStep * 1e-9; k += 1.0) {
        const double t = k * tStep;
        const int x = static_cast<int>(std::floor(toPixel(t, 0).x()));
        if (x < a.left() || x > a.right())
            continue;
        p.setPen(std::abs(t) < tStep * 1e-6 ? axisPen : gridPen);
        p.drawLine(x, a.top(), x, a.bottom());
        p.setPen(text);
        p.drawText(QRect(x - 40, a.bottom() + 4, 80, kBottom - 4), Qt::AlignHCenter | Qt::AlignTop,
                   formatEngineering(std::abs(t) < tStep * 1e-6 ? 0.0 : t, QStringLiteral("s")));
    }
    for (double k = std::ceil(view_.v0 / vStep); k * vStep <= view_.v1 + vStep * 1e-9; k += 1.0) {
        const double v = k * vStep;
        const int y = static_cast<int>(std::floor(toPixel(0, v).y()));
        if (y < a.top() || y > a.bottom())
            continue;
        p.setPen(std::abs(v) < vStep * 1e-6 ? axisPen : gridPen);
        p.drawLine(a.left(), y, a.right(), y);
        p.setPen(valueText);
        p.drawText(QRect(0, y - 8, kLeft - 6, 16), Qt::AlignRight | Qt::AlignVCenter,
                   formatEngineering(std::abs(v) < vStep * 1e-6 ? 0.0 : v, valueUnit));
    }
    p.setPen(axisPen);
    p.setBrush(Qt::NoBrush);
    p.drawRect(a.adjusted(0, 0, -1, -1));
    p.setPen(text);
    p.drawText(a.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignRight,
               QStringLiteral("%1/div").arg(formatEngineering(tStep, QStringLiteral("s"))));
}

void TimePlot::paintTraces(QPainter &p, const PlotSnapshot &s, bool forPersistence) const
{
    for (int i = 0; i < static_cast<int>(s.traces.size()); ++i)
        paintTrace(p, s, i, forPersistence);
}

namespace {
// The column-to-pixel rule shared by both painters: one vertical span per column from min to
// max, stretched to meet the previous column's span so the trace stays connected.
struct ColumnSpan
{
    int x, top, bottom;
};
} // namespace

// Fills spanTop_/spanBottom_ for the raster path. False when it does not apply: sample mode
// (polyline), or columns further apart than one pixel (the view was zoomed ahead of the next
// snapshot), which paintTrace() joins with lines.
bool TimePlot::traceSpans(const PlotSnapshot &s, int trace) const
{
    const PlotTrace &tr = s.traces[static_cast<std::size_t>(trace)];
    if (!tr.samples.empty() && tr.sampleDt > 0.0)
        return false;
    const QRect a = plotArea();
    const int w = a.width();
    const int h = a.height();
    spanTop_.assign(static_cast<std::size_t>(w), INT_MAX);
    spanBottom_.assign(static_cast<std::size_t>(w), INT_MIN);
    spanRowMin_ = h;
    spanRowMax_ = -1;
    const double xScale = w / (view_.t1 - view_.t0);
    const double yScale = h / (view_.v1 - view_.v0);
    const TraceAxis axis = traceAxis(trace);
    auto rowOf = [&](double v) {
        const double y = std::floor((view_.v1 - axis.toDisplay(v)) * yScale);
        return static_cast<int>(std::clamp(y, -1.0, double(h)));
    };
    bool havePrev = false;
    int prevX = 0, prevTop = 0, prevBottom = 0;
    for (std::size_t col = 0; col < tr.min.size(); ++col) {
        if (!isData(tr.min[col])) {
            havePrev = false;
            continue;
        }
        const double t = s.columnTime(static_cast<int>(col));
        const int x = static_cast<int>(std::floor((t - view_.t0) * xScale));
        const int curTop = std::min(rowOf(tr.max[col]), rowOf(tr.min[col]));
        const int curBottom = std::max(rowOf(tr.max[col]), rowOf(tr.min[col]));
        int top = curTop, bottom = curBottom;
        if (havePrev) {
            if (x - prevX > 1)
                return false;
            top = std::min(top, prevBottom);
            bottom = std::max(bottom, prevTop);
        }
        havePrev = true;
        prevX = x;
        prevTop = curTop;
        prevBottom = curBottom;
        if (x < 0 || x >= w)
            continue;
        spanTop_[static_cast<std::size_t>(x)] = std::min(spanTop_[static_cast<std::size_t>(x)], top);
        spanBottom_[static_cast<std::size_t>(x)] = std::max(spanBottom_[static_cast<std::size_t>(x)], bottom);
        spanRowMin_ = std::min(spanRowMin_, top);
        spanRowMax_ = std::max(spanRowMax_, bottom);
    }
    return true;
}

// QPainter version of the same rule (SVG export, HiDPI, and the cases traceSpans() declines).
void TimePlot::paintTrace(QPainter &p, const PlotSnapshot &s, int i, bool forPersistence) const
{
    const QRect a = plotArea();
    p.save();
    p.setClipRect(a);
    p.setRenderHint(QPainter::Antialiasing, false);
    const double xScale = a.width() / (view_.t1 - view_.t0);
    const double yScale = a.height() / (view_.v1 - view_.v0);
    const TraceAxis axis = traceAxis(i);
    auto rowOf = [&](double v) {
        const double y = std::floor(a.top() + (view_.v1 - axis.toDisplay(v)) * yScale);
        return static_cast<int>(std::clamp(y, a.top() - 1.0, a.bottom() + 1.0));
    };
    const PlotTrace &tr = s.traces[static_cast<std::size_t>(i)];
    QColor c = colorFor(i);
    if (forPersistence)
        c.setAlpha(90);
    QPen pen(c);
    // One logical pixel: cosmetic (one device pixel) at ratio 1 and in the persistence image; on
    // HiDPI screens a cosmetic pen would leave gaps between the columns (1.5 device pixels apart
    // at 150 %), so the pen covers its whole column there.
    if (!forPersistence && p.device() && p.device()->devicePixelRatioF() > 1.0)
        pen.setWidthF(1.0);
    else
        pen.setWidth(0);
    p.setPen(pen);
    if (!tr.samples.empty() && tr.sampleDt > 0.0) {
        // Zoomed in past one sample per column: the samples themselves, joined by lines.
        std::vector<QPointF> points;
        points.reserve(tr.samples.size());
        for (std::size_t k = 0; k < tr.samples.size(); ++k) {
            const double t = tr.sampleT0 + static_cast<double>(k) * tr.sampleDt;
            points.emplace_back(a.left() + (t - view_.t0) * xScale + 0.5, rowOf(tr.samples[k]) + 0.5);
        }
        p.drawPolyline(points.data(), static_cast<int>(points.size()));
        if (tr.sampleDt * xScale >= 6.0 && !forPersistence) {
            p.setBrush(c);
            for (const QPointF &pt : points)
                p.drawEllipse(pt, 1.5, 1.5);
        }
        p.restore();
        return;
    }
    std::vector<QLine> lines;
    lines.reserve(tr.min.size());
    bool havePrev = false;
    int prevX = 0, prevTop = 0, prevBottom = 0;
    for (std::size_t col = 0; col < tr.min.size(); ++col) {
        if (!isData(tr.min[col])) {
            havePrev = false;
            continue;
        }
        const double t = s.columnTime(static_cast<int>(col));
        const int x = static_cast<int>(std::floor(a.left() + (t - view_.t0) * xScale));
        const int curTop = std::min(rowOf(tr.max[col]), rowOf(tr.min[col]));
        const int curBottom = std::max(rowOf(tr.max[col]), rowOf(tr.min[col]));
        int top = curTop, bottom = curBottom;
        if (havePrev) {
            if (x - prevX <= 1) {
                top = std::min(top, prevBottom);
                bottom = std::max(bottom, prevTop);
            } else {
                lines.emplace_back(prevX, (prevTop + prevBottom) / 2, x, (top + bottom) / 2);
            }
        }
        lines.emplace_back(x, top, x, bottom);
        havePrev = true;
        prevX = x;
        prevTop = curTop;
        prevBottom = curBottom;
    }
    p.drawLines(lines.data(), static_cast<int>(lines.size()));
    p.restore();
}

// Every trace's own scale ("CH2 200 mV/div"), top left in its colour, and its ground marker (the
// row of its zero) on the left edge of the trace area, as a bench scope shows them.
void TimePlot::paintTraceScales(QPainter &p) const
{
    const QRect a = plotArea();
    const double vStep = valuePerDivision();
    const int lineHeight = p.fontMetrics().height();
    int y = a.top() + 4;
    for (int i = 0; i < static_cast<int>(snapshot_->traces.size()); ++i) {
        const PlotTrace &tr = snapshot_->traces[static_cast<std::size_t>(i)];
        const TraceAxis axis = traceAxis(i);
        const QColor c = traceColor(i);
        const QString name = tr.label.isEmpty() ? QStringLiteral("%1").arg(i + 1) : tr.label;
        p.setPen(c);
        p.drawText(QRect(a.left() + 6, y, a.width() / 2, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("%1  %2/div").arg(name, formatEngineering(vStep / std::abs(axis.gain), tr.unit)));
        y += lineHeight;
        const double zeroY = toPixel(0.0, axis.bias).y();
        if (zeroY >= a.top() && zeroY <= a.bottom()) {
            p.setPen(Qt::NoPen);
            p.setBrush(c);
            const QPointF marker[] = {{a.left() - 7.0, zeroY - 5}, {a.left() - 7.0, zeroY + 5}, {a.left() - 1.0, zeroY}};
            p.drawPolygon(marker, 3);
        }
    }
}

void TimePlot::paintOverlays(QPainter &p) const
{
    const QRect a = plotArea();
    p.save();
    p.setClipRect(rect());
    // Trigger point (t = 0) marker on the top edge.
    const double tx = toPixel(0.0, 0.0).x();
    if (tx >= a.left() && tx <= a.right()) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(255, 140, 0));
        const QPointF tri[] = {{tx - 5, double(a.top())}, {tx + 5, double(a.top())}, {tx, a.top() + 7.0}};
        p.drawPolygon(tri, 3);
    }
    if (snapshot_ && snapshot_->forced) {
        p.setPen(QColor(255, 140, 0));
        p.drawText(a.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignHCenter, tr("Auto (no trigger)"));
    }
    if (snapshot_)
        paintTraceScales(p);
    const QColor fg = palette().color(QPalette::Text);
    QPen cursorPen(fg);
    cursorPen.setStyle(Qt::DashLine);
    QStringList readout;
    const CursorReadout r = cursorReadout();
    if (timeCursors_) {
        p.setPen(cursorPen);
        for (double t : tc_) {
            const int x = static_cast<int>(std::floor(toPixel(t, 0).x()));
            if (x >= a.left() && x <= a.right())
                p.drawLine(x, a.top(), x, a.bottom());
        }
        readout << QStringLiteral("Δt %1").arg(formatEngineering(r.deltaT, QStringLiteral("s")));
        if (r.inverseDeltaT)
            readout << QStringLiteral("1/Δt %1").arg(formatEngineering(*r.inverseDeltaT, QStringLiteral("Hz")));
    }
    if (valueCursors_) {
        p.setPen(cursorPen);
        for (double v : vc_) {
            const int y = static_cast<int>(std::floor(toPixel(0, v).y()));
            if (y >= a.top() && y <= a.bottom())
                p.drawLine(a.left(), y, a.right(), y);
        }
        readout << QStringLiteral("ΔV %1").arg(formatEngineering(r.deltaV, QStringLiteral("V")));
    }
    if (!readout.isEmpty()) {
        const QString text = readout.join(QStringLiteral("   "));
        const QRect box = p.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2);
        const QRect placed = box.translated(a.left() + 6 - box.left(), a.bottom() - 6 - box.bottom());
        QColor back = palette().color(QPalette::Base);
        back.setAlpha(200);
        p.fillRect(placed, back);
        p.setPen(fg);
        p.drawText(placed, Qt::AlignCenter, text);
    }
    if (drag_ == Drag::Rubber) {
        QColor band = palette().color(QPalette::Highlight);
        p.setPen(QPen(band, 0, Qt::DashLine));
        band.setAlpha(40);
        p.setBrush(band);
        p.drawRect(QRect(pressPos_, dragPos_).normalized());
    }
    p.restore();
}

bool TimePlot::exportPng(const QString &path)
{
    return exportWidgetPng(*this, path);
}

bool TimePlot::exportSvg(const QString &path)
{
    // The grid is drawn as vectors rather than the cached pixmap.
    return exportWidgetSvg(*this, path, QStringLiteral("dmascope time plot"),
                           [this](QPainter &p) { paintAll(p, true); });
}

TimePlot::Drag TimePlot::cursorHit(QPoint pos) const
{
    if (timeCursors_) {
        for (int i = 0; i < 2; ++i)
            if (std::abs(toPixel(tc_[i], 0).x() - pos.x()) <= kCursorGrab)
                return i == 0 ? Drag::TimeCursor1 : Drag::TimeCursor2;
    }
    if (valueCursors_) {
        for (int i = 0; i < 2; ++i)
            if (std::abs(toPixel(0, vc_[i]).y() - pos.y()) <= kCursorGrab)
                return i == 0 ? Drag::ValueCursor1 : Drag::ValueCursor2;
    }
    return Drag::None;
}

void TimePlot::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0)
        return;
    const double factor = std::pow(0.8, steps); // one notch zooms in by 20 %
    const QPointF pos = event->position();
    if (event->modifiers() & Qt::ControlModifier)
        zoomValue(factor, valueAt(pos.y()));
    else
        zoomTime(factor, timeAt(pos.x()));
    event->accept();
}

void TimePlot::mousePressEvent(QMouseEvent *event)
{
    pressPos_ = dragPos_ = event->position().toPoint();
    pressView_ = view_;
    if (event->button() == Qt::RightButton
        || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier))) {
        drag_ = Drag::Rubber;
    } else if (event->button() == Qt::LeftButton) {
        const Drag hit = cursorHit(pressPos_);
        drag_ = hit != Drag::None ? hit : Drag::Pan;
    }
    event->accept();
}

void TimePlot::mouseMoveEvent(QMouseEvent *event)
{
    dragPos_ = event->position().toPoint();
    const QRect a = plotArea();
    switch (drag_) {
    case Drag::Pan: {
        const double dt = (dragPos_.x() - pressPos_.x()) * (pressView_.t1 - pressView_.t0) / a.width();
        const double dv = (dragPos_.y() - pressPos_.y()) * (pressView_.v1 - pressView_.v0) / a.height();
        setView({pressView_.t0 - dt, pressView_.t1 - dt, pressView_.v0 + dv, pressView_.v1 + dv});
        break;
    }
    case Drag::TimeCursor1:
    case Drag::TimeCursor2:
        tc_[drag_ == Drag::TimeCursor1 ? 0 : 1] = timeAt(dragPos_.x());
        emit cursorsChanged();
        update();
        break;
    case Drag::ValueCursor1:
    case Drag::ValueCursor2:
        vc_[drag_ == Drag::ValueCursor1 ? 0 : 1] = valueAt(dragPos_.y());
        emit cursorsChanged();
        update();
        break;
    case Drag::Rubber:
        update();
        break;
    case Drag::None:
        break;
    }
}

void TimePlot::mouseReleaseEvent(QMouseEvent *event)
{
    dragPos_ = event->position().toPoint();
    if (drag_ == Drag::Rubber)
        zoomToPixels(QRect(pressPos_, dragPos_));
    drag_ = Drag::None;
    update();
}

void TimePlot::keyPressEvent(QKeyEvent *event)
{
    const double centerT = 0.5 * (view_.t0 + view_.t1);
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomTime(0.5, centerT);
        break;
    case Qt::Key_Minus:
        zoomTime(2.0, centerT);
        break;
    case Qt::Key_Left:
        panDivisions(-1.0, 0.0);
        break;
    case Qt::Key_Right:
        panDivisions(1.0, 0.0);
        break;
    case Qt::Key_Up:
        panDivisions(0.0, 1.0);
        break;
    case Qt::Key_Down:
        panDivisions(0.0, -1.0);
        break;
    case Qt::Key_Home:
        fit();
        break;
    default:
        AbstractTimePlot::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimePlot::changeEvent(QEvent *event)
{
    AbstractTimePlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        gridDirty_ = true; // background, grid and labels take the new theme's colours
        clearPersistence();
        update();
    }
}

} // namespace dmascope::ui

#include "dmascope/ui/spectrum_plot.h"

#include "dmascope/dsp/peak_search.h"
#include "dmascope/ui/engineering.h"
#include "dmascope/ui/time_plot.h"

#include "spectrum_columns.h"

#include "plot_export.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <span>

namespace dmascope::ui {
namespace {

// Axis margins in pixels: level labels on the left, frequency labels below.
constexpr int kLeft = 64;
constexpr int kRight = 8;
constexpr int kTop = 8;
constexpr int kBottom = 24;

const std::vector<float> kNoColumns;

} // namespace

QString markerTypeName(MarkerType type)
{
    switch (type) {
    case MarkerType::Peak: return QStringLiteral("Peak");
    case MarkerType::NextPeak: return QStringLiteral("Next peak");
    case MarkerType::Fixed: return QStringLiteral("Fixed");
    case MarkerType::Delta: return QStringLiteral("Delta");
    }
    return {};
}

SpectrumPlot::SpectrumPlot(QWidget *parent) : QWidget(parent), colors_(TimePlot::defaultColors())
{
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(160, 100);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

SpectrumPlot::~SpectrumPlot() = default;

QRect SpectrumPlot::plotArea() const
{
    return rect().adjusted(kLeft, kTop, -kRight, -kBottom);
}

FrequencyAxis SpectrumPlot::axis() const
{
    const QRect a = plotArea();
    return FrequencyAxis{f0_, f1_, logFrequency_, double(a.left()), double(a.width())};
}

double SpectrumPlot::xOf(double f) const
{
    return axis().xOf(f);
}

double SpectrumPlot::frequencyAt(double x) const
{
    return axis().frequencyAt(x);
}

double SpectrumPlot::yOf(double level) const
{
    const QRect a = plotArea();
    return a.top() + (refLevel_ - level) / (dbPerDiv_ * kLevelDivisions) * a.height();
}

double SpectrumPlot::levelAt(double y) const
{
    const QRect a = plotArea();
    return refLevel_ - (y - a.top()) / a.height() * dbPerDiv_ * kLevelDivisions;
}

void SpectrumPlot::setSnapshot(std::shared_ptr<const SpectrumSnapshot> snapshot)
{
    const bool first = !snapshot_ && snapshot;
    snapshot_ = std::move(snapshot);
    columnsDirty_ = true;
    if (first)
        fit();
    updateMarkers();
    update();
}

void SpectrumPlot::setFrequencyRange(double f0, double f1)
{
    if (!(f1 > f0) || (logFrequency_ && !(f0 > 0)))
        return;
    if (f0 == f0_ && f1 == f1_)
        return;
    f0_ = f0;
    f1_ = f1;
    viewWasChanged();
    emit frequencyRangeChanged(f0_, f1_);
}

void SpectrumPlot::setLogFrequency(bool on)
{
    if (on == logFrequency_)
        return;
    logFrequency_ = on;
    if (on && !(f0_ > 0)) {
        // Start at the first bin above DC (or a decade below the stop frequency).
        const double df = snapshot_ ? snapshot_->df : f1_ / 1000;
        f0_ = std::max(df, f1_ / 1e6);
    }
    viewWasChanged();
    emit frequencyRangeChanged(f0_, f1_);
}

void SpectrumPlot::fit()
{
    if (!snapshot_ || snapshot_->bins < 2)
        return;
    double lo = snapshot_->f0;
    const double hi = snapshot_->frequency(snapshot_->bins - 1);
    if (logFrequency_)
        lo = std::max(lo, snapshot_->df);
    setFrequencyRange(lo, hi);
}

void SpectrumPlot::zoomFrequency(double factor, double anchor)
{
    if (logFrequency_) {
        const double l0 = std::log(f0_), l1 = std::log(f1_), la = std::log(anchor);
        setFrequencyRange(std::exp(la + (l0 - la) * factor), std::exp(la + (l1 - la) * factor));
    } else {
        setFrequencyRange(anchor + (f0_ - anchor) * factor, anchor + (f1_ - anchor) * factor);
    }
}

void SpectrumPlot::setReferenceLevel(double db)
{
    if (!std::isfinite(db) || db == refLevel_)
        return;
    refLevel_ = db;
    update();
    emit levelRangeChanged(refLevel_, dbPerDiv_);
}

void SpectrumPlot::setDbPerDivision(double db)
{
    if (!(db > 0) || db == dbPerDiv_)
        return;
    dbPerDiv_ = db;
    update();
    emit levelRangeChanged(refLevel_, dbPerDiv_);
}

void SpectrumPlot::setChannelColors(const QList<QColor> &colors)
{
    colors_ = colors.isEmpty() ? TimePlot::defaultColors() : colors;
    update();
}

QColor SpectrumPlot::colorFor(int trace) const
{
    return colors_[trace % colors_.size()];
}

void SpectrumPlot::setMarkers(const std::vector<SpectrumMarker> &markers)
{
    markers_.assign(markers.begin(),
                    markers.begin() + std::min<std::ptrdiff_t>(markers.size(), kMaxMarkers));
    updateMarkers();
    update();
    emit markersChanged();
}

void SpectrumPlot::viewWasChanged()
{
    columnsDirty_ = true;
    updateMarkers(); // peaks are searched in the visible span
    update();
}

void SpectrumPlot::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    columnsDirty_ = true;
}

void SpectrumPlot::reduce() const
{
    if (!columnsDirty_)
        return;
    columnsDirty_ = false;
    columns_.clear();
    if (!snapshot_)
        return;
    columns_.resize(snapshot_->traces.size());
    for (std::size_t t = 0; t < columns_.size(); ++t)
        maxPerColumn(*snapshot_, t, axis(), plotArea().width(), columns_[t]);
}

const std::vector<float> &SpectrumPlot::columnLevels(int trace) const
{
    reduce();
    if (trace < 0 || std::size_t(trace) >= columns_.size())
        return kNoColumns;
    return columns_[std::size_t(trace)];
}

void SpectrumPlot::updateMarkers()
{
    readouts_.clear();
    for (std::size_t i = 0; i < markers_.size(); ++i) {
        const SpectrumMarker &m = markers_[i];
        MarkerReadout r;
        r.index = int(i);
        r.type = m.type;
        if (snapshot_ && m.trace >= 0 && std::size_t(m.trace) < snapshot_->traces.size()
            && snapshot_->traces[std::size_t(m.trace)].values.size() >= snapshot_->bins
            && snapshot_->bins > 0) {
            const SpectrumSnapshot &s = *snapshot_;
            const std::span<const float> v(s.traces[std::size_t(m.trace)].values.data(), s.bins);
            // The visible bins (peak searches stay on screen, as on a bench analyzer).
            const std::size_t lo = s.binAt(f0_);
            const std::size_t hi = s.binAt(f1_) + 1;
            std::optional<std::size_t> bin;
            switch (m.type) {
            case MarkerType::Peak:
                bin = dsp::findPeak(v, lo, hi);
                break;
            case MarkerType::NextPeak: {
                std::optional<std::size_t> from;
                if (i > 0 && readouts_.back().valid)
                    from = readouts_.back().bin;
                else
                    from = dsp::findPeak(v, lo, hi);
                if (from)
                    bin = dsp::nextPeak(v, *from, lo, hi);
                break;
            }
            case MarkerType::Fixed:
            case MarkerType::Delta:
                bin = s.binAt(m.frequency);
                break;
            }
            if (bin) {
                r.valid = true;
                r.bin = *bin;
                r.frequency = s.frequency(*bin);
                r.value = v[*bin];
                r.level = s.level(v[*bin]);
            }
        }
        readouts_.append(r);
    }
    for (MarkerReadout &r : readouts_) {
        const SpectrumMarker &m = markers_[std::size_t(r.index)];
        if (m.type != MarkerType::Delta || !r.valid)
            continue;
        if (m.reference < 0 || m.reference >= readouts_.size() || m.reference == r.index
            || !readouts_[m.reference].valid) {
            r.valid = false;
            continue;
        }
        r.deltaFrequency = r.frequency - readouts_[m.reference].frequency;
        r.deltaLevel = r.level - readouts_[m.reference].level;
    }
}

void SpectrumPlot::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    paintAll(p);
}

void SpectrumPlot::paintAll(QPainter &p) const
{
    const QRect a = plotArea();
    const QString unit = snapshot_ ? snapshot_->unit : QStringLiteral("dBFS");
    const bool decibels = !snapshot_ || snapshot_->decibels;
    FrameAxis x;
    x.ticks = logFrequency_ ? logTicks(f0_, f1_)
                            : linearTicks(f0_, f1_, niceStep125((f1_ - f0_) / 10.0));
    x.toPixel = [this](double f) { return xOf(f); };
    x.label = [this](double f) {
        return formatEngineering(std::abs(f) < (f1_ - f0_) * 1e-9 ? 0.0 : f, QStringLiteral("Hz"));
    };
    FrameAxis y;
    for (int k = 0; k <= kLevelDivisions; ++k)
        y.ticks.push_back({refLevel_ - k * dbPerDiv_, true});
    y.toPixel = [this](double level) { return yOf(level); };
    y.label = [decibels, unit](double level) {
        return decibels ? QString::number(level, 'g', 4)
                        : formatEngineering(std::pow(10.0, level / 20.0), QString(), 2);
    };
    paintPlotFrame(p, rect(), a, x, y);

    p.setPen(QColor(190, 190, 200));
    QFont f = p.font();
    f.setPointSizeF(8);
    p.setFont(f);
    const QString ref = decibels ? QStringLiteral("%1 %2").arg(refLevel_, 0, 'g', 4).arg(unit)
                                 : formatEngineering(std::pow(10.0, refLevel_ / 20.0), unit);
    const QString refText = tr("Ref %1   %2 dB/div").arg(ref).arg(dbPerDiv_, 0, 'g', 3);
    const QRect refRect = a.adjusted(6, 4, -6, -4);
    p.drawText(refRect, Qt::AlignTop | Qt::AlignLeft, refText);
    if (!snapshot_)
        return;
    p.save();
    p.setClipRect(a);
    for (int t = 0; t < int(snapshot_->traces.size()); ++t)
        paintTrace(p, t);
    p.restore();
    paintMarkers(p, p.fontMetrics().boundingRect(refRect, Qt::AlignTop | Qt::AlignLeft, refText));
}

void SpectrumPlot::paintTrace(QPainter &p, int trace) const
{
    const SpectrumSnapshot &s = *snapshot_;
    const std::vector<float> &v = s.traces[std::size_t(trace)].values;
    QPen pen(colorFor(trace));
    pen.setWidth(0);
    p.setPen(pen);
    const QRect a = plotArea();
    std::vector<QPointF> line;
    auto flush = [&] {
        if (line.size() > 1)
            p.drawPolyline(line.data(), int(line.size()));
        line.clear();
    };
    const std::size_t lo = s.binAt(f0_), hi = s.binAt(f1_);
    if (hi >= lo && double(hi - lo + 1) * 2 < a.width() && v.size() >= s.bins) {
        // Fewer bins than columns: join the bins themselves (one bin beyond each edge).
        const std::size_t b0 = lo > 0 ? lo - 1 : 0, b1 = std::min(s.bins - 1, hi + 1);
        for (std::size_t b = b0; b <= b1; ++b) {
            if (logFrequency_ && !(s.frequency(b) > 0))
                continue;
            line.emplace_back(xOf(s.frequency(b)), yOf(s.level(v[b])));
        }
        flush();
        return;
    }
    const std::vector<float> &col = columnLevels(trace);
    for (std::size_t c = 0; c < col.size(); ++c) {
        if (std::isnan(col[c])) {
            continue; // sparse columns between bins: the line joins across them
        }
        line.emplace_back(a.left() + double(c) + 0.5, yOf(col[c]));
    }
    flush();
}

void SpectrumPlot::paintMarkers(QPainter &p, const QRect &refText) const
{
    if (readouts_.isEmpty())
        return;
    const QRect a = plotArea();
    const QString unit = snapshot_ ? snapshot_->unit : QString();
    const bool decibels = !snapshot_ || snapshot_->decibels;
    QStringList lines;
    struct Flag
    {
        QPointF tip;
        QColor color;
        QString name;
    };
    std::vector<Flag> flags; // the markers in view, drawn once the readout box is placed
    for (const MarkerReadout &r : readouts_) {
        const QString name = QStringLiteral("%1%2")
                                 .arg(r.type == MarkerType::Delta ? QStringLiteral("D")
                                                                  : QStringLiteral("M"))
                                 .arg(r.index + 1);
        if (!r.valid) {
            lines << QStringLiteral("%1  —").arg(name);
            continue;
        }
        const double x = xOf(r.frequency), y = std::clamp(yOf(r.level), double(a.top()),
                                                          double(a.bottom()));
        if (x >= a.left() && x <= a.right())
            flags.push_back({{x, y}, colorFor(markers_[std::size_t(r.index)].trace), name});
        const QString level = decibels ? QStringLiteral("%1 %2").arg(r.level, 0, 'f', 2).arg(unit)
                                       : formatEngineering(r.value, unit);
        if (r.type == MarkerType::Delta)
            lines << QStringLiteral("%1  Δ %2  Δ %3 dB")
                         .arg(name, formatEngineering(r.deltaFrequency, QStringLiteral("Hz"), 6))
                         .arg(r.deltaLevel, 0, 'f', 2);
        else
            lines << QStringLiteral("%1  %2  %3")
                         .arg(name, formatEngineering(r.frequency, QStringLiteral("Hz"), 6), level);
    }
    const QString text = lines.join(QLatin1Char('\n'));
    QRect box = p.fontMetrics().boundingRect(a, Qt::AlignTop | Qt::AlignRight, text);
    box = box.adjusted(-4, -2, 4, 2).translated(-6, 4);

    // The names stand above their markers, clear of each other, the Ref line and the readouts
    // (two markers on one peak, or one at the top edge, would write over each other).
    std::vector<QRectF> wanted;
    for (const Flag &f : flags)
        wanted.emplace_back(f.tip.x() - 14, f.tip.y() - 26, 28, 14);
    const std::vector<QRectF> labels = placeLabels(wanted, {QRectF(refText), QRectF(box)}, a);
    for (std::size_t i = 0; i < flags.size(); ++i) {
        const Flag &f = flags[i];
        p.setPen(QPen(Qt::white, 0));
        p.setBrush(f.color);
        const QPointF tri[] = {f.tip + QPointF(-5, -11), f.tip + QPointF(5, -11),
                               f.tip + QPointF(0, -2)};
        p.drawPolygon(tri, 3);
        p.fillRect(labels[i], QColor(0, 0, 0, 170));
        p.setPen(Qt::white);
        p.drawText(labels[i], Qt::AlignCenter, f.name);
    }
    p.fillRect(box, QColor(0, 0, 0, 170));
    p.setPen(QColor(230, 230, 230));
    p.drawText(box, Qt::AlignCenter, text);
}

bool SpectrumPlot::exportPng(const QString &path)
{
    return exportWidgetPng(*this, path);
}

bool SpectrumPlot::exportSvg(const QString &path)
{
    return exportWidgetSvg(*this, path, QStringLiteral("dmascope spectrum"),
                           [this](QPainter &p) { paintAll(p); });
}

void SpectrumPlot::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0)
        return;
    if (event->modifiers() & Qt::ControlModifier) {
        // dB/div through 1-2-5 steps: one notch per step.
        const double next = steps > 0 ? dbPerDiv_ / 2.0 : dbPerDiv_ * 2.0;
        setDbPerDivision(niceStep125(next * 0.99));
    } else {
        zoomFrequency(std::pow(0.8, steps), frequencyAt(event->position().x()));
    }
    event->accept();
}

void SpectrumPlot::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    dragging_ = true;
    pressPos_ = event->position().toPoint();
    pressF0_ = f0_;
    pressF1_ = f1_;
    pressRef_ = refLevel_;
    event->accept();
}

void SpectrumPlot::mouseMoveEvent(QMouseEvent *event)
{
    if (!dragging_ || !(event->buttons() & Qt::LeftButton))
        return;
    const QRect a = plotArea();
    const QPoint d = event->position().toPoint() - pressPos_;
    const double u = double(d.x()) / a.width();
    if (logFrequency_) {
        const double k = std::pow(pressF1_ / pressF0_, -u);
        setFrequencyRange(pressF0_ * k, pressF1_ * k);
    } else {
        const double df = u * (pressF1_ - pressF0_);
        setFrequencyRange(pressF0_ - df, pressF1_ - df);
    }
    setReferenceLevel(pressRef_ + double(d.y()) / a.height() * dbPerDiv_ * kLevelDivisions);
}

void SpectrumPlot::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (!snapshot_)
        return;
    std::vector<SpectrumMarker> m = markers_;
    if (m.empty())
        m.push_back({});
    m.front().type = MarkerType::Fixed;
    m.front().frequency = frequencyAt(event->position().x());
    setMarkers(m);
    event->accept();
}

void SpectrumPlot::keyPressEvent(QKeyEvent *event)
{
    const double centre = frequencyAt(plotArea().center().x());
    switch (event->key()) {
    case Qt::Key_Home:
        fit();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomFrequency(0.5, centre);
        break;
    case Qt::Key_Minus:
        zoomFrequency(2.0, centre);
        break;
    case Qt::Key_Up:
        setReferenceLevel(refLevel_ - dbPerDiv_);
        break;
    case Qt::Key_Down:
        setReferenceLevel(refLevel_ + dbPerDiv_);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace dmascope::ui

#include "dmascope/ui/waterfall.h"

#include "dmascope/ui/engineering.h"
#include "dmascope/ui/plot_axes.h"

#include "spectrum_columns.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace dmascope::ui {
namespace {
// The spectrum plot's horizontal margins, so the columns line up when stacked; a slim top and
// bottom, and the colour bar in the left margin.
constexpr int kLeft = 64;
constexpr int kRight = 8;
constexpr int kTop = 4;
constexpr int kBottom = 4;
} // namespace

QRgb Waterfall::colorAt(double fraction)
{
    // Piecewise linear through a few anchors (an "inferno"-like, perceptually increasing map).
    static const struct
    {
        double at;
        int r, g, b;
    } kAnchors[] = {{0.0, 0, 0, 16},     {0.25, 40, 10, 110}, {0.5, 170, 30, 90},
                    {0.75, 250, 140, 20}, {0.9, 255, 230, 80}, {1.0, 255, 255, 255}};
    const double x = std::clamp(fraction, 0.0, 1.0);
    for (std::size_t i = 1; i < std::size(kAnchors); ++i) {
        if (x <= kAnchors[i].at) {
            const auto &a = kAnchors[i - 1];
            const auto &b = kAnchors[i];
            const double u = (x - a.at) / (b.at - a.at);
            return qRgb(int(a.r + u * (b.r - a.r)), int(a.g + u * (b.g - a.g)),
                        int(a.b + u * (b.b - a.b)));
        }
    }
    return qRgb(255, 255, 255);
}

Waterfall::Waterfall(QWidget *parent) : QWidget(parent)
{
    for (std::size_t i = 0; i < lut_.size(); ++i)
        lut_[i] = colorAt(double(i) / double(lut_.size() - 1));
    setMinimumSize(160, 60);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

Waterfall::~Waterfall() = default;

QRect Waterfall::plotArea() const
{
    return rect().adjusted(kLeft, kTop, -kRight, -kBottom);
}

FrequencyAxis Waterfall::axis() const
{
    const QRect a = plotArea();
    return FrequencyAxis{f0_, f1_, log_, double(a.left()), double(a.width())};
}

int Waterfall::columnOf(double f) const
{
    return int(std::floor(axis().xOf(f))) - plotArea().left();
}

void Waterfall::clear()
{
    const QSize s = plotArea().size().expandedTo(QSize(1, 1));
    ring_ = QImage(s, QImage::Format_RGB32);
    ring_.fill(lut_[0]);
    head_ = 0;
    rows_ = 0;
    update();
}

void Waterfall::setFrequencyRange(double f0, double f1)
{
    if (!(f1 > f0) || (log_ && !(f0 > 0)) || (f0 == f0_ && f1 == f1_))
        return;
    f0_ = f0;
    f1_ = f1;
    clear();
}

void Waterfall::setLogFrequency(bool on)
{
    if (on == log_)
        return;
    log_ = on;
    clear();
}

void Waterfall::setLevelRange(double low, double high)
{
    if (!(high > low))
        return;
    low_ = low;
    high_ = high;
    update(); // the colour bar; rows already drawn keep their colours
}

void Waterfall::addSpectrum(const SpectrumSnapshot &snapshot, int trace)
{
    if (ring_.size() != plotArea().size().expandedTo(QSize(1, 1)))
        clear();
    const int w = ring_.width();
    maxPerColumn(snapshot, std::size_t(std::max(trace, 0)), axis(), w, scratch_);
    head_ = (head_ + ring_.height() - 1) % ring_.height();
    auto *row = reinterpret_cast<QRgb *>(ring_.scanLine(head_));
    const float scale = float(double(lut_.size() - 1) / (high_ - low_));
    const auto low = float(low_);
    // Columns without a bin of their own (zoomed in past the bin width) take their left
    // neighbour's, so a row is a continuous band rather than stripes.
    float last = NAN;
    for (int c = 0; c < w; ++c) {
        float v = scratch_[std::size_t(c)];
        if (std::isnan(v))
            v = last;
        last = v;
        const float idx = std::isnan(v) ? 0.f : std::clamp((v - low) * scale, 0.f, 255.f);
        row[c] = lut_[std::size_t(idx)];
    }
    ++rows_;
    update();
}

QImage Waterfall::historyImage() const
{
    QImage out(ring_.size(), QImage::Format_RGB32);
    QPainter p(&out);
    const int h = ring_.height();
    p.drawImage(QPoint(0, 0), ring_, QRect(0, head_, ring_.width(), h - head_));
    if (head_ > 0)
        p.drawImage(QPoint(0, h - head_), ring_, QRect(0, 0, ring_.width(), head_));
    return out;
}

void Waterfall::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (ring_.size() != plotArea().size().expandedTo(QSize(1, 1)))
        clear();
}

void Waterfall::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const PlotStyle style;
    const QRect a = plotArea();
    p.fillRect(rect(), style.background);
    if (!ring_.isNull()) {
        // The ring from the newest row down, then the part that wrapped around.
        const int h = ring_.height();
        p.drawImage(a.topLeft(), ring_, QRect(0, head_, ring_.width(), h - head_));
        if (head_ > 0)
            p.drawImage(a.topLeft() + QPoint(0, h - head_), ring_,
                        QRect(0, 0, ring_.width(), head_));
    }
    // Colour bar with the level range in the left margin.
    const QRect bar(8, a.top() + 14, 10, std::max(0, a.height() - 28));
    for (int y = 0; y < bar.height(); ++y) {
        p.setPen(QColor::fromRgb(colorAt(1.0 - double(y) / std::max(1, bar.height() - 1))));
        p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    QFont f = p.font();
    f.setPointSizeF(7);
    p.setFont(f);
    p.setPen(style.text);
    p.drawText(QRect(0, a.top(), kLeft - 2, 14), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(high_, 'g', 4));
    p.drawText(QRect(0, a.bottom() - 13, kLeft - 2, 14), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(low_, 'g', 4));
    p.setPen(style.axis);
    p.setBrush(Qt::NoBrush);
    p.drawRect(a.adjusted(-1, -1, 0, 0)); // around the rows, not over the newest one
}

} // namespace dmascope::ui

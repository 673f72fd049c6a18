#include "dmascope/dsp/measurements.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace dmascope::dsp {
namespace {

struct Edges
{
    std::vector<double> rising;  // fractional sample positions of mid crossings
    std::vector<double> falling;
};

double crossing(std::size_t i, double a, double b, double level)
{
    // a = x[i-1], b = x[i], straddling level
    return static_cast<double>(i) - 1.0 + (level - a) / (b - a);
}

Edges findEdges(std::span<const float> x, double mid, double hyst)
{
    Edges e;
    enum { Unknown, Low, High } state = Unknown;
    // Crossing position: the last time the signal crossed mid before confirming the new state by
    // leaving the hysteresis band, so noise inside the band does not shift it to the band edge.
    double lastUp = -1.0;
    double lastDown = -1.0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        const double a = x[i - 1];
        const double b = x[i];
        if (a < mid && b >= mid)
            lastUp = crossing(i, a, b, mid);
        else if (a >= mid && b < mid)
            lastDown = crossing(i, a, b, mid);
        if (b >= mid + hyst) {
            if (state == Low && lastUp >= 0.0)
                e.rising.push_back(lastUp);
            state = High;
        } else if (b <= mid - hyst) {
            if (state == High && lastDown >= 0.0)
                e.falling.push_back(lastDown);
            state = Low;
        }
    }
    return e;
}

// Mean time from a `from` crossing to the following `to` crossing, for transitions that go all the
// way (rising: from 10 % to 90 %). `up` selects the direction.
std::optional<double> transitionTime(std::span<const float> x, double from, double to, bool up)
{
    double sum = 0.0;
    int n = 0;
    double start = -1.0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        const double a = x[i - 1];
        const double b = x[i];
        if (up) {
            if (a < from && b >= from)
                start = crossing(i, a, b, from);
            else if (b < from)
                start = -1.0;
            if (start >= 0.0 && a < to && b >= to) {
                sum += crossing(i, a, b, to) - start;
                ++n;
                start = -1.0;
            }
        } else {
            if (a > from && b <= from)
                start = crossing(i, a, b, from);
            else if (b > from)
                start = -1.0;
            if (start >= 0.0 && a > to && b <= to) {
                sum += crossing(i, a, b, to) - start;
                ++n;
                start = -1.0;
            }
        }
    }
    if (n == 0)
        return std::nullopt;
    return sum / n;
}

} // namespace

Measurements measure(std::span<const float> x, double dt)
{
    Measurements m;
    if (x.empty())
        return m;
    double mn = x[0];
    double mx = x[0];
    double sum = 0.0;
    double sum2 = 0.0;
    for (float f : x) {
        const double v = f;
        mn = std::min(mn, v);
        mx = std::max(mx, v);
        sum += v;
        sum2 += v * v;
    }
    const double n = static_cast<double>(x.size());
    m.min = mn;
    m.max = mx;
    m.peakToPeak = mx - mn;
    m.mean = sum / n;
    m.rms = std::sqrt(sum2 / n);

    const double amp = mx - mn;
    if (!(amp > 0.0))
        return m;
    const Edges e = findEdges(x, mn + 0.5 * amp, 0.1 * amp);
    if (e.rising.size() >= 2) {
        const double periodSamples = (e.rising.back() - e.rising.front())
                                     / static_cast<double>(e.rising.size() - 1);
        m.period = periodSamples * dt;
        m.frequency = 1.0 / *m.period;
        double highSum = 0.0;
        int periods = 0;
        for (std::size_t i = 0; i + 1 < e.rising.size(); ++i) {
            const auto f = std::upper_bound(e.falling.begin(), e.falling.end(), e.rising[i]);
            if (f != e.falling.end() && *f < e.rising[i + 1]) {
                highSum += (*f - e.rising[i]) / (e.rising[i + 1] - e.rising[i]);
                ++periods;
            }
        }
        if (periods > 0)
            m.dutyCycle = highSum / periods;
    }
    const double p10 = mn + 0.1 * amp;
    const double p90 = mn + 0.9 * amp;
    if (auto r = transitionTime(x, p10, p90, true))
        m.riseTime = *r * dt;
    if (auto f = transitionTime(x, p90, p10, false))
        m.fallTime = *f * dt;
    return m;
}

void RunningStats::add(double x)
{
    ++count_;
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
    const double d = x - mean_;
    mean_ += d / static_cast<double>(count_);
    m2_ += d * (x - mean_);
}

double RunningStats::stddev() const noexcept
{
    if (count_ < 2)
        return 0.0;
    const double sd = std::sqrt(m2_ / static_cast<double>(count_ - 1));
    // Values equal but for rounding (a rise time computed the same way each capture) spread by
    // ~1e-16 of their size: that is no deviation, and "0.0001 fs" would be noise on the screen.
    return sd <= 1e-12 * std::abs(mean_) ? 0.0 : sd;
}

void MeasurementStats::add(const Measurements &m)
{
    min.add(m.min);
    max.add(m.max);
    peakToPeak.add(m.peakToPeak);
    mean.add(m.mean);
    rms.add(m.rms);
    auto opt = [](RunningStats &s, const std::optional<double> &v) {
        if (v)
            s.add(*v);
    };
    opt(frequency, m.frequency);
    opt(period, m.period);
    opt(dutyCycle, m.dutyCycle);
    opt(riseTime, m.riseTime);
    opt(fallTime, m.fallTime);
}

} // namespace dmascope::dsp

// Automatic measurements on one converted window (physical units, evenly sampled), and running
// statistics over captures.
//
// Definitions (x = the samples, dt = sample interval):
//  - min, max, peakToPeak = max - min, mean = sum(x)/N, rms = sqrt(sum(x^2)/N) (AC+DC).
//  - Reference levels: low = min, high = max, amplitude = high - low. mid = low + 50 %,
//    and the 10 % / 90 % levels for rise and fall time. (Min/max rather than histogram top/base:
//    with noise the levels move out by the noise peak, which widens rise/fall by
//    ~ noise_pk / slope; the tests state that tolerance.)
//  - Edges are crossings of mid with hysteresis of 10 % of the amplitude (so noise around the
//    level does not count as edges), located by linear interpolation between the straddling
//    samples (error << dt for a clean signal).
//  - period = (last rising edge - first rising edge) / (number of rising edges - 1), i.e. the
//    average over every full period in the window; frequency = 1 / period. Needs >= 2 rising
//    edges, otherwise absent.
//  - dutyCycle = mean over full periods of (falling edge - preceding rising edge) / period, in
//    0..1. Needs a rising, falling, rising sequence.
//  - riseTime = mean over rising edges of the time from the last 10 % crossing to the first 90 %
//    crossing that follows it (interpolated); fallTime the mirror image. Absent without a
//    complete edge in the window.
//  - Quantities that need edges are absent when amplitude is 0 (DC).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace dmascope::dsp {

struct Measurements
{
    double min = 0.0;
    double max = 0.0;
    double peakToPeak = 0.0;
    double mean = 0.0;
    double rms = 0.0;
    std::optional<double> frequency;
    std::optional<double> period;
    std::optional<double> dutyCycle;
    std::optional<double> riseTime;
    std::optional<double> fallTime;
};

// Empty input gives all zeros and nothing optional.
Measurements measure(std::span<const float> samples, double sampleInterval);

// Welford's running min/max/mean/standard deviation (sample stddev, N-1; 0 for one value).
class RunningStats
{
public:
    void add(double x);
    void reset() { *this = RunningStats{}; }
    std::uint64_t count() const noexcept { return count_; }
    double min() const noexcept { return min_; }
    double max() const noexcept { return max_; }
    double mean() const noexcept { return mean_; }
    double stddev() const noexcept;

private:
    std::uint64_t count_ = 0;
    double min_ = std::numeric_limits<double>::infinity();
    double max_ = -std::numeric_limits<double>::infinity();
    double mean_ = 0.0;
    double m2_ = 0.0;
};

// One RunningStats per quantity; optional quantities are counted only when present.
struct MeasurementStats
{
    RunningStats min, max, peakToPeak, mean, rms, frequency, period, dutyCycle, riseTime, fallTime;

    void add(const Measurements &m);
    void reset() { *this = MeasurementStats{}; }
};

} // namespace dmascope::dsp

// Software edge trigger on raw samples, and the auto/normal/single mode state machine.
//
// The level and hysteresis are in raw units (convert once with Calibration::toRaw); the scan
// decodes samples in place and never converts to volts.
//
// Definitions:
//  - Rising edge: the trigger arms when a sample is below `level - hysteresis` (below `level` if
//    hysteresis is 0) and fires at the first later sample >= level. Falling is the mirror image;
//    Either runs both and fires on whichever edge comes first.
//  - Position: absolute sample number, fractional: if samples n-1 and n straddle the level, the
//    position is n-1 + (level - x[n-1]) / (x[n] - x[n-1]) (linear interpolation). For a clean edge
//    this is exact; with noise the error is the noise at the crossing divided by the slope (in
//    samples), which the tests bound.
//  - Holdoff: a crossing is accepted only if it lies >= holdoff samples after the previously
//    accepted one. A rejected crossing still uses up the arming, so the signal must re-arm.
//  - State is kept across scan() calls, so an edge that straddles two blocks is found.
#pragma once

#include "dmascope/dsp/sample_format.h"

#include <cstdint>
#include <optional>
#include <span>

namespace dmascope::dsp {

enum class Edge { Rising, Falling, Either };

struct EdgeTriggerConfig
{
    Edge edge = Edge::Rising;
    double level = 0.0;      // raw units
    double hysteresis = 0.0; // raw units, >= 0
    std::uint64_t holdoff = 0; // samples
};

class EdgeTrigger
{
public:
    explicit EdgeTrigger(const EdgeTriggerConfig &config = {});

    const EdgeTriggerConfig &config() const noexcept { return config_; }
    void setConfig(const EdgeTriggerConfig &config); // also reset()s
    void reset();
    // The next scan does not continue the last one (samples were skipped): forget the previous
    // sample and the arming, keep the last accepted position for the holdoff.
    void resync();

    // Scans `count` samples of `ch`; `first` is the absolute number of the first one. Writes the
    // accepted trigger positions in order to `out` and returns how many; scanning stops early when
    // `out` is full (the rest of the samples are then not consumed: call again from the returned
    // position, see consumed()).
    std::size_t scan(const RawChannel &ch, std::size_t count, std::uint64_t first,
                     std::span<double> out);
    std::size_t scanDecoded(std::span<const std::int32_t> samples, std::uint64_t first,
                            std::span<double> out);
    // Number of samples the last scan call consumed.
    std::size_t consumed() const noexcept { return consumed_; }

    // What carries over from one scan call to the next (exposed for the scan loops in the .cpp).
    struct State
    {
        bool havePrev = false;
        std::int32_t prev = 0;
        bool armedRise = false;
        bool armedFall = false;
        bool haveLast = false;
        double last = 0.0; // last accepted position
    };

private:
    EdgeTriggerConfig config_;
    State state_;
    std::size_t consumed_ = 0;
};

enum class TriggerMode {
    Auto,   // trigger on edges; if none comes within the auto timeout, capture anyway (free run)
    Normal, // capture only on edges
    Single, // capture on the first edge after arm(), then stop until arm() again
};

// Decides when captures start. The caller scans for edges while waiting(), reports what it found
// with advance(), collects the capture, then calls captureDone().
class TriggerModeMachine
{
public:
    enum class State { Waiting, Capturing, Stopped };
    struct Capture
    {
        double position; // trigger point (absolute sample number)
        bool forced;     // auto mode timed out: no edge was seen
    };

    TriggerMode mode() const noexcept { return mode_; }
    State state() const noexcept { return state_; }
    bool waiting() const noexcept { return state_ == State::Waiting; }

    // Changing the mode re-arms at `now`.
    void setMode(TriggerMode mode, std::uint64_t now);
    void setAutoTimeout(std::uint64_t samples) { autoTimeout_ = samples; }
    // Wait for a trigger from sample `now` on (Single: the explicit re-arm).
    void arm(std::uint64_t now);

    // Samples up to `scannedEnd` were scanned and `triggers` found in them (ascending). Returns
    // the capture to start, if any. Triggers before the arming point are ignored.
    std::optional<Capture> advance(std::span<const double> triggers, std::uint64_t scannedEnd);
    // The capture ended at sample `end`: Single stops, the others wait again from `end`.
    void captureDone(std::uint64_t end);

private:
    TriggerMode mode_ = TriggerMode::Auto;
    State state_ = State::Waiting;
    std::uint64_t armedAt_ = 0;
    std::uint64_t autoTimeout_ = 0;
};

} // namespace dmascope::dsp

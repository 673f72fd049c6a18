#include "dmascope/dsp/trigger.h"

#include "dmascope/dsp/envelope.h"

#include <algorithm>
#include <array>

namespace dmascope::dsp {

EdgeTrigger::EdgeTrigger(const EdgeTriggerConfig &config) : config_(config) {}

void EdgeTrigger::setConfig(const EdgeTriggerConfig &config)
{
    config_ = config;
    reset();
}

void EdgeTrigger::reset()
{
    havePrev_ = false;
    armedRise_ = armedFall_ = false;
    haveLast_ = false;
    consumed_ = 0;
}

std::size_t EdgeTrigger::scan(const RawChannel &ch, std::size_t count, std::uint64_t first,
                              std::span<double> out)
{
    // Decode a chunk at a time (vectorised), then run the edge state machine over integers.
    std::array<std::int32_t, 1024> buf;
    std::size_t found = 0;
    std::size_t done = 0;
    while (done < count && found < out.size()) {
        const std::size_t n = std::min(buf.size(), count - done);
        decodeSamples(ch.advanced(done), n, buf.data());
        found += scanDecoded(std::span(buf.data(), n), first + done, out.subspan(found));
        done += consumed_;
    }
    consumed_ = done;
    return found;
}

std::size_t EdgeTrigger::scanDecoded(std::span<const std::int32_t> samples, std::uint64_t first,
                                     std::span<double> out)
{
    const double level = config_.level;
    const double armBelow = level - config_.hysteresis;
    const double armAbove = level + config_.hysteresis;
    const bool rising = config_.edge != Edge::Falling;
    const bool falling = config_.edge != Edge::Rising;
    std::size_t found = 0;
    std::size_t i = 0;
    for (; i < samples.size() && found < out.size(); ++i) {
        const std::int32_t v = samples[i];
        const double x = v;
        double pos = -1.0;
        if (rising) {
            if (armedRise_ && x >= level && havePrev_)
                pos = static_cast<double>(first + i) - 1.0 + (level - prev_) / (x - prev_);
            if (x >= level)
                armedRise_ = false;
            else if (x <= armBelow)
                armedRise_ = true;
        }
        if (falling) {
            if (armedFall_ && x <= level && havePrev_)
                pos = static_cast<double>(first + i) - 1.0 + (prev_ - level) / (prev_ - x);
            if (x <= level)
                armedFall_ = false;
            else if (x >= armAbove)
                armedFall_ = true;
        }
        prev_ = v;
        havePrev_ = true;
        if (pos >= 0.0) {
            if (!haveLast_ || pos >= last_ + static_cast<double>(config_.holdoff)) {
                out[found++] = pos;
                last_ = pos;
                haveLast_ = true;
            }
        }
    }
    consumed_ = i;
    return found;
}

void TriggerModeMachine::setMode(TriggerMode mode, std::uint64_t now)
{
    mode_ = mode;
    arm(now);
}

void TriggerModeMachine::arm(std::uint64_t now)
{
    state_ = State::Waiting;
    armedAt_ = now;
}

std::optional<TriggerModeMachine::Capture>
TriggerModeMachine::advance(std::span<const double> triggers, std::uint64_t scannedEnd)
{
    if (state_ != State::Waiting)
        return std::nullopt;
    for (double t : triggers) {
        if (t >= static_cast<double>(armedAt_)) {
            state_ = State::Capturing;
            return Capture{t, false};
        }
    }
    if (mode_ == TriggerMode::Auto && scannedEnd >= armedAt_ + autoTimeout_) {
        state_ = State::Capturing;
        return Capture{static_cast<double>(armedAt_ + autoTimeout_), true};
    }
    return std::nullopt;
}

void TriggerModeMachine::captureDone(std::uint64_t end)
{
    if (mode_ == TriggerMode::Single) {
        state_ = State::Stopped;
        return;
    }
    arm(end);
}

} // namespace dmascope::dsp

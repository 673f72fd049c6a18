#include "dmascope/dsp/trigger.h"

#include "decode.h"

#include <algorithm>
#include <cmath>

namespace dmascope::dsp {

EdgeTrigger::EdgeTrigger(const EdgeTriggerConfig &config) : config_(config) {}

void EdgeTrigger::setConfig(const EdgeTriggerConfig &config)
{
    config_ = config;
    reset();
}

void EdgeTrigger::reset()
{
    state_ = State{};
    consumed_ = 0;
}

void EdgeTrigger::resync()
{
    state_.havePrev = false;
    state_.armedRise = state_.armedFall = false;
}

namespace {

// The level and arming thresholds as integers, so the per-sample tests are integer compares:
// x >= level  <=>  x >= ceil(level), and so on.
struct Thresholds
{
    std::int64_t riseFire, riseArm, fallFire, fallArm;

    explicit Thresholds(const EdgeTriggerConfig &c)
    {
        riseFire = static_cast<std::int64_t>(std::ceil(c.level));
        riseArm = std::min(riseFire - 1, static_cast<std::int64_t>(std::floor(c.level - c.hysteresis)));
        fallFire = static_cast<std::int64_t>(std::floor(c.level));
        fallArm = std::max(fallFire + 1, static_cast<std::int64_t>(std::ceil(c.level + c.hysteresis)));
    }
};

// Runs the edge state machine over `n` samples read through `at(k)`; returns the number of
// samples consumed (all of them unless `out` filled up). Single-edge modes alternate two tight
// search loops (find the arming sample, then the crossing) instead of testing everything for
// every sample.
template <typename At>
std::size_t scanLoop(At at, std::size_t n, std::uint64_t first, std::span<double> out,
                     std::size_t &found, EdgeTrigger::State &st, const EdgeTriggerConfig &cfg)
{
    const Thresholds th(cfg);
    const double level = cfg.level;
    const auto holdoff = static_cast<double>(cfg.holdoff);
    auto emit = [&](std::size_t k, std::int32_t prev, std::int32_t x) {
        // k >= 1 or prev from the previous call; the same formula serves both directions
        const double pos = static_cast<double>(first + k) - 1.0 + (level - prev) / (double(x) - prev);
        if (!st.haveLast || pos >= st.last + holdoff) {
            out[found++] = pos;
            st.last = pos;
            st.haveLast = true;
        }
    };
    auto prevOf = [&](std::size_t k) { return k > 0 ? at(k - 1) : st.prev; };
    std::size_t i = 0;
    if (cfg.edge == Edge::Rising) {
        while (i < n && found < out.size()) {
            if (!st.armedRise) {
                while (i < n && at(i) > th.riseArm)
                    ++i;
                if (i == n)
                    break;
                st.armedRise = true;
                ++i;
                continue;
            }
            while (i < n && at(i) < th.riseFire)
                ++i;
            if (i == n)
                break;
            st.armedRise = false;
            emit(i, prevOf(i), at(i));
            ++i;
        }
    } else if (cfg.edge == Edge::Falling) {
        while (i < n && found < out.size()) {
            if (!st.armedFall) {
                while (i < n && at(i) < th.fallArm)
                    ++i;
                if (i == n)
                    break;
                st.armedFall = true;
                ++i;
                continue;
            }
            while (i < n && at(i) > th.fallFire)
                ++i;
            if (i == n)
                break;
            st.armedFall = false;
            emit(i, prevOf(i), at(i));
            ++i;
        }
    } else {
        for (; i < n && found < out.size(); ++i) {
            const std::int32_t x = at(i);
            if (st.armedRise && x >= th.riseFire) {
                st.armedRise = false;
                emit(i, prevOf(i), x);
            } else if (st.armedFall && x <= th.fallFire) {
                st.armedFall = false;
                emit(i, prevOf(i), x);
            }
            if (x <= th.riseArm)
                st.armedRise = true;
            if (x >= th.fallArm)
                st.armedFall = true;
        }
    }
    if (i > 0) {
        st.prev = at(i - 1);
        st.havePrev = true;
    }
    return i;
}

} // namespace

std::size_t EdgeTrigger::scan(const RawChannel &ch, std::size_t count, std::uint64_t first,
                              std::span<double> out)
{
    std::size_t found = 0;
    const detail::Shifts sh = detail::shiftsFor(ch.format);
    detail::dispatch(ch.format, [&]<typename U, bool Signed, bool Swap>() {
        auto at = [&](std::size_t k) {
            return detail::decodeOne<U, Signed, Swap>(ch.data + k * ch.stride, sh);
        };
        consumed_ = scanLoop(at, count, first, out, found, state_, config_);
    });
    return found;
}

std::size_t EdgeTrigger::scanDecoded(std::span<const std::int32_t> samples, std::uint64_t first,
                                     std::span<double> out)
{
    std::size_t found = 0;
    consumed_ = scanLoop([&](std::size_t k) { return samples[k]; }, samples.size(), first, out,
                         found, state_, config_);
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

// Data-integrity check on a counter channel: iio_sim's (and the demo device's) "counter"
// waveform stores the sample index modulo 2^realbits, so every sample must be the previous one
// plus 1. Finds lost, duplicated and reordered samples, and tells losses the stream reported
// (block.firstSample jumped: the source or this consumer's subscription dropped data) from
// losses nobody reported.
//
// A loss of an exact multiple of 2^realbits samples is invisible in the data; the stream's own
// sample accounting (firstSample) still catches it when it knows about it.
#pragma once

#include "dmascope/block.h"
#include "dmascope/scan_layout.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace dmascope {

struct CounterReport
{
    std::uint64_t samples = 0;
    std::uint64_t lost = 0;         // samples missing, reported or not
    std::uint64_t reportedLost = 0; // of those, the ones the stream announced (firstSample jumps)
    std::uint64_t gaps = 0;         // places where samples were lost
    std::uint64_t duplicated = 0;   // samples equal to the previous one
    // Samples that went backwards. A loss of more than half the counter's range looks the
    // same, so a large unreported loss can show up here: firstProblem says so.
    std::uint64_t reordered = 0;
    std::string firstProblem;       // e.g. "sample 1234: counter went from 17 to 15"

    bool ok() const noexcept { return lost == 0 && duplicated == 0 && reordered == 0; }
};

class CounterCheck
{
public:
    // Checks element 0 of `channel` in frames of `frameBytes`. Throws std::invalid_argument
    // when the channel's type is invalid or it has fewer than 2 bits.
    CounterCheck(const ChannelLayout &channel, std::size_t frameBytes);

    // Checks a block of the stream; its firstSample says where it starts in the stream.
    void feed(const Block &block);
    // Checks `count` consecutive frames; `firstSample` is the index of the first one in the
    // stream (a jump from the previous feed is a reported loss).
    void feed(const std::uint8_t *frames, std::size_t count, std::uint64_t firstSample);

    const CounterReport &report() const noexcept { return report_; }

private:
    void problem(const std::string &what);

    ChannelLayout channel_;
    std::size_t frameBytes_;
    std::uint64_t modulus_;
    bool started_ = false;
    std::uint64_t previous_ = 0;   // last counter value (mod modulus_)
    std::uint64_t nextSample_ = 0; // stream index expected next
    CounterReport report_;
};

} // namespace dmascope

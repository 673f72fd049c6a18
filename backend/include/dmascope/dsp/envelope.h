// Min/max envelope and decoding of one channel's raw integers, in place in the block.
//
// The fast functions are specialised per container (8/16/32 bit, signed/unsigned, byte order);
// the shift and real-bit width are applied with two shifts, so one loop covers the plain and the
// "s12 in 16 >> 4" cases and stays vectorisable. The *Reference functions decode byte by byte with
// masks: slow, obviously right, and what the tests compare the fast ones against.
#pragma once

#include "dmascope/dsp/sample_format.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace dmascope::dsp {

struct MinMax
{
    std::int32_t min = std::numeric_limits<std::int32_t>::max();
    std::int32_t max = std::numeric_limits<std::int32_t>::min();

    // The default value is the identity of merge(): an empty range.
    bool empty() const noexcept { return min > max; }
    void merge(const MinMax &o) noexcept
    {
        min = std::min(min, o.min);
        max = std::max(max, o.max);
    }
    friend bool operator==(const MinMax &, const MinMax &) = default;
};

// Writes ceil(count / bucketSize) entries to `out`: the min/max of each run of bucketSize
// samples (the last run may be shorter). Requires ch.format.valid() and bucketSize > 0.
void minMaxEnvelope(const RawChannel &ch, std::size_t count, std::size_t bucketSize, MinMax *out);
void minMaxEnvelopeReference(const RawChannel &ch, std::size_t count, std::size_t bucketSize,
                             MinMax *out);

// Envelopes of several channels of the same frames in one pass (each cache line read once,
// instead of once per channel). Applies when every listed channel has a native-endian,
// top-aligned field (see minMaxEnvelope) in the same container type, the frame is a power-of-two
// number of containers and at most 32 bytes (the kernel's step; other containers in it, e.g. a
// timestamp, are read and ignored), bucketSize x frameBytes is a multiple of 32 and the offsets
// are container-aligned; returns false otherwise, and the caller uses minMaxEnvelope per
// channel. Writes ceil(count / bucketSize) entries per channel, channel-major:
// out[c * buckets + b].
bool minMaxEnvelopeFrames(const std::byte *frames, std::size_t frameBytes, std::size_t count,
                          const SampleFormat *formats, const std::size_t *byteOffsets,
                          std::size_t channels, std::size_t bucketSize, MinMax *out);

// Decodes `count` samples to sign-extended integers.
void decodeSamples(const RawChannel &ch, std::size_t count, std::int32_t *out);
std::int32_t decodeSampleReference(const std::byte *p, const SampleFormat &f);

// Reduces `count` envelope entries in groups of `group` (the last group may be shorter).
void mergeEnvelope(const MinMax *in, std::size_t count, std::size_t group, MinMax *out);

} // namespace dmascope::dsp

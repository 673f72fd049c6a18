// Min/max pyramid of one channel (PulseView's scheme): level 1 holds the min/max of every 16 raw
// samples, level L of every 16^L. Built incrementally as blocks arrive, so the blocks can be
// released at once; answers "min/max of each pixel column" for any zoom in O(columns * 16 * levels)
// whatever the record length.
//
// Every level is a ring sized for `historySamples`, indexed by absolute sample number (counted
// from reset()), so the pyramid can run continuously (pre-trigger history, roll mode) and simply
// forget samples older than the history. A small ring of decoded raw samples ("raw window") keeps
// full resolution where the display zooms in below 16 samples per column; freezeRawAt() stops it
// so that the window stays around the trigger point instead of following the newest samples.
//
// Not thread-safe: one thread appends and queries (the plot's snapshot worker).
#pragma once

#include "dmascope/dsp/envelope.h"

#include <cstdint>
#include <span>
#include <vector>

namespace dmascope::dsp {

class MinMaxPyramid
{
public:
    static constexpr unsigned kFactorLog2 = 4; // 16 per level, as PulseView
    static constexpr std::size_t kFactor = std::size_t{1} << kFactorLog2;

    MinMaxPyramid(std::size_t historySamples, std::size_t rawWindowSamples);

    // Forget everything; the next appended sample gets number `firstSample`.
    void reset(std::uint64_t firstSample = 0);

    // Condense `count` samples of `ch` (which must have a valid format).
    void append(const RawChannel &ch, std::size_t count);

    // Same, for callers that computed the level-1 entries themselves (minMaxEnvelopeFrames over
    // all channels at once): `level1` holds `buckets` entries of 16 samples each, and `ch` the
    // same 16 * buckets samples (read only for the raw window). end() must be a multiple of 16
    // samples from the reset() origin (samplesToBucketBoundary() == 0).
    void appendBuckets(const RawChannel &ch, const MinMax *level1, std::size_t buckets);
    // Samples still needed to complete the open level-1 bucket (0 when at a boundary).
    std::size_t samplesToBucketBoundary() const noexcept
    {
        return static_cast<std::size_t>((kFactor - count_ % kFactor) % kFactor);
    }

    // Raw samples numbered >= `sample` are no longer kept (until reset()). Call it when the
    // trigger is found with trigger + rawWindow/2 so the window is centred on the trigger.
    void freezeRawAt(std::uint64_t sample);

    std::uint64_t end() const noexcept { return origin_ + count_; }
    // Oldest sample still covered at full (level 1) precision.
    std::uint64_t begin() const noexcept;
    std::size_t levelCount() const noexcept { return levels_.size(); }

    // Min/max over samples [first, last), exact to the sample inside the raw window, otherwise
    // widened to the enclosing level-1 buckets (at most 15 samples on each side). Empty MinMax if
    // nothing in the range is still held.
    MinMax range(std::uint64_t first, std::uint64_t last) const;

    // Column c covers samples [firstSample + c*samplesPerColumn, firstSample + (c+1)*...),
    // rounded outward to whole samples. Columns with no data get an empty MinMax.
    void columns(double firstSample, double samplesPerColumn, std::span<MinMax> out) const;

    // Decoded raw samples [first, last) if all of them are inside the raw window.
    bool rawSamples(std::uint64_t first, std::uint64_t last, std::span<std::int32_t> out) const;

private:
    struct Level
    {
        std::vector<MinMax> ring;
        std::uint64_t count = 0; // completed buckets since reset
        MinMax pending;          // merge of this level's entries not yet grouped into the next
        unsigned pendingCount = 0;
        std::vector<MinMax> groups; // scratch: the next level's entries made by one push
    };

    void pushLevel(std::size_t level, const MinMax *entries, std::size_t n);
    void appendRaw(const RawChannel &ch, std::size_t count);
    MinMax query(std::size_t level, std::uint64_t first, std::uint64_t last) const;
    MinMax ringRange(std::size_t level, std::uint64_t firstBucket, std::uint64_t lastBucket) const;
    bool rawCovers(std::uint64_t first, std::uint64_t last) const;

    std::size_t history_;
    std::uint64_t origin_ = 0; // absolute number of relative sample 0
    std::uint64_t count_ = 0;  // samples appended since reset
    std::vector<Level> levels_; // levels_[0] is level 1 (16 samples per entry)
    MinMax partial_;            // samples since the last complete level-1 bucket
    std::vector<MinMax> scratch_;

    std::vector<std::int32_t> raw_; // ring of decoded samples, indexed by relative number
    std::uint64_t rawEnd_ = 0;      // relative number after the last kept raw sample
    std::uint64_t rawFreeze_ = UINT64_MAX; // relative number where raw keeping stops
};

} // namespace dmascope::dsp

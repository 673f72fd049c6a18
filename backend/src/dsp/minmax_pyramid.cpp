#include "dmascope/dsp/minmax_pyramid.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace dmascope::dsp {
namespace {
// Level-1 entries are computed this many at a time, which bounds every scratch buffer.
constexpr std::size_t kBatchBuckets = 4096;
constexpr std::size_t kMinRing = 2 * MinMaxPyramid::kFactor; // queries step down <= 15 entries

std::uint64_t bucketSize(std::size_t level) // level >= 1
{
    return std::uint64_t{1} << (MinMaxPyramid::kFactorLog2 * level);
}
} // namespace

MinMaxPyramid::MinMaxPyramid(std::size_t historySamples, std::size_t rawWindowSamples)
    : history_(std::max<std::size_t>(historySamples, kFactor)), raw_(rawWindowSamples)
{
    // Stop when one entry spans the whole history: coarser levels could not save any work.
    for (std::size_t level = 1;; ++level) {
        const std::uint64_t bs = bucketSize(level);
        Level lv;
        lv.ring.resize(std::max<std::size_t>((history_ + bs - 1) / bs + 2, kMinRing));
        lv.groups.resize(kBatchBuckets / kFactor + 2);
        levels_.push_back(std::move(lv));
        if (bs >= history_ || level * kFactorLog2 + kFactorLog2 >= 64)
            break;
    }
    scratch_.resize(kBatchBuckets);
}

void MinMaxPyramid::reset(std::uint64_t firstSample)
{
    origin_ = firstSample;
    count_ = 0;
    partial_ = MinMax{};
    for (Level &lv : levels_) {
        lv.count = 0;
        lv.pending = MinMax{};
        lv.pendingCount = 0;
    }
    rawEnd_ = 0;
    rawFreeze_ = UINT64_MAX;
}

std::uint64_t MinMaxPyramid::begin() const noexcept
{
    const Level &l1 = levels_.front();
    const std::uint64_t kept = std::min<std::uint64_t>(l1.count, l1.ring.size());
    return origin_ + (l1.count - kept) * kFactor;
}

void MinMaxPyramid::freezeRawAt(std::uint64_t sample)
{
    rawFreeze_ = sample > origin_ ? sample - origin_ : 0;
}

void MinMaxPyramid::append(const RawChannel &ch, std::size_t count)
{
    if (!raw_.empty())
        appendRaw(ch, count);

    std::size_t done = 0;
    // Complete the level-1 bucket the previous block left open.
    if (const std::size_t open = count_ % kFactor; open != 0 && count > 0) {
        const std::size_t k = std::min(kFactor - open, count);
        MinMax m;
        minMaxEnvelope(ch, k, k, &m);
        partial_.merge(m);
        done = k;
        count_ += k;
        if (count_ % kFactor == 0) {
            pushLevel(0, &partial_, 1);
            partial_ = MinMax{};
        }
    }
    while (count - done >= kFactor) {
        const std::size_t buckets = std::min((count - done) / kFactor, kBatchBuckets);
        minMaxEnvelope(ch.advanced(done), buckets * kFactor, kFactor, scratch_.data());
        pushLevel(0, scratch_.data(), buckets);
        done += buckets * kFactor;
        count_ += buckets * kFactor;
    }
    if (done < count) {
        const std::size_t k = count - done;
        minMaxEnvelope(ch.advanced(done), k, k, &partial_);
        count_ += k;
    }
}

void MinMaxPyramid::appendBuckets(const RawChannel &ch, const MinMax *level1, std::size_t buckets)
{
    if (count_ % kFactor != 0) // precondition broken: fall back to the exact path
        return append(ch, buckets * kFactor);
    if (!raw_.empty())
        appendRaw(ch, buckets * kFactor);
    for (std::size_t done = 0; done < buckets;) {
        const std::size_t n = std::min(buckets - done, kBatchBuckets);
        pushLevel(0, level1 + done, n);
        done += n;
    }
    count_ += buckets * kFactor;
}

void MinMaxPyramid::pushLevel(std::size_t index, const MinMax *entries, std::size_t n)
{
    Level &lv = levels_[index];
    const std::size_t cap = lv.ring.size();
    // Only the newest `cap` entries survive; write them in at most two contiguous pieces.
    std::size_t skip = n > cap ? n - cap : 0;
    std::size_t pos = static_cast<std::size_t>((lv.count + skip) % cap);
    for (std::size_t i = skip; i < n;) {
        const std::size_t piece = std::min(n - i, cap - pos);
        std::memcpy(lv.ring.data() + pos, entries + i, piece * sizeof(MinMax));
        i += piece;
        pos = 0;
    }
    lv.count += n;
    if (index + 1 == levels_.size())
        return;

    std::size_t made = 0;
    std::size_t i = 0;
    if (lv.pendingCount != 0) {
        const std::size_t k = std::min<std::size_t>(kFactor - lv.pendingCount, n);
        for (; i < k; ++i)
            lv.pending.merge(entries[i]);
        lv.pendingCount += static_cast<unsigned>(k);
        if (lv.pendingCount == kFactor) {
            lv.groups[made++] = lv.pending;
            lv.pending = MinMax{};
            lv.pendingCount = 0;
        }
    }
    const std::size_t full = (n - i) / kFactor;
    mergeEnvelope(entries + i, full * kFactor, kFactor, lv.groups.data() + made);
    made += full;
    i += full * kFactor;
    for (; i < n; ++i) {
        lv.pending.merge(entries[i]);
        ++lv.pendingCount;
    }
    if (made != 0)
        pushLevel(index + 1, lv.groups.data(), made);
}

void MinMaxPyramid::appendRaw(const RawChannel &ch, std::size_t count)
{
    if (rawFreeze_ <= count_)
        return;
    std::size_t keep = static_cast<std::size_t>(std::min<std::uint64_t>(count, rawFreeze_ - count_));
    const std::size_t cap = raw_.size();
    std::size_t skip = keep > cap ? keep - cap : 0;
    std::uint64_t rel = count_ + skip;
    for (std::size_t i = skip; i < keep;) {
        const std::size_t pos = static_cast<std::size_t>(rel % cap);
        const std::size_t piece = std::min(keep - i, cap - pos);
        decodeSamples(ch.advanced(i), piece, raw_.data() + pos);
        i += piece;
        rel += piece;
    }
    rawEnd_ = count_ + keep;
}

bool MinMaxPyramid::rawCovers(std::uint64_t first, std::uint64_t last) const
{
    if (raw_.empty() || last > rawEnd_)
        return false;
    const std::uint64_t rawBegin = rawEnd_ - std::min<std::uint64_t>(rawEnd_, raw_.size());
    return first >= rawBegin;
}

MinMax MinMaxPyramid::ringRange(std::size_t level, std::uint64_t first, std::uint64_t last) const
{
    const Level &lv = levels_[level - 1];
    const std::size_t cap = lv.ring.size();
    first = std::max(first, lv.count - std::min<std::uint64_t>(lv.count, cap));
    last = std::min(last, lv.count);
    MinMax m;
    for (std::uint64_t b = first; b < last; ++b)
        m.merge(lv.ring[static_cast<std::size_t>(b % cap)]);
    return m;
}

// Min/max over relative samples [first, last): whole buckets of `level` in the middle, the ragged
// edges from the levels below, so the result is exact to level-1 buckets (or samples in the raw
// window) at O(16) entries per level.
MinMax MinMaxPyramid::query(std::size_t level, std::uint64_t first, std::uint64_t last) const
{
    if (first >= last)
        return MinMax{};
    if (level == 0) {
        MinMax m;
        if (rawCovers(first, last)) {
            for (std::uint64_t s = first; s < last; ++s) {
                const std::int32_t v = raw_[static_cast<std::size_t>(s % raw_.size())];
                m.merge(MinMax{v, v});
            }
            return m;
        }
        const std::uint64_t lastBucket = (last + kFactor - 1) / kFactor;
        m = ringRange(1, first / kFactor, lastBucket);
        if (lastBucket > levels_.front().count)
            m.merge(partial_);
        return m;
    }
    const std::uint64_t bs = bucketSize(level);
    const std::uint64_t firstFull = (first + bs - 1) / bs;
    const std::uint64_t lastFull = std::min(last / bs, levels_[level - 1].count);
    if (firstFull >= lastFull)
        return query(level - 1, first, last);
    MinMax m = query(level - 1, first, firstFull * bs);
    m.merge(ringRange(level, firstFull, lastFull));
    m.merge(query(level - 1, lastFull * bs, last));
    return m;
}

MinMax MinMaxPyramid::range(std::uint64_t first, std::uint64_t last) const
{
    if (last <= origin_)
        return MinMax{};
    const std::uint64_t a = first > origin_ ? first - origin_ : 0;
    const std::uint64_t b = std::min(last - origin_, count_);
    if (a >= b)
        return MinMax{};
    const std::uint64_t span = b - a;
    const std::size_t top = std::min<std::size_t>(
        levels_.size(), static_cast<std::size_t>(std::bit_width(span) - 1) / kFactorLog2);
    return query(top, a, b);
}

void MinMaxPyramid::columns(double firstSample, double samplesPerColumn, std::span<MinMax> out) const
{
    const double endSample = static_cast<double>(end());
    const double beginSample = static_cast<double>(origin_);
    for (std::size_t c = 0; c < out.size(); ++c) {
        double a = std::floor(firstSample + static_cast<double>(c) * samplesPerColumn);
        double b = std::ceil(firstSample + static_cast<double>(c + 1) * samplesPerColumn);
        a = std::max(a, beginSample);
        b = std::min(b, endSample);
        out[c] = a < b ? range(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b))
                       : MinMax{};
    }
}

bool MinMaxPyramid::rawSamples(std::uint64_t first, std::uint64_t last,
                               std::span<std::int32_t> out) const
{
    if (first < origin_ || last < first || out.size() < last - first)
        return false;
    const std::uint64_t a = first - origin_;
    const std::uint64_t b = last - origin_;
    if (!rawCovers(a, b))
        return false;
    for (std::uint64_t s = a; s < b; ++s)
        out[static_cast<std::size_t>(s - a)] = raw_[static_cast<std::size_t>(s % raw_.size())];
    return true;
}

} // namespace dmascope::dsp

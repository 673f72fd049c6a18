#include "dmascope/dsp/peak_search.h"

#include <algorithm>
#include <cmath>

namespace dmascope::dsp {

std::optional<std::size_t> findPeak(std::span<const float> values, std::size_t first,
                                    std::size_t last)
{
    last = std::min(last, values.size());
    std::optional<std::size_t> best;
    for (std::size_t i = first; i < last; ++i) {
        if (std::isnan(values[i]))
            continue;
        if (!best || values[i] > values[*best])
            best = i;
    }
    return best;
}

bool isPeak(std::span<const float> values, std::size_t i, const PeakCriteria &criteria)
{
    const std::size_t n = values.size();
    if (i >= n || std::isnan(values[i]))
        return false;
    const float v = values[i];
    // A local maximum; on a flat top only the first bin of the plateau counts.
    if (i > 0 && !(values[i - 1] < v))
        return false;
    if (i + 1 < n && values[i + 1] > v)
        return false;
    const double need = double(v) - criteria.excursion;
    // Each side must drop by the excursion within reach (an edge of the data counts as a drop,
    // so a tone at DC or at the band edge is still found).
    auto drops = [&](long step) {
        for (std::size_t k = 1; k <= criteria.reach; ++k) {
            const long j = long(i) + step * long(k);
            if (j < 0 || j >= long(n))
                return true;
            const float x = values[std::size_t(j)];
            if (x > v)
                return false; // climbing onto something higher: a flank, not a peak
            if (double(x) <= need)
                return true;
        }
        return false;
    };
    return drops(-1) && drops(+1);
}

std::optional<std::size_t> nextPeak(std::span<const float> values, std::size_t current,
                                    std::size_t first, std::size_t last,
                                    const PeakCriteria &criteria)
{
    last = std::min(last, values.size());
    if (current >= values.size())
        return std::nullopt;
    const float ref = values[current];
    std::optional<std::size_t> best;
    for (std::size_t i = first; i < last; ++i) {
        const float v = values[i];
        if (i == current || !(v < ref || (v == ref && i > current)))
            continue;
        if (best && !(v > values[*best]))
            continue;
        if (isPeak(values, i, criteria))
            best = i;
    }
    return best;
}

} // namespace dmascope::dsp

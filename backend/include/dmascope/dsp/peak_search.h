// Peak search on a spectrum, for markers: the highest bin, and "next peak" (the highest real
// peak below the current one), as a bench spectrum analyzer's Peak and Next Peak keys do.
//
// A bin is a peak when it is a local maximum that stands out by at least `excursion` (same unit
// as the values, e.g. 6 dB) over the lowest value within `reach` bins on each side: wiggles of
// noise on the flank of a tone are not peaks, separate tones and spurs are. Works on any
// spectrum in a unit where larger means stronger (dB, V/sqrt(Hz)); O(bins x reach).
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace dmascope::dsp {

struct PeakCriteria
{
    double excursion = 6.0;  // how far a peak must rise over its surroundings
    std::size_t reach = 8;   // bins on each side where that rise must happen
};

// The bin with the largest value in [first, last) (clamped to the data); nullopt if empty.
// NaN values are skipped.
std::optional<std::size_t> findPeak(std::span<const float> values, std::size_t first,
                                    std::size_t last);

// The highest peak (see above) in [first, last) whose value is below values[current], or equal
// to it at a higher bin (so repeated Next Peak walks through equal peaks too); nullopt when
// there is none.
std::optional<std::size_t> nextPeak(std::span<const float> values, std::size_t current,
                                    std::size_t first, std::size_t last,
                                    const PeakCriteria &criteria = {});

// Whether bin i is a peak by `criteria`.
bool isPeak(std::span<const float> values, std::size_t i, const PeakCriteria &criteria = {});

} // namespace dmascope::dsp

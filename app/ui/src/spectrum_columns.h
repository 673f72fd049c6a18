// Internal: the frequency axis mapping and the max-per-pixel-column reduction shared by the
// spectrum plot and the waterfall, so their columns line up exactly.
#pragma once

#include "dmascope/ui/spectrum_snapshot.h"

#include <vector>

namespace dmascope::ui {

struct FrequencyAxis
{
    double f0 = 0, f1 = 1;   // visible span (f0 > 0 when logarithmic)
    bool logarithmic = false;
    double left = 0;         // pixel of f0
    double width = 1;        // pixels from f0 to f1

    double xOf(double f) const;
    double frequencyAt(double x) const;
};

// Per column c (pixels [left + c, left + c + 1)) the largest level (SpectrumSnapshot::level)
// of the trace's bins whose centre frequency falls in it; NaN for columns without a bin.
void maxPerColumn(const SpectrumSnapshot &snapshot, std::size_t trace, const FrequencyAxis &axis,
                  int columns, std::vector<float> &out);

} // namespace dmascope::ui

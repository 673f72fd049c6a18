// Export of a spectrum as CSV: one row per bin, frequency then one column per trace in the
// snapshot's unit. Plain text any spreadsheet or script reads.
#pragma once

#include "dmascope/ui/spectrum_snapshot.h"

#include <QTextStream>

namespace dmascope::spectrum {

// Writes a header ("frequency_hz,CH1 voltage0 (dBFS),...") and one row per bin from `first` to
// `last` (inclusive, clamped). Returns the rows written. Empty cells for traces without data.
std::size_t writeSpectrumCsv(const ui::SpectrumSnapshot &snapshot, QTextStream &out,
                             std::size_t first = 0, std::size_t last = SIZE_MAX);

} // namespace dmascope::spectrum

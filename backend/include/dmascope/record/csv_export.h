// Exports a range of a recording as CSV: a header line, then one line per frame:
//   sample,time_s,voltage0 (V),voltage1 (V)
//   0,0,0.0123,-0.5
// Values are physical: (raw + offset) * scale, and voltage channels (IIO's unit is mV) are
// given in volts. Without a known scale (recordings of other tools) the raw values are written
// and the header says "(raw)". Numbers use the C locale with enough digits to round-trip.
#pragma once

#include "dmascope/record/wav_export.h"

#include <string>
#include <vector>

namespace dmascope {

struct CsvOptions
{
    std::vector<std::size_t> channels; // indices into recording.layout()->channels; empty: all
    bool raw = false;                  // write raw values even when the scale is known
};

// Writes `path` (replaces it). Throws std::invalid_argument for a bad range or channel,
// SystemError (naming the path) for I/O errors and ExportCancelled when *cancel becomes true;
// like exportWav, a failed export leaves no partial file and keeps the one it would replace.
ExportResult exportCsv(const SigmfRecording &recording, const std::string &path,
                       const ExportRange &range = {}, const CsvOptions &options = {},
                       const std::atomic<bool> *cancel = nullptr);

} // namespace dmascope

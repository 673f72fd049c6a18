// Exporting a range of a recording from the Recorder: the request the export dialog builds and
// the function that carries it out (on a worker thread: a long range takes seconds). WAV and
// CSV themselves are the backend's (dmascope/record/wav_export.h, csv_export.h); this only maps
// the user's choice of seconds and channels onto them.
#pragma once

#include <QString>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dmascope::recorder {

enum class ExportFormat { WavPcm16, WavPcm32, WavFloat32, Csv };

struct ExportRequest
{
    QString metaPath;      // the recording (NAME.sigmf-meta)
    QString outPath;       // the file to write (overwritten: the user chose it)
    ExportFormat format = ExportFormat::WavPcm16;
    std::uint64_t firstFrame = 0;
    std::uint64_t frameCount = UINT64_MAX; // clamped to the end of the recording
    std::vector<std::size_t> channels;     // indices into the recording's channels; empty: all
};

// The file name suffix of `format` ("wav" or "csv").
QString exportSuffix(ExportFormat format);

// Writes the export. Returns a one-line summary for the user ("exported 1000 samples ...",
// with what had to be adapted); throws std::exception with a message that names the problem
// (unreadable recording, bad range, I/O error). A failed export leaves no partial file.
QString runExport(const ExportRequest &request);

} // namespace dmascope::recorder

// What the WAV and CSV exports share: checking the range and channels against the recording,
// and an output file written in large chunks that is removed again when the export fails.
#pragma once

#include "dmascope/record/wav_export.h"
#include "dmascope/unique_fd.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dmascope::detail {

struct ExportPlan
{
    std::uint64_t first = 0;
    std::uint64_t count = 0;
    std::vector<std::size_t> channels;
};

// Clamps the range to the recording and defaults the channels to all. Throws
// std::invalid_argument for a range that starts past the end or an unknown channel.
ExportPlan planExport(const SigmfRecording &recording, const ExportRange &range,
                      const std::vector<std::size_t> &channels);

class ExportFile
{
public:
    // Creates (truncates) `path`. Throws SystemError naming it.
    explicit ExportFile(std::string path);
    // Removes the file unless commit() was called.
    ~ExportFile();
    ExportFile(const ExportFile &) = delete;
    ExportFile &operator=(const ExportFile &) = delete;

    // Buffered; throws SystemError naming the file.
    void write(const void *data, std::size_t bytes);
    // Writes at `offset` (header fields known only at the end). Flushes first.
    void writeAt(std::uint64_t offset, const void *data, std::size_t bytes);
    // Flushes and closes; the file stays.
    void commit();
    std::uint64_t written() const noexcept { return written_; }

private:
    void flush();

    std::string path_;
    UniqueFd fd_;
    std::vector<std::uint8_t> buffer_;
    std::uint64_t written_ = 0;
    bool committed_ = false;
};

} // namespace dmascope::detail

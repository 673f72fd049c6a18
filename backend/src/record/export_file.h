// What the WAV and CSV exports share: checking the range and channels against the recording,
// and an output file written in large chunks that replaces the destination only when the export
// succeeds (a failed export leaves no partial file and keeps a file it would have replaced).
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
    // Creates a temporary file next to `path`, or opens `path` itself when it is a pipe or a
    // device (/dev/stdout). Throws SystemError naming `path`. write() throws
    // ExportCancelled once *cancel is true (the exports write one chunk at a time, so it is
    // checked per chunk).
    ExportFile(std::string path, const std::atomic<bool> *cancel);
    // Removes the temporary file unless commit() was called.
    ~ExportFile();
    ExportFile(const ExportFile &) = delete;
    ExportFile &operator=(const ExportFile &) = delete;

    // Buffered; throws SystemError naming the file.
    void write(const void *data, std::size_t bytes);
    // Flushes, closes and renames the temporary file to `path` (replacing what was there).
    void commit();
    std::uint64_t written() const noexcept { return written_; }

private:
    void flush();
    void throwIfCancelled() const;

    std::string path_;
    std::string tempPath_; // empty when writing to `path` directly
    const std::atomic<bool> *cancel_;
    UniqueFd fd_;
    std::vector<std::uint8_t> buffer_;
    std::uint64_t written_ = 0;
    bool committed_ = false;
};

} // namespace dmascope::detail

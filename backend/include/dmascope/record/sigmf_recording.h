// A SigMF recording opened for reading: the parsed .sigmf-meta and the .sigmf-data file mapped
// read-only (the mapping is what PlaybackStream's blocks and the exports read from; nothing is
// copied). Reads dmascope's recordings and those of other tools for every SigMF datatype
// (SigmfDatatype; docs/recording.md lists what is supported).
//
// A recording cut short (kill -9, power loss) is still readable: its data file may hold more
// frames than the last metadata update described, or end in a partial frame. Both are accepted:
// every whole frame is used, and warnings() says what was found.
//
// Immutable after open(): safe to share between threads (PlaybackStream, exports, the GUI).
#pragma once

#include "dmascope/record/sigmf_meta.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dmascope {

class SigmfRecording
{
public:
    // `path` is NAME, NAME.sigmf-meta or NAME.sigmf-data. Throws SigmfError for malformed
    // metadata (which key, what is wrong) and SystemError when a file cannot be read or mapped
    // (which file). An empty data file is a valid recording of 0 frames.
    static std::shared_ptr<const SigmfRecording> open(const std::string &path);

    ~SigmfRecording();
    SigmfRecording(const SigmfRecording &) = delete;
    SigmfRecording &operator=(const SigmfRecording &) = delete;

    const SigmfMeta &meta() const noexcept { return meta_; }
    const std::string &metaPath() const noexcept { return metaPath_; }
    const std::string &dataPath() const noexcept { return dataPath_; }

    // Whole frames in the data file (what is read; trailing bytes of a partial frame are not).
    std::uint64_t frameCount() const noexcept { return frames_; }
    std::size_t frameBytes() const noexcept { return meta_.frameBytes(); }
    // The mapped data file: frameCount() * frameBytes() bytes (null when empty).
    const std::uint8_t *data() const noexcept { return data_; }
    const std::uint8_t *frame(std::uint64_t index) const noexcept
    {
        return data_ + index * frameBytes();
    }
    double seconds() const noexcept
    {
        return meta_.sampleRate > 0 ? static_cast<double>(frames_) / meta_.sampleRate : 0.0;
    }

    // The ScanLayout of the frames (SigmfMeta::layout()), shared by every block played back.
    const std::shared_ptr<const ScanLayout> &layout() const noexcept { return layout_; }

    // Things the reader tolerated, one sentence each: "the data file ends in a partial frame
    // (3 bytes ignored)", "the data file holds 12000 frames more than the metadata's last
    // update described (the recording was not closed)".
    const std::vector<std::string> &warnings() const noexcept { return warnings_; }

    // Index of the capture that contains frame `index` (the last capture starting at or before
    // it); 0 when there are no captures.
    std::size_t captureAt(std::uint64_t index) const noexcept;

    // Reads `count` samples of channel `channel` (an index into layout()->channels, element 0)
    // starting at frame `first`, as raw values (integers as stored, decoded with the scan type;
    // floats as read) and as physical values ((raw + offset) * scale). Throws
    // std::out_of_range when the range is outside the recording or the channel does not exist.
    void readRaw(std::size_t channel, std::uint64_t first, std::size_t count, double *out) const;
    void readPhysical(std::size_t channel, std::uint64_t first, std::size_t count,
                      double *out) const;

private:
    SigmfRecording() = default;

    SigmfMeta meta_;
    std::string metaPath_;
    std::string dataPath_;
    std::shared_ptr<const ScanLayout> layout_;
    std::vector<std::string> warnings_;
    const std::uint8_t *data_ = nullptr;
    std::size_t mappedBytes_ = 0;
    std::uint64_t frames_ = 0;
};

} // namespace dmascope

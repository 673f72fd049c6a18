// Exports a range of a recording as a WAV file for audio tools: RIFF/WAVE with one interleaved
// channel per recording channel (or the chosen ones), at the recording's sample rate.
//  - Pcm16 / Pcm32: integer samples are scaled to the full range by shifting the raw value
//    (a 12-bit sample 0x7ff becomes 0x7ff0 in PCM16); unsigned data is made signed by
//    subtracting the mid-scale value (as WAV's 8-bit convention does the other way round).
//  - Float32 (WAVE_FORMAT_IEEE_FLOAT): integers normalised to -1..1 by their full scale
//    (raw / 2^(bits-1)); float recordings as they are.
// WAV cannot hold more than 4 GiB, a sample rate above 2^32-1 Hz or a fractional rate: those
// are refused (a fractional rate is rounded, and the result says so).
#pragma once

#include "dmascope/record/sigmf_recording.h"

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dmascope {

enum class WavFormat { Pcm16, Pcm32, Float32 };

struct ExportRange
{
    std::uint64_t first = 0;                 // frame
    std::uint64_t count = UINT64_MAX;        // frames; clamped to the end of the recording
};

struct ExportResult
{
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
    std::vector<std::string> notes; // what was adapted ("sample rate 2500.5 Hz rounded ...")
};

// Thrown by an export whose `cancel` flag was set (checked once per chunk written); as after any
// failure, nothing is left at the destination but what was there before.
class ExportCancelled : public std::runtime_error
{
public:
    explicit ExportCancelled(const std::string &path)
        : std::runtime_error("the export was interrupted; " + path + " was not written")
    {}
};

// Writes `path` (replaces it: the caller asked for that file). `channels` are indices into
// recording.layout()->channels; empty means all. Throws std::invalid_argument for a bad range,
// channel or a file WAV cannot represent, SystemError (naming the path) for I/O errors and
// ExportCancelled when *cancel becomes true. The file is written next to `path` and renamed
// over it at the end: a failed export leaves no partial file and keeps the one it would have
// replaced.
ExportResult exportWav(const SigmfRecording &recording, const std::string &path, WavFormat format,
                       const ExportRange &range = {}, const std::vector<std::size_t> &channels = {},
                       const std::atomic<bool> *cancel = nullptr);

} // namespace dmascope

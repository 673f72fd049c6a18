// Where each enabled channel sits in a frame (one sample of every enabled channel) and how big a
// frame is, computed with the IIO core's alignment rule; plus the bulk helpers that pull one
// channel's samples out of a block of frames as raw integers or physical units.
#pragma once

#include "dmascope/scan_type.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dmascope {

struct ChannelLayout
{
    std::string id;    // sysfs channel id without direction: "voltage0", "timestamp"
    std::string label; // what the user sees (the channel's label attribute, or the id)
    ScanType type;
    std::size_t byteOffset = 0; // of the channel's first element within a frame
    double scale = 1.0;         // physical = (raw + offset) * scale, as IIO defines _scale
    double offset = 0.0;        // and _offset (the unit is the channel type's ABI unit: mV, ...)
    unsigned scanIndex = 0;     // the channel's _index: frames are ordered by it

    double toPhysical(std::int64_t raw) const noexcept
    {
        return (static_cast<double>(raw) + offset) * scale;
    }
};

struct ScanLayout
{
    std::vector<ChannelLayout> channels; // enabled channels in scan-index order
    std::size_t frameBytes = 0;

    // Sorts `channels` by scanIndex and fills in each byteOffset and frameBytes exactly as the
    // kernel's iio_compute_scan_bytes() does: each element (storage bytes x repeat) is aligned
    // to its own size and the frame to its largest element. Throws std::invalid_argument when a
    // type is invalid or two channels share a scan index.
    static ScanLayout compute(std::vector<ChannelLayout> channels);

    const ChannelLayout *find(std::string_view id) const noexcept;
    // Whole frames in `bytes`.
    std::size_t frameCount(std::size_t bytes) const noexcept
    {
        return frameBytes ? bytes / frameBytes : 0;
    }
};

// The IIO core's ALIGN(x, a): (x + a - 1) & ~(a - 1). For the power-of-two sizes every driver
// uses this is "round up to a multiple of a"; for odd sizes it is what the kernel computes.
std::size_t kernelAlign(std::size_t x, std::size_t a) noexcept;

// Bulk extraction of `count` samples of element `element` (0..repeat-1) of `channel` from
// `frames` (frames laid out by `frameBytes`). Tight loops specialised per storage width and
// byte order; `out` must hold `count` values. Raw values wider than the output are truncated,
// so use the int64 overload for channels above 32 bits.
void extractRaw(const ChannelLayout &channel, std::size_t frameBytes, const std::uint8_t *frames,
                std::size_t count, std::int32_t *out, unsigned element = 0) noexcept;
void extractRaw(const ChannelLayout &channel, std::size_t frameBytes, const std::uint8_t *frames,
                std::size_t count, std::int64_t *out, unsigned element = 0) noexcept;
// Same, converted to physical units: (raw + offset) * scale.
void extractPhysical(const ChannelLayout &channel, std::size_t frameBytes,
                     const std::uint8_t *frames, std::size_t count, float *out,
                     unsigned element = 0) noexcept;

} // namespace dmascope

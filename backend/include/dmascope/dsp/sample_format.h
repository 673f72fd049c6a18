// How one channel's raw samples sit in a block of interleaved frames, in the terms the DSP hot
// loops need. Mirrors the IIO scan element format ("le:s12/16>>4") without depending on the
// stream engine's ScanType, so the DSP can be used (and tested) on any memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dmascope::dsp {

struct SampleFormat
{
    unsigned storageBits = 16; // 8, 16 or 32: the container
    unsigned realBits = 16;    // significant bits, at bit `shift` of the container
    unsigned shift = 0;
    bool isSigned = true;
    bool bigEndian = false;

    // Supported: storage 8/16/32, 1 <= realBits, shift + realBits <= storageBits, and the value
    // must fit in int32 (so u32 with 32 real bits is refused). 64-bit storage is only used for
    // timestamps, which are never plotted.
    bool valid() const noexcept
    {
        if (storageBits != 8 && storageBits != 16 && storageBits != 32)
            return false;
        if (realBits == 0 || shift + realBits > storageBits)
            return false;
        return isSigned || realBits <= 31;
    }
    std::size_t storageBytes() const noexcept { return storageBits / 8; }
    std::int32_t minValue() const noexcept
    {
        return isSigned ? static_cast<std::int32_t>(-(std::int64_t{1} << (realBits - 1))) : 0;
    }
    std::int32_t maxValue() const noexcept
    {
        return static_cast<std::int32_t>(
            (std::int64_t{1} << (isSigned ? realBits - 1 : realBits)) - 1);
    }

    // Adapter for the stream engine's ScanType (or anything with the same field names), so the
    // DSP does not include stream headers.
    template <typename ScanTypeLike>
    static SampleFormat from(const ScanTypeLike &t)
    {
        return SampleFormat{static_cast<unsigned>(t.storageBits), static_cast<unsigned>(t.realBits),
                            static_cast<unsigned>(t.shift), static_cast<bool>(t.isSigned),
                            static_cast<bool>(t.bigEndian)};
    }
    friend bool operator==(const SampleFormat &, const SampleFormat &) = default;
};

// One channel inside a run of frames: `data` points at the channel's first sample (block base +
// the channel's byte offset), consecutive samples are `stride` bytes apart (the frame size).
struct RawChannel
{
    const std::byte *data = nullptr;
    std::size_t stride = 0;
    SampleFormat format;

    RawChannel advanced(std::size_t frames) const noexcept
    {
        return RawChannel{data + frames * stride, stride, format};
    }
};

// Physical value = (raw + offset) * scale, the IIO convention (scale/offset from sysfs, with the
// caller folding in the unit, e.g. mV -> V).
struct Calibration
{
    double scale = 1.0;
    double offset = 0.0;

    double toPhysical(double raw) const noexcept { return (raw + offset) * scale; }
    double toRaw(double physical) const noexcept { return physical / scale - offset; }
};

} // namespace dmascope::dsp

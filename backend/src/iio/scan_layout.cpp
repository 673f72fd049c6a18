#include "dmascope/scan_layout.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace dmascope {

std::size_t kernelAlign(std::size_t x, std::size_t a) noexcept
{
    return a == 0 ? x : (x + a - 1) & ~(a - 1);
}

ScanLayout ScanLayout::compute(std::vector<ChannelLayout> channels)
{
    std::stable_sort(channels.begin(), channels.end(),
                     [](const ChannelLayout &a, const ChannelLayout &b) {
                         return a.scanIndex < b.scanIndex;
                     });
    ScanLayout layout;
    std::size_t bytes = 0;
    std::size_t largest = 0;
    for (std::size_t i = 0; i < channels.size(); ++i) {
        ChannelLayout &c = channels[i];
        std::string why;
        if (!c.type.isValid(&why))
            throw std::invalid_argument("channel " + c.id + " has an invalid scan type " +
                                        c.type.toString() + ": " + why);
        if (i > 0 && channels[i - 1].scanIndex == c.scanIndex)
            throw std::invalid_argument("channels " + channels[i - 1].id + " and " + c.id +
                                        " share scan index " + std::to_string(c.scanIndex));
        const std::size_t length = c.type.elementBytes();
        bytes = kernelAlign(bytes, length);
        c.byteOffset = bytes;
        bytes += length;
        largest = std::max(largest, length);
    }
    layout.frameBytes = kernelAlign(bytes, largest);
    layout.channels = std::move(channels);
    return layout;
}

const ChannelLayout *ScanLayout::find(std::string_view id) const noexcept
{
    for (const ChannelLayout &c : channels)
        if (c.id == id)
            return &c;
    return nullptr;
}

namespace {

template <typename U> U byteSwap(U v) noexcept
{
    if constexpr (sizeof(U) == 1)
        return v;
    else if constexpr (sizeof(U) == 2)
        return __builtin_bswap16(v);
    else if constexpr (sizeof(U) == 4)
        return __builtin_bswap32(v);
    else
        return __builtin_bswap64(v);
}

// The inner loop for one storage width and byte order. Shifting the value's top bit up to the
// word's top bit and back down (arithmetically for signed types) masks and sign-extends in two
// shifts, with no branch per sample, so the compiler can vectorise it.
template <typename U, bool Swap, typename Sink>
void decodeLoop(const ScanType &t, const std::uint8_t *p, std::size_t stride, std::size_t count,
                Sink sink) noexcept
{
    using S = std::make_signed_t<U>;
    constexpr unsigned bits = sizeof(U) * CHAR_BIT;
    const unsigned up = bits - t.realBits - t.shift;
    const unsigned down = bits - t.realBits;
    if (t.isSigned) {
        for (std::size_t i = 0; i < count; ++i, p += stride) {
            U v;
            std::memcpy(&v, p, sizeof v);
            if constexpr (Swap)
                v = byteSwap(v);
            sink(i, static_cast<std::int64_t>(static_cast<S>(static_cast<U>(v << up)) >> down));
        }
    } else {
        for (std::size_t i = 0; i < count; ++i, p += stride) {
            U v;
            std::memcpy(&v, p, sizeof v);
            if constexpr (Swap)
                v = byteSwap(v);
            sink(i, static_cast<std::int64_t>(static_cast<U>(static_cast<U>(v << up) >> down)));
        }
    }
}

template <typename U, typename Sink>
void decodeWidth(const ScanType &t, const std::uint8_t *p, std::size_t stride, std::size_t count,
                 Sink sink) noexcept
{
    const bool swap = t.bigEndian != (std::endian::native == std::endian::big);
    if (swap)
        decodeLoop<U, true>(t, p, stride, count, sink);
    else
        decodeLoop<U, false>(t, p, stride, count, sink);
}

template <typename Sink>
void decode(const ChannelLayout &c, std::size_t frameBytes, const std::uint8_t *frames,
            std::size_t count, unsigned element, Sink sink) noexcept
{
    const ScanType &t = c.type;
    const std::uint8_t *p = frames + c.byteOffset + element * t.storageBytes();
    switch (t.storageBits) {
    case 8:
        return decodeWidth<std::uint8_t>(t, p, frameBytes, count, sink);
    case 16:
        return decodeWidth<std::uint16_t>(t, p, frameBytes, count, sink);
    case 32:
        return decodeWidth<std::uint32_t>(t, p, frameBytes, count, sink);
    case 64:
        return decodeWidth<std::uint64_t>(t, p, frameBytes, count, sink);
    default: {
        // Odd storage widths (24-bit) are rare: the general decoder is fast enough for them.
        const SampleDecoder d(t);
        for (std::size_t i = 0; i < count; ++i, p += frameBytes)
            sink(i, d.decode(p));
    }
    }
}

} // namespace

void extractRaw(const ChannelLayout &channel, std::size_t frameBytes, const std::uint8_t *frames,
                std::size_t count, std::int32_t *out, unsigned element) noexcept
{
    decode(channel, frameBytes, frames, count, element,
           [out](std::size_t i, std::int64_t v) { out[i] = static_cast<std::int32_t>(v); });
}

void extractRaw(const ChannelLayout &channel, std::size_t frameBytes, const std::uint8_t *frames,
                std::size_t count, std::int64_t *out, unsigned element) noexcept
{
    decode(channel, frameBytes, frames, count, element,
           [out](std::size_t i, std::int64_t v) { out[i] = v; });
}

void extractPhysical(const ChannelLayout &channel, std::size_t frameBytes,
                     const std::uint8_t *frames, std::size_t count, float *out,
                     unsigned element) noexcept
{
    // (raw + offset) * scale as raw * scale + offset * scale: one multiply-add per sample.
    const float scale = static_cast<float>(channel.scale);
    const float bias = static_cast<float>(channel.offset * channel.scale);
    decode(channel, frameBytes, frames, count, element, [=](std::size_t i, std::int64_t v) {
        out[i] = static_cast<float>(v) * scale + bias;
    });
}

} // namespace dmascope

// Internal: decoding one raw sample in the hot loops (shared by the envelope and the trigger).
#pragma once

#include "dmascope/dsp/sample_format.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace dmascope::dsp::detail {

// Decoding with two shifts: move the field's top bit to the container's top bit, then shift
// right (arithmetic for signed) by storageBits - realBits. Bits outside the field drop out.
struct Shifts
{
    unsigned left;
    unsigned right;
};

inline Shifts shiftsFor(const SampleFormat &f)
{
    return Shifts{f.storageBits - f.shift - f.realBits, f.storageBits - f.realBits};
}

// std::byteswap is C++23; the builtins compile to bswap / pshufb.
inline std::uint8_t byteSwap(std::uint8_t v) { return v; }
inline std::uint16_t byteSwap(std::uint16_t v) { return __builtin_bswap16(v); }
inline std::uint32_t byteSwap(std::uint32_t v) { return __builtin_bswap32(v); }

template <typename U, bool Signed, bool Swap>
inline std::int32_t decodeOne(const std::byte *p, Shifts s)
{
    U raw;
    std::memcpy(&raw, p, sizeof raw); // blocks give no alignment guarantee for odd layouts
    if constexpr (Swap)
        raw = byteSwap(raw);
    const U up = static_cast<U>(raw << s.left);
    if constexpr (Signed) {
        using S = std::make_signed_t<U>;
        return static_cast<std::int32_t>(static_cast<S>(up)) >> s.right;
    } else {
        return static_cast<std::int32_t>(up >> s.right);
    }
}

// Calls f.template operator()<U, Signed, Swap>() for the format's specialisation.
template <typename F>
void dispatch(const SampleFormat &fmt, F &&f)
{
    auto bySign = [&]<typename U, bool Swap>() {
        if (fmt.isSigned)
            f.template operator()<U, true, Swap>();
        else
            f.template operator()<U, false, Swap>();
    };
    constexpr bool hostLittle = std::endian::native == std::endian::little;
    const bool swap = fmt.bigEndian == hostLittle;
    switch (fmt.storageBits) {
    case 8:
        bySign.template operator()<std::uint8_t, false>();
        break;
    case 16:
        swap ? bySign.template operator()<std::uint16_t, true>()
             : bySign.template operator()<std::uint16_t, false>();
        break;
    case 32:
        swap ? bySign.template operator()<std::uint32_t, true>()
             : bySign.template operator()<std::uint32_t, false>();
        break;
    default:
        break; // refused by SampleFormat::valid(); callers check it
    }
}


} // namespace dmascope::dsp::detail

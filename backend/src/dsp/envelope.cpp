#include "dmascope/dsp/envelope.h"

#include <bit>
#include <cstring>
#include <type_traits>

namespace dmascope::dsp {
namespace {

// Decoding with two shifts: move the field's top bit to the container's top bit, then shift
// right (arithmetic for signed) by storageBits - realBits. Bits outside the field drop out.
struct Shifts
{
    unsigned left;
    unsigned right;
};

Shifts shiftsFor(const SampleFormat &f)
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

// The loops below are the hot ones: no branches but min/max, fixed-width loads. Stride is a
// runtime value (frame size); for single-channel blocks stride == sizeof(U) and GCC vectorises the
// contiguous case, otherwise it uses element-wise strided loads feeding vector min/max.
template <typename U, bool Signed, bool Swap>
void envelopeKernel(const std::byte *p, std::size_t stride, std::size_t count, std::size_t bucket,
                    MinMax *out, Shifts s)
{
    std::size_t b = 0;
    for (std::size_t start = 0; start < count; start += bucket, ++b) {
        const std::size_t n = std::min(bucket, count - start);
        const std::byte *q = p + start * stride;
        std::int32_t mn = std::numeric_limits<std::int32_t>::max();
        std::int32_t mx = std::numeric_limits<std::int32_t>::min();
        if (stride == sizeof(U)) {
            for (std::size_t i = 0; i < n; ++i) {
                const std::int32_t v = decodeOne<U, Signed, Swap>(q + i * sizeof(U), s);
                mn = std::min(mn, v);
                mx = std::max(mx, v);
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                const std::int32_t v = decodeOne<U, Signed, Swap>(q + i * stride, s);
                mn = std::min(mn, v);
                mx = std::max(mx, v);
            }
        }
        out[b] = MinMax{mn, mx};
    }
}

// Fast path for the usual IIO layout: native byte order and the field in the top bits of the
// container (s16/16>>0, s12/16>>4, u14/16>>2, ...). Decoding is then a right shift of the container
// reinterpreted as T, which is monotonic, so min/max commute with it: reduce the containers in
// their own width (pminsw & co., 8 or 16 lanes per SSE vector) and decode only the two results.
// K is the frame stride in elements when it is one of the common small values, so the compiler
// sees a constant-stride access it can vectorise with shuffles; K == 0 means a runtime stride.
template <typename T, std::size_t K>
void topAlignedKernel(const std::byte *p, std::size_t stride, std::size_t count, std::size_t bucket,
                      MinMax *out, unsigned rightShift)
{
    const std::size_t step = K != 0 ? K * sizeof(T) : stride;
    std::size_t b = 0;
    for (std::size_t start = 0; start < count; start += bucket, ++b) {
        const std::size_t n = std::min(bucket, count - start);
        const std::byte *q = p + start * step;
        T mn = std::numeric_limits<T>::max();
        T mx = std::numeric_limits<T>::min();
        for (std::size_t i = 0; i < n; ++i) {
            T v;
            std::memcpy(&v, q + i * step, sizeof v);
            mn = std::min(mn, v);
            mx = std::max(mx, v);
        }
        // In T's own width: arithmetic for signed T, logical for unsigned (u32 fits after >= 1).
        out[b] = MinMax{static_cast<std::int32_t>(static_cast<T>(mn >> rightShift)),
                        static_cast<std::int32_t>(static_cast<T>(mx >> rightShift))};
    }
}

template <typename T>
void topAlignedDispatch(const RawChannel &ch, std::size_t count, std::size_t bucket, MinMax *out)
{
    const unsigned rs = ch.format.shift;
    switch (ch.stride / sizeof(T) * (ch.stride % sizeof(T) == 0 ? 1 : 0)) {
    case 1: return topAlignedKernel<T, 1>(ch.data, ch.stride, count, bucket, out, rs);
    case 2: return topAlignedKernel<T, 2>(ch.data, ch.stride, count, bucket, out, rs);
    case 4: return topAlignedKernel<T, 4>(ch.data, ch.stride, count, bucket, out, rs);
    case 8: return topAlignedKernel<T, 8>(ch.data, ch.stride, count, bucket, out, rs);
    default: return topAlignedKernel<T, 0>(ch.data, ch.stride, count, bucket, out, rs);
    }
}

bool topAlignedNative(const SampleFormat &f)
{
    const bool native = f.storageBits == 8 || f.bigEndian == (std::endian::native == std::endian::big);
    return native && f.shift + f.realBits == f.storageBits;
}

template <typename U, bool Signed, bool Swap>
void decodeKernel(const std::byte *p, std::size_t stride, std::size_t count, std::int32_t *out,
                  Shifts s)
{
    if (stride == sizeof(U)) {
        for (std::size_t i = 0; i < count; ++i)
            out[i] = decodeOne<U, Signed, Swap>(p + i * sizeof(U), s);
    } else {
        for (std::size_t i = 0; i < count; ++i)
            out[i] = decodeOne<U, Signed, Swap>(p + i * stride, s);
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

} // namespace

void minMaxEnvelope(const RawChannel &ch, std::size_t count, std::size_t bucketSize, MinMax *out)
{
    if (topAlignedNative(ch.format)) {
        const bool sgn = ch.format.isSigned;
        switch (ch.format.storageBits) {
        case 8: return sgn ? topAlignedDispatch<std::int8_t>(ch, count, bucketSize, out)
                           : topAlignedDispatch<std::uint8_t>(ch, count, bucketSize, out);
        case 16: return sgn ? topAlignedDispatch<std::int16_t>(ch, count, bucketSize, out)
                            : topAlignedDispatch<std::uint16_t>(ch, count, bucketSize, out);
        case 32: return sgn ? topAlignedDispatch<std::int32_t>(ch, count, bucketSize, out)
                            : topAlignedDispatch<std::uint32_t>(ch, count, bucketSize, out);
        default: break;
        }
    }
    const Shifts s = shiftsFor(ch.format);
    dispatch(ch.format, [&]<typename U, bool Signed, bool Swap>() {
        envelopeKernel<U, Signed, Swap>(ch.data, ch.stride, count, bucketSize, out, s);
    });
}

void decodeSamples(const RawChannel &ch, std::size_t count, std::int32_t *out)
{
    const Shifts s = shiftsFor(ch.format);
    dispatch(ch.format, [&]<typename U, bool Signed, bool Swap>() {
        decodeKernel<U, Signed, Swap>(ch.data, ch.stride, count, out, s);
    });
}

std::int32_t decodeSampleReference(const std::byte *p, const SampleFormat &f)
{
    const unsigned bytes = f.storageBits / 8;
    std::uint64_t raw = 0;
    for (unsigned i = 0; i < bytes; ++i) {
        const unsigned byteIndex = f.bigEndian ? i : bytes - 1 - i;
        raw = (raw << 8) | static_cast<std::uint8_t>(p[byteIndex]);
    }
    raw >>= f.shift;
    const std::uint64_t mask = (std::uint64_t{1} << f.realBits) - 1;
    raw &= mask;
    std::int64_t v = static_cast<std::int64_t>(raw);
    if (f.isSigned && (raw >> (f.realBits - 1)) != 0)
        v -= std::int64_t{1} << f.realBits;
    return static_cast<std::int32_t>(v);
}

void minMaxEnvelopeReference(const RawChannel &ch, std::size_t count, std::size_t bucketSize,
                             MinMax *out)
{
    for (std::size_t i = 0; i < count; ++i) {
        const std::int32_t v = decodeSampleReference(ch.data + i * ch.stride, ch.format);
        MinMax &m = out[i / bucketSize];
        if (i % bucketSize == 0)
            m = MinMax{v, v};
        else
            m.merge(MinMax{v, v});
    }
}

void mergeEnvelope(const MinMax *in, std::size_t count, std::size_t group, MinMax *out)
{
    std::size_t g = 0;
    for (std::size_t start = 0; start < count; start += group, ++g) {
        const std::size_t n = std::min(group, count - start);
        std::int32_t mn = std::numeric_limits<std::int32_t>::max();
        std::int32_t mx = std::numeric_limits<std::int32_t>::min();
        for (std::size_t i = 0; i < n; ++i) {
            mn = std::min(mn, in[start + i].min);
            mx = std::max(mx, in[start + i].max);
        }
        out[g] = MinMax{mn, mx};
    }
}

} // namespace dmascope::dsp

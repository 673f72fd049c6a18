#include "dmascope/dsp/envelope.h"

#include "decode.h"

#include <bit>
#include <cstring>
#include <tuple>
#include <type_traits>

namespace dmascope::dsp {
namespace {

using namespace detail;

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

// All lanes of a frame at once: W containers (32 bytes) per step, lane l of the accumulators
// holds channel l % E, so the loads are contiguous and the loop is a plain vertical min/max.
template <typename T, std::size_t E>
void frameKernel(const std::byte *p, std::size_t buckets, std::size_t bucket, T *mins, T *maxs)
{
    constexpr std::size_t W = 32 / sizeof(T);
    static_assert(W % E == 0);
    const std::size_t chunks = bucket * E / W;
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::byte *q = p + b * bucket * E * sizeof(T);
        T mn[W];
        T mx[W];
        for (std::size_t l = 0; l < W; ++l) {
            mn[l] = std::numeric_limits<T>::max();
            mx[l] = std::numeric_limits<T>::min();
        }
        for (std::size_t c = 0; c < chunks; ++c) {
            T x[W];
            std::memcpy(x, q + c * W * sizeof(T), sizeof x);
            for (std::size_t l = 0; l < W; ++l) {
                mn[l] = std::min(mn[l], x[l]);
                mx[l] = std::max(mx[l], x[l]);
            }
        }
        for (std::size_t e = 0; e < E; ++e) {
            T a = mn[e];
            T z = mx[e];
            for (std::size_t k = e + E; k < W; k += E) {
                a = std::min(a, mn[k]);
                z = std::max(z, mx[k]);
            }
            mins[b * E + e] = a;
            maxs[b * E + e] = z;
        }
    }
}

template <typename T>
bool frameEnvelopeTyped(const std::byte *frames, std::size_t frameBytes, std::size_t count,
                        const SampleFormat *formats, const std::size_t *offsets,
                        std::size_t channels, std::size_t bucket, MinMax *out)
{
    constexpr std::size_t W = 32 / sizeof(T);
    if (frameBytes % sizeof(T) != 0)
        return false;
    const std::size_t E = frameBytes / sizeof(T);
    if (E == 0 || E > W || W % E != 0 || (bucket * E) % W != 0)
        return false;
    const std::size_t full = count / bucket;
    const std::size_t buckets = (count + bucket - 1) / bucket;
    // Scratch for one batch of buckets: lanes x batch, on the stack.
    constexpr std::size_t kBatch = 256;
    T mins[kBatch * W];
    T maxs[kBatch * W];
    for (std::size_t b0 = 0; b0 < full; b0 += kBatch) {
        const std::size_t nb = std::min(kBatch, full - b0);
        const std::byte *p = frames + b0 * bucket * frameBytes;
        switch (E) {
        case 1: frameKernel<T, 1>(p, nb, bucket, mins, maxs); break;
        case 2: frameKernel<T, 2>(p, nb, bucket, mins, maxs); break;
        case 4: frameKernel<T, 4>(p, nb, bucket, mins, maxs); break;
        case 8: frameKernel<T, 8>(p, nb, bucket, mins, maxs); break;
        case 16:
            if constexpr (W % 16 == 0)
                frameKernel<T, 16>(p, nb, bucket, mins, maxs);
            break;
        case 32:
            if constexpr (W % 32 == 0)
                frameKernel<T, 32>(p, nb, bucket, mins, maxs);
            break;
        default: return false;
        }
        for (std::size_t c = 0; c < channels; ++c) {
            const std::size_t lane = offsets[c] / sizeof(T);
            const unsigned rs = formats[c].shift;
            for (std::size_t b = 0; b < nb; ++b)
                out[c * buckets + b0 + b] =
                    MinMax{static_cast<std::int32_t>(static_cast<T>(mins[b * E + lane] >> rs)),
                           static_cast<std::int32_t>(static_cast<T>(maxs[b * E + lane] >> rs))};
        }
    }
    if (full < buckets) { // the last, partial bucket: per channel
        const std::size_t rest = count - full * bucket;
        for (std::size_t c = 0; c < channels; ++c)
            minMaxEnvelope(RawChannel{frames + full * bucket * frameBytes + offsets[c], frameBytes,
                                      formats[c]},
                           rest, rest, &out[c * buckets + full]);
    }
    return true;
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

bool minMaxEnvelopeFrames(const std::byte *frames, std::size_t frameBytes, std::size_t count,
                          const SampleFormat *formats, const std::size_t *byteOffsets,
                          std::size_t channels, std::size_t bucketSize, MinMax *out)
{
    if (channels == 0 || bucketSize == 0)
        return false;
    const SampleFormat &f0 = formats[0];
    for (std::size_t c = 0; c < channels; ++c) {
        const SampleFormat &f = formats[c];
        if (!f.valid() || !topAlignedNative(f) || f.storageBits != f0.storageBits
            || f.isSigned != f0.isSigned || byteOffsets[c] % f.storageBytes() != 0
            || byteOffsets[c] + f.storageBytes() > frameBytes)
            return false;
    }
    const auto args = std::tuple(frames, frameBytes, count, formats, byteOffsets, channels,
                                 bucketSize, out);
    switch (f0.storageBits) {
    case 8: return f0.isSigned ? std::apply(frameEnvelopeTyped<std::int8_t>, args)
                               : std::apply(frameEnvelopeTyped<std::uint8_t>, args);
    case 16: return f0.isSigned ? std::apply(frameEnvelopeTyped<std::int16_t>, args)
                                : std::apply(frameEnvelopeTyped<std::uint16_t>, args);
    case 32: return f0.isSigned ? std::apply(frameEnvelopeTyped<std::int32_t>, args)
                                : std::apply(frameEnvelopeTyped<std::uint32_t>, args);
    default: return false;
    }
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

#include "dmascope/dsp/spectrum_feed.h"

#include "decode.h"
#include "simd_clones.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace dmascope::dsp {

namespace {
ChannelLayout checked(const ScanLayout &layout, std::size_t index)
{
    if (index >= layout.channels.size())
        throw std::invalid_argument("channel index " + std::to_string(index) + " is not streamed");
    ChannelLayout c = layout.channels[index];
    if (c.type.storageBits > 32 || c.type.repeat != 1)
        throw std::invalid_argument("channel " + c.id + " has no samples to analyse");
    c.scale *= SpectrumFeed::voltsPerUnit(c);
    return c;
}
// out[i] = sample(i) * w[i] for a stored run read forwards or a drawn one (its lines computed
// in the loop). Not for a stored run read backwards: GCC 12 does not vectorise a strided gather
// together with a reversed load, so callers copy those coefficients forwards first.
template <typename Sample>
inline void windowSamples(Sample sample, const WindowRun &w, std::size_t count,
                          float *__restrict out) noexcept
{
    if (w.knots) {
        forEachLine(w, count, [&](std::size_t i, std::size_t take, float a, float slope, int r) {
            float *__restrict o = out + i;
            for (int j = 0; j < int(take); ++j)
                o[j] = sample(i + std::size_t(j)) * (a + float(r + j) * slope);
        });
        return;
    }
    const float *__restrict c = w.at;
    for (std::size_t i = 0; i < count; ++i)
        out[i] = sample(i) * c[i];
}

// out[i] = ((raw_i + offset) * scale) * w[i], from one channel at `p`, `stride` bytes apart: the
// decoding of extractPhysical and the window of SpectrumEngine in one pass (same arithmetic:
// raw * scale + offset * scale in float, then times the window).
template <typename U, bool Signed, bool Swap>
DMASCOPE_SIMD_CLONES void convertWindowed(const std::byte *p, std::size_t stride, detail::Shifts s, float scale,
                     float bias, WindowRun w, std::size_t count,
                     float *__restrict out) noexcept
{
    windowSamples(
        [=](std::size_t i) {
            const auto v = detail::decodeOne<U, Signed, Swap>(p + i * stride, s);
            return static_cast<float>(v) * scale + bias;
        },
        w, count, out);
}

// The same for little-endian samples that lie within one aligned 32-bit word of a frame of
// `Words` such words (the common layouts: 4 x s16 in 8 bytes, 2 x s16 in 4, ...): each sample is
// one 32-bit load at a constant stride, which GCC vectorises as whole-vector loads and shuffles
// instead of one insert per sample. `left`/`right` move the field to the word's top bit and back
// down, as the general decoder does within the sample's own container; the values are the same.
template <std::size_t Words, bool Signed>
DMASCOPE_SIMD_CLONES void convertWindowedWords(const std::byte *p, unsigned left, unsigned right, float scale,
                          float bias, WindowRun w, std::size_t count,
                          float *__restrict out) noexcept
{
    windowSamples(
        [=](std::size_t i) {
            std::uint32_t x;
            std::memcpy(&x, p + i * Words * 4, sizeof x);
            const std::int32_t v = Signed ? static_cast<std::int32_t>(x << left) >> right
                                          : static_cast<std::int32_t>((x << left) >> right);
            return static_cast<float>(v) * scale + bias;
        },
        w, count, out);
}

constexpr std::size_t kChunk = 2048; // samples decoded at a time through scratch (stays in L1)
} // namespace

double SpectrumFeed::voltsPerUnit(const ChannelLayout &channel)
{
    return channel.id.rfind("voltage", 0) == 0 ? 1e-3 : 1.0;
}

SpectrumFeed::SpectrumFeed(const ScanLayout &layout, std::size_t i, std::optional<std::size_t> q)
    : i_(checked(layout, i)), frameBytes_(layout.frameBytes), complex_(q.has_value())
{
    if (q)
        q_ = checked(layout, *q);
    // The one-load-per-sample path: a little-endian host and sample, a frame of 1, 2, 4 or 8
    // aligned 32-bit words, and the sample inside one of them.
    const SampleFormat f = SampleFormat::from(i_.type);
    const std::size_t inWord = i_.byteOffset % 4;
    const std::size_t words = frameBytes_ % 4 == 0 ? frameBytes_ / 4 : 0;
    if (std::endian::native == std::endian::little && f.valid() &&
        (!f.bigEndian || f.storageBits == 8) && inWord + f.storageBytes() <= 4 &&
        (words == 1 || words == 2 || words == 4 || words == 8)) {
        words_ = words;
        wordOffset_ = i_.byteOffset - inWord;
        const unsigned low = unsigned(8 * inWord) + f.shift; // the field's lowest bit in the word
        wordLeft_ = 32 - f.realBits - low;
        wordRight_ = 32 - f.realBits;
    }
    fullScale_ = std::ldexp(1.0, int(i_.type.realBits) - 1) * i_.scale;
}

void SpectrumFeed::convertWindowedI(const std::uint8_t *frames, std::size_t count, WindowRun w,
                                    float *out)
{
    const SampleFormat format = SampleFormat::from(i_.type);
    if (!format.valid()) {
        // Formats the DSP decoder does not take (24-bit storage, u32 with 32 real bits): decode
        // a cache-sized piece with extractPhysical, then window it.
        if (scratch_.size() < kChunk)
            scratch_.resize(kChunk);
        for (std::size_t done = 0; done < count;) {
            const std::size_t take = std::min(kChunk, count - done);
            extractPhysical(i_, frameBytes_, frames + done * frameBytes_, take, scratch_.data());
            multiplyWindow(out + done, scratch_.data(), take, w.from(done));
            done += take;
        }
        return;
    }
    const float scale = static_cast<float>(i_.scale);
    const float bias = static_cast<float>(i_.offset * i_.scale);
    // Samples first..first+n-1 of this call times win (stored forwards, or drawn) into o.
    auto forward = [&](std::size_t first, WindowRun win, std::size_t n, float *o) {
        if (words_ != 0) {
            const auto *p =
                reinterpret_cast<const std::byte *>(frames) + wordOffset_ + first * frameBytes_;
            auto run = [&]<std::size_t Words>() {
                if (format.isSigned)
                    convertWindowedWords<Words, true>(p, wordLeft_, wordRight_, scale, bias, win,
                                                      n, o);
                else
                    convertWindowedWords<Words, false>(p, wordLeft_, wordRight_, scale, bias, win,
                                                       n, o);
            };
            switch (words_) {
            case 1: return run.template operator()<1>();
            case 2: return run.template operator()<2>();
            case 4: return run.template operator()<4>();
            default: return run.template operator()<8>();
            }
        }
        const auto *p =
            reinterpret_cast<const std::byte *>(frames) + i_.byteOffset + first * frameBytes_;
        const detail::Shifts s = detail::shiftsFor(format);
        detail::dispatch(format, [&]<typename U, bool Signed, bool Swap>() {
            convertWindowed<U, Signed, Swap>(p, frameBytes_, s, scale, bias, win, n, o);
        });
    };
    if (!w.reversed) {
        forward(0, w, count, out);
        return;
    }
    // The second half of a short frame: its window coefficients, read backwards, are copied
    // forwards a cache-sized piece at a time.
    if (scratch_.size() < kChunk)
        scratch_.resize(kChunk);
    for (std::size_t done = 0; done < count;) {
        const std::size_t take = std::min(kChunk, count - done);
        drawWindow(w.from(done), take, scratch_.data());
        forward(done, WindowRun{scratch_.data()}, take, out + done);
        done += take;
    }
}

std::size_t SpectrumFeed::feed(SpectrumEngine &engine, const std::uint8_t *data, std::size_t frames)
{
    if (!complex_) {
        struct Real
        {
            SpectrumFeed &feed;
            const std::uint8_t *data;
            void operator()(float *dst, std::size_t first, std::size_t count) const
            {
                extractPhysical(feed.i_, feed.frameBytes_, data + first * feed.frameBytes_, count,
                                dst);
            }
            void operator()(float *dst, std::size_t first, std::size_t count, WindowRun w) const
            {
                feed.convertWindowedI(data + first * feed.frameBytes_, count, w, dst);
            }
        };
        return engine.feedWith(frames, Real{*this, data});
    }
    struct Complex
    {
        SpectrumFeed &feed;
        const std::uint8_t *data;
        // I and Q of a cache-sized piece into scratch (and its window coefficients), then
        // interleaved (and windowed) into the engine's memory as FFTW's complex layout wants.
        void convert(float *dst, std::size_t first, std::size_t count, const WindowRun *w) const
        {
            if (feed.scratch_.size() < 3 * kChunk)
                feed.scratch_.resize(3 * kChunk);
            float *iv = feed.scratch_.data();
            float *qv = feed.scratch_.data() + kChunk;
            float *wv = feed.scratch_.data() + 2 * kChunk;
            for (std::size_t done = 0; done < count;) {
                const std::size_t take = std::min(kChunk, count - done);
                const std::uint8_t *p = data + (first + done) * feed.frameBytes_;
                extractPhysical(feed.i_, feed.frameBytes_, p, take, iv);
                extractPhysical(feed.q_, feed.frameBytes_, p, take, qv);
                float *out = dst + 2 * done;
                if (w) {
                    drawWindow(w->from(done), take, wv);
                    for (std::size_t k = 0; k < take; ++k) {
                        out[2 * k] = iv[k] * wv[k];
                        out[2 * k + 1] = qv[k] * wv[k];
                    }
                } else {
                    for (std::size_t k = 0; k < take; ++k) {
                        out[2 * k] = iv[k];
                        out[2 * k + 1] = qv[k];
                    }
                }
                done += take;
            }
        }
        void operator()(float *dst, std::size_t first, std::size_t count) const
        {
            convert(dst, first, count, nullptr);
        }
        void operator()(float *dst, std::size_t first, std::size_t count, WindowRun w) const
        {
            convert(dst, first, count, &w);
        }
    };
    return engine.feedWith(frames, Complex{*this, data});
}

std::size_t feedTraces(std::span<SpectrumFeed> feeds, std::span<SpectrumEngine *const> engines,
                       const std::uint8_t *data, std::size_t frames)
{
    const std::size_t traces = std::min(feeds.size(), engines.size());
    if (traces == 0)
        return 0;
    if (traces == 1)
        return feeds[0].feed(*engines[0], data, frames);
    // Runs of about 64 KiB of block: in L2 beside the engines' working memory.
    constexpr std::size_t kRunBytes = 64 * 1024;
    const std::size_t frameBytes = feeds[0].frameBytes();
    const std::size_t run =
        std::max<std::size_t>(256, kRunBytes / std::max<std::size_t>(1, frameBytes));
    std::size_t ffts = 0;
    for (std::size_t done = 0; done < frames;) {
        const std::size_t take = std::min(run, frames - done);
        const std::uint8_t *p = data + done * frameBytes;
        for (std::size_t t = 0; t < traces; ++t)
            ffts += feeds[t].feed(*engines[t], p, take);
        done += take;
    }
    return ffts;
}

} // namespace dmascope::dsp

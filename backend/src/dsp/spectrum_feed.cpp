#include "dmascope/dsp/spectrum_feed.h"

#include "decode.h"

#include <algorithm>
#include <cmath>
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
// out[i] = ((raw_i + offset) * scale) * w[i], from one channel at `p`, `stride` bytes apart: the
// decoding of extractPhysical and the window of SpectrumEngine in one pass (same arithmetic:
// raw * scale + offset * scale in float, then times the window). The window is read forwards:
// GCC 12 does not vectorise a strided gather together with a reversed load.
template <typename U, bool Signed, bool Swap>
void convertWindowed(const std::byte *p, std::size_t stride, detail::Shifts s, float scale,
                     float bias, const float *__restrict w, std::size_t count,
                     float *__restrict out) noexcept
{
    for (std::size_t i = 0; i < count; ++i) {
        const auto v = detail::decodeOne<U, Signed, Swap>(p + i * stride, s);
        out[i] = (static_cast<float>(v) * scale + bias) * w[i];
    }
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
            const std::ptrdiff_t at = w.reversed ? -std::ptrdiff_t(done) : std::ptrdiff_t(done);
            multiplyWindow(out + done, scratch_.data(), take, WindowRun{w.at + at, w.reversed});
            done += take;
        }
        return;
    }
    const auto *p = reinterpret_cast<const std::byte *>(frames + i_.byteOffset);
    const float scale = static_cast<float>(i_.scale);
    const float bias = static_cast<float>(i_.offset * i_.scale);
    const detail::Shifts s = detail::shiftsFor(format);
    const std::size_t stride = frameBytes_;
    detail::dispatch(format, [&]<typename U, bool Signed, bool Swap>() {
        if (!w.reversed) {
            convertWindowed<U, Signed, Swap>(p, stride, s, scale, bias, w.at, count, out);
            return;
        }
        // The second half of the frame: its window coefficients, read backwards, are copied
        // forwards a cache-sized piece at a time.
        if (scratch_.size() < kChunk)
            scratch_.resize(kChunk);
        float *__restrict forward = scratch_.data();
        for (std::size_t done = 0; done < count;) {
            const std::size_t take = std::min(kChunk, count - done);
            const float *back = w.at - std::ptrdiff_t(done);
            for (std::size_t i = 0; i < take; ++i)
                forward[i] = back[-std::ptrdiff_t(i)];
            convertWindowed<U, Signed, Swap>(p + done * stride, stride, s, scale, bias, forward,
                                             take, out + done);
            done += take;
        }
    });
}

std::size_t SpectrumFeed::feed(SpectrumEngine &engine, const std::uint8_t *data,
                               std::size_t frames)
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
        // I and Q of a cache-sized piece into scratch, then interleaved (and windowed) into the
        // engine's memory as FFTW's complex layout wants.
        void convert(float *dst, std::size_t first, std::size_t count,
                     const WindowRun *w) const
        {
            if (feed.scratch_.size() < 2 * kChunk)
                feed.scratch_.resize(2 * kChunk);
            float *iv = feed.scratch_.data();
            float *qv = feed.scratch_.data() + kChunk;
            for (std::size_t done = 0; done < count;) {
                const std::size_t take = std::min(kChunk, count - done);
                const std::uint8_t *p = data + (first + done) * feed.frameBytes_;
                extractPhysical(feed.i_, feed.frameBytes_, p, take, iv);
                extractPhysical(feed.q_, feed.frameBytes_, p, take, qv);
                float *out = dst + 2 * done;
                if (w) {
                    const std::ptrdiff_t at =
                        w->reversed ? -std::ptrdiff_t(done) : std::ptrdiff_t(done);
                    const WindowRun run{w->at + at, w->reversed};
                    for (std::size_t k = 0; k < take; ++k) {
                        out[2 * k] = iv[k] * run[k];
                        out[2 * k + 1] = qv[k] * run[k];
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

} // namespace dmascope::dsp

#include "dmascope/dsp/spectrum_feed.h"

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

std::size_t SpectrumFeed::feed(SpectrumEngine &engine, const std::uint8_t *data,
                               std::size_t frames)
{
    if (!complex_) {
        return engine.feedWith(frames, [&](float *dst, std::size_t first, std::size_t count) {
            extractPhysical(i_, frameBytes_, data + first * frameBytes_, count, dst);
        });
    }
    return engine.feedWith(frames, [&](float *dst, std::size_t first, std::size_t count) {
        // I and Q of this chunk (at most a frame) into scratch, then interleaved into the
        // engine's frame as FFTW's complex layout wants.
        if (scratch_.size() < 2 * count)
            scratch_.resize(2 * count);
        float *iv = scratch_.data();
        float *qv = scratch_.data() + count;
        const std::uint8_t *p = data + first * frameBytes_;
        extractPhysical(i_, frameBytes_, p, count, iv);
        extractPhysical(q_, frameBytes_, p, count, qv);
        for (std::size_t k = 0; k < count; ++k) {
            dst[2 * k] = iv[k];
            dst[2 * k + 1] = qv[k];
        }
    });
}

} // namespace dmascope::dsp

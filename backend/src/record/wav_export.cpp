#include "dmascope/record/wav_export.h"

#include "export_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace dmascope {

namespace {

constexpr std::size_t kChunkFrames = 65536;
constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatFloat = 3;

void put16(std::vector<std::uint8_t> &out, std::uint16_t v)
{
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t> &out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void putTag(std::vector<std::uint8_t> &out, const char *tag) { out.insert(out.end(), tag, tag + 4); }

// How one channel's raw values map to full scale: a signed value of `bits` bits.
struct Scaling
{
    bool isFloat = false;
    unsigned bits = 16;
    double center = 0; // subtracted first (mid-scale of unsigned data)
};

Scaling scalingOf(const SigmfRecording &recording, std::size_t channel)
{
    Scaling s;
    if (recording.meta().datatype.isFloat) {
        s.isFloat = true;
        return s;
    }
    const ScanType &t = recording.layout()->channels[channel].type;
    s.bits = t.realBits;
    if (!t.isSigned)
        s.center = std::ldexp(1.0, static_cast<int>(t.realBits) - 1);
    return s;
}

// A signed value of `fromBits` bits as a signed value of `toBits` bits (shifted, so full scale
// stays full scale).
double rescale(double v, unsigned fromBits, unsigned toBits)
{
    return std::ldexp(v, static_cast<int>(toBits) - static_cast<int>(fromBits));
}

} // namespace

ExportResult exportWav(const SigmfRecording &recording, const std::string &path, WavFormat format,
                       const ExportRange &range, const std::vector<std::size_t> &channels,
                       const std::atomic<bool> *cancel)
{
    const detail::ExportPlan plan = detail::planExport(recording, range, channels);
    ExportResult result;
    const double rate = recording.meta().sampleRate;
    if (!(rate >= 1) || rate > 4294967295.0)
        throw std::invalid_argument("WAV needs a sample rate between 1 Hz and 4294967295 Hz; "
                                    "the recording's is " +
                                    (rate > 0 ? std::to_string(rate) + " Hz" : "unknown"));
    const auto wavRate = static_cast<std::uint32_t>(std::llround(rate));
    if (static_cast<double>(wavRate) != rate)
        result.notes.push_back("sample rate " + std::to_string(rate) + " Hz rounded to " +
                               std::to_string(wavRate) + " Hz (WAV stores whole hertz)");
    if (plan.channels.size() > 65535)
        throw std::invalid_argument("WAV holds at most 65535 channels");
    const auto nch = static_cast<std::uint16_t>(plan.channels.size());
    const unsigned sampleBytes = format == WavFormat::Pcm16 ? 2 : 4;
    const std::uint64_t dataBytes = plan.count * nch * sampleBytes;
    if (dataBytes > 0xFFFFFFFFull - 100)
        throw std::invalid_argument("the range needs " + std::to_string(dataBytes) +
                                    " bytes of samples; a WAV file holds less than 4 GiB: "
                                    "export a shorter range or fewer channels");

    const bool isFloat = format == WavFormat::Float32;
    std::vector<std::uint8_t> header;
    putTag(header, "RIFF");
    put32(header, 0); // filled in below
    putTag(header, "WAVE");
    putTag(header, "fmt ");
    put32(header, isFloat ? 18 : 16);
    put16(header, isFloat ? kFormatFloat : kFormatPcm);
    put16(header, nch);
    put32(header, wavRate);
    put32(header, wavRate * nch * sampleBytes);
    put16(header, static_cast<std::uint16_t>(nch * sampleBytes));
    put16(header, static_cast<std::uint16_t>(sampleBytes * 8));
    if (isFloat) {
        put16(header, 0); // cbSize
        // Non-PCM formats carry a fact chunk with the frame count.
        putTag(header, "fact");
        put32(header, 4);
        put32(header, static_cast<std::uint32_t>(plan.count));
    }
    putTag(header, "data");
    put32(header, static_cast<std::uint32_t>(dataBytes));
    const std::uint32_t riffSize = static_cast<std::uint32_t>(header.size() - 8 + dataBytes);
    std::memcpy(&header[4], &riffSize, 4); // little-endian host, as the header

    std::vector<Scaling> scaling;
    for (std::size_t c : plan.channels)
        scaling.push_back(scalingOf(recording, c));

    detail::ExportFile out(path, cancel);
    out.write(header.data(), header.size());
    std::vector<double> values(kChunkFrames * nch);
    std::vector<std::uint8_t> samples(kChunkFrames * nch * sampleBytes);
    for (std::uint64_t done = 0; done < plan.count;) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(kChunkFrames, plan.count - done));
        for (std::size_t k = 0; k < nch; ++k)
            recording.readRaw(plan.channels[k], plan.first + done, n, &values[k * kChunkFrames]);
        std::uint8_t *p = samples.data();
        for (std::size_t f = 0; f < n; ++f) {
            for (std::size_t k = 0; k < nch; ++k) {
                const Scaling &s = scaling[k];
                const double v = values[k * kChunkFrames + f] - s.center;
                if (format == WavFormat::Float32) {
                    const float x = s.isFloat ? static_cast<float>(v)
                                              : static_cast<float>(rescale(v, s.bits, 1));
                    std::memcpy(p, &x, 4);
                } else {
                    const unsigned bits = sampleBytes * 8;
                    double x = s.isFloat ? v * std::ldexp(1.0, static_cast<int>(bits) - 1)
                                         : rescale(v, s.bits, bits);
                    const double top = std::ldexp(1.0, static_cast<int>(bits) - 1);
                    x = std::clamp(std::floor(x), -top, top - 1);
                    if (bits == 16) {
                        const auto i = static_cast<std::int16_t>(x);
                        std::memcpy(p, &i, 2);
                    } else {
                        const auto i = static_cast<std::int32_t>(x);
                        std::memcpy(p, &i, 4);
                    }
                }
                p += sampleBytes;
            }
        }
        out.write(samples.data(), static_cast<std::size_t>(p - samples.data()));
        done += n;
    }
    out.commit();
    result.frames = plan.count;
    result.bytes = header.size() + dataBytes;
    return result;
}

} // namespace dmascope

// FFT pipeline benchmark (scripts/bench fft): FFTs per second and ns per point for 64K, 1M and
// 16M points on one core, with the share of time spent outside FFTW (raw-to-volts conversion
// from an interleaved 4-channel s16 block by SpectrumFeed, as the Spectrum analyzer and the CLI
// do it, windowing, |X|^2, averaging: everything but FFTW's execute). FFTW alone is the
// baseline in the same run. A second table feeds all four channels as four traces (the Spectrum
// analyzer with four traces): one SpectrumFeed::feed per trace over the whole block, as the
// analyzer did, against dsp::feedTraces (what it runs now: every trace per cache-sized run of
// frames, so the block is read from memory once).
#include "dmascope/dsp/spectrum_engine.h"
#include "dmascope/dsp/spectrum_feed.h"
#include "dmascope/sim_device.h"

#include <fftw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

using namespace dmascope::dsp;
using Clock = std::chrono::steady_clock;

namespace {

// 4 interleaved s16 channels (the demo device's layout), tones on every channel.
struct Block
{
    std::vector<std::int16_t> raw;
    dmascope::ScanLayout layout;
};

Block makeBlock(std::size_t n)
{
    Block b;
    b.raw.resize(4 * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < 4; ++c)
            b.raw[4 * i + c] = std::int16_t(20000 * std::sin(0.01 * double((c + 1) * i)));
    std::vector<dmascope::ChannelLayout> chans = dmascope::SimDevice::scanChannels();
    for (auto &ch : chans) // all four as 16-bit, as the bench always measured
        ch.type = chans[0].type;
    b.layout = dmascope::ScanLayout::compute(chans);
    return b;
}

SpectrumConfig benchConfig(std::size_t n)
{
    SpectrumConfig c;
    c.size = n;
    c.window.type = WindowType::BlackmanHarris;
    c.sampleRate = 10e6;
    c.averaging = Averaging::Exponential;
    c.averages = 8;
    c.threads = 1;
    c.effort = n <= (std::size_t(1) << 20) ? PlanEffort::Measure : PlanEffort::Estimate;
    return c;
}

struct Run
{
    double perTraceRate; // FFT/s of each trace
    double outsidePerFftw;
};

// Four traces (channels 0..3) of the same block, for `seconds`.
Run fourTraces(const Block &b, std::size_t n, bool together, double seconds)
{
    std::vector<SpectrumFeed> feeds;
    std::vector<std::unique_ptr<SpectrumEngine>> engines;
    std::vector<SpectrumEngine *> ptrs;
    for (std::size_t c = 0; c < 4; ++c) {
        feeds.emplace_back(b.layout, c);
        engines.push_back(std::make_unique<SpectrumEngine>(benchConfig(n)));
        ptrs.push_back(engines.back().get());
    }
    const auto *data = reinterpret_cast<const std::uint8_t *>(b.raw.data());
    int count = 0;
    const auto t0 = Clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
        if (together)
            feedTraces(feeds, ptrs, data, n);
        else
            for (std::size_t t = 0; t < feeds.size(); ++t)
                feeds[t].feed(*engines[t], data, n);
        ++count;
        elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    }
    double fft = 0;
    for (const auto &e : engines)
        fft += e->timing().fftSeconds;
    return Run{count / elapsed, (elapsed - fft) / fft};
}

} // namespace

int main(int argc, char **argv)
{
    const double secondsPerSize = argc > 1 ? std::atof(argv[1]) : 2.0;
    std::printf("| points | FFTW alone (FFT/s) | pipeline (FFT/s) | ns/point | outside FFTW "
                "| outside / FFTW |\n|---|---|---|---|---|---|\n");
    for (const std::size_t n : {std::size_t(1) << 16, std::size_t(1) << 20, std::size_t(1) << 24}) {
        SpectrumConfig c;
        c.size = n;
        c.window.type = WindowType::BlackmanHarris;
        c.sampleRate = 10e6;
        c.averaging = Averaging::Exponential;
        c.averages = 8;
        c.threads = 1;
        c.effort = n <= (std::size_t(1) << 20) ? PlanEffort::Measure : PlanEffort::Estimate;
        SpectrumEngine engine(c);

        // A raw block as the device delivers it: 4 interleaved s16 channels (the demo device's
        // layout); channel 0 is analysed.
        std::vector<std::int16_t> raw(4 * n);
        for (std::size_t i = 0; i < n; ++i)
            raw[4 * i] = std::int16_t(20000 * std::sin(0.01 * double(i)));
        std::vector<dmascope::ChannelLayout> chans = dmascope::SimDevice::scanChannels();
        for (auto &ch : chans) // all four as 16-bit, as the bench always measured
            ch.type = chans[0].type;
        const dmascope::ScanLayout layout = dmascope::ScanLayout::compute(chans);
        dmascope::dsp::SpectrumFeed feed(layout, 0);
        const float scale = float(feed.fullScale() / 32768);

        // Baseline: FFTW executing the same plan on its own. The plan works in place, so the
        // input is restored before every execute; only the execute is timed.
        fftwf_plan plan = FftPlans::instance().realForward(n, c.effort, 1);
        std::vector<float> input(n);
        for (std::size_t i = 0; i < n; ++i)
            input[i] = float(raw[4 * i]) * scale;
        FftwArray<float> data = allocateFloats(n + 2);
        int fftwCount = 0;
        double fftwElapsed = 0;
        while (fftwElapsed < secondsPerSize) {
            std::copy(input.begin(), input.end(), data.get());
            const auto b0 = Clock::now();
            fftwf_execute_dft_r2c(plan, data.get(), reinterpret_cast<fftwf_complex *>(data.get()));
            fftwElapsed += std::chrono::duration<double>(Clock::now() - b0).count();
            ++fftwCount;
        }

        int count = 0;
        const auto t0 = Clock::now();
        double elapsed = 0;
        while (elapsed < secondsPerSize) {
            feed.feed(engine, reinterpret_cast<const std::uint8_t *>(raw.data()), n);
            ++count;
            elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
        }
        const auto timing = engine.timing();
        const double outside = elapsed - timing.fftSeconds;
        std::printf("| %zu | %.1f | %.1f | %.2f | %.1f %% | %.1f %% |\n", n,
                    fftwCount / fftwElapsed, count / elapsed, elapsed * 1e9 / (double(count) * n),
                    100 * outside / elapsed, 100 * outside / timing.fftSeconds);
        std::fflush(stdout);
    }

    std::printf("\n4 traces of one block (channels 0..3)\n\n"
                "| points | one feed per trace (FFT/s per trace) | outside / FFTW "
                "| feedTraces (FFT/s per trace) | outside / FFTW |\n|---|---|---|---|---|\n");
    for (const std::size_t n : {std::size_t(1) << 16, std::size_t(1) << 20}) {
        const Block b = makeBlock(n);
        const Run apart = fourTraces(b, n, false, secondsPerSize);
        const Run together = fourTraces(b, n, true, secondsPerSize);
        std::printf("| %zu | %.1f | %.1f %% | %.1f | %.1f %% |\n", n, apart.perTraceRate,
                    100 * apart.outsidePerFftw, together.perTraceRate,
                    100 * together.outsidePerFftw);
        std::fflush(stdout);
    }
    return 0;
}

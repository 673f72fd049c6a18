// FFT pipeline benchmark (scripts/bench fft): FFTs per second and ns per point for 64K, 1M and
// 16M points on one core, with the share of time spent outside FFTW (raw-to-volts conversion
// from an interleaved 4-channel s16 block by SpectrumFeed, as the Spectrum analyzer and the CLI
// do it, windowing, |X|^2, averaging: everything but FFTW's execute). FFTW alone is the
// baseline in the same run. A second table feeds all four channels as four traces (the Spectrum
// analyzer with four traces): one SpectrumFeed::feed per trace over the whole block, as the
// analyzer did, against dsp::feedTraces (what it runs now: every trace per cache-sized run of
// frames, so the block is read from memory once).
//
// Both tables are measured twice: feeding the same block again and again (it stays in the
// last-level cache: 8 MiB at 1M points) and cycling through as many copies as fill 64 MiB, so
// that every block comes from memory, as a block the device's DMA just wrote does.
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

// How many copies of a block of `bytes` fill 64 MiB (more than the host's last-level cache
// holds for one core), at least one.
std::size_t copiesFromMemory(std::size_t bytes)
{
    return std::max<std::size_t>(1, (std::size_t(64) << 20) / bytes);
}

// Four traces (channels 0..3) of `copies` copies of a block in turn, for `seconds`.
Run fourTraces(const Block &b, std::size_t n, bool together, std::size_t copies, double seconds)
{
    const std::vector<std::vector<std::int16_t>> raws(copies, b.raw);
    std::vector<SpectrumFeed> feeds;
    std::vector<std::unique_ptr<SpectrumEngine>> engines;
    std::vector<SpectrumEngine *> ptrs;
    for (std::size_t c = 0; c < 4; ++c) {
        feeds.emplace_back(b.layout, c);
        engines.push_back(std::make_unique<SpectrumEngine>(benchConfig(n)));
        ptrs.push_back(engines.back().get());
    }
    auto feedAll = [&](const std::uint8_t *data) {
        if (together)
            feedTraces(feeds, ptrs, data, n);
        else
            for (std::size_t t = 0; t < feeds.size(); ++t)
                feeds[t].feed(*engines[t], data, n);
    };
    auto fftSeconds = [&] {
        double fft = 0;
        for (const auto &e : engines)
            fft += e->timing().fftSeconds;
        return fft;
    };
    feedAll(reinterpret_cast<const std::uint8_t *>(b.raw.data())); // untimed: first touch
    const double fft0 = fftSeconds();
    int count = 0;
    const auto t0 = Clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
        feedAll(reinterpret_cast<const std::uint8_t *>(raws[count % copies].data()));
        ++count;
        elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    }
    const double fft = fftSeconds() - fft0;
    return Run{count / elapsed, (elapsed - fft) / fft};
}

} // namespace

int main(int argc, char **argv)
{
    const double secondsPerSize = argc > 1 ? std::atof(argv[1]) : 2.0;
    std::printf("| points | FFTW alone (FFT/s) | pipeline (FFT/s) | ns/point | outside FFTW "
                "| outside / FFTW | blocks from memory: pipeline (FFT/s) | outside / FFTW "
                "|\n|---|---|---|---|---|---|---|---|\n");
    for (const std::size_t n : {std::size_t(1) << 16, std::size_t(1) << 20, std::size_t(1) << 24}) {
        const SpectrumConfig c = benchConfig(n);
        SpectrumEngine engine(c);

        // A raw block as the device delivers it (makeBlock); channel 0 is analysed.
        const Block block = makeBlock(n);
        const std::vector<std::int16_t> &raw = block.raw;
        const dmascope::ScanLayout &layout = block.layout;
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

        // The pipeline on the same block, then on copies that come from memory; FFTW's time
        // of each series is the difference of the engine's running total.
        struct Series
        {
            int count = 0;
            double elapsed = 0, fft = 0;
        };
        auto pipeline = [&](std::size_t copies) {
            const std::vector<std::vector<std::int16_t>> raws(copies, raw);
            const double fft0 = engine.timing().fftSeconds;
            Series s;
            const auto t0 = Clock::now();
            while (s.elapsed < secondsPerSize) {
                const auto *data = reinterpret_cast<const std::uint8_t *>(raws[s.count % copies].data());
                feed.feed(engine, data, n);
                ++s.count;
                s.elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
            }
            s.fft = engine.timing().fftSeconds - fft0;
            return s;
        };
        // One frame first, untimed: the first touch of the engine's arrays (page faults, 96 MiB
        // at 16M points) is not the work per FFT.
        feed.feed(engine, reinterpret_cast<const std::uint8_t *>(raw.data()), n);
        const Series warm = pipeline(1);
        const Series cold = pipeline(copiesFromMemory(raw.size() * sizeof raw[0]));
        const double outside = warm.elapsed - warm.fft;
        std::printf("| %zu | %.1f | %.1f | %.2f | %.1f %% | %.1f %% | %.1f | %.1f %% |\n", n,
                    fftwCount / fftwElapsed, warm.count / warm.elapsed,
                    warm.elapsed * 1e9 / (double(warm.count) * n), 100 * outside / warm.elapsed,
                    100 * outside / warm.fft, cold.count / cold.elapsed,
                    100 * (cold.elapsed - cold.fft) / cold.fft);
        std::fflush(stdout);
    }

    std::printf("\n4 traces of one block (channels 0..3)\n\n"
                "| points | one feed per trace (FFT/s per trace) | outside / FFTW "
                "| feedTraces (FFT/s per trace) | outside / FFTW "
                "| blocks from memory: feedTraces (FFT/s per trace) | outside / FFTW "
                "|\n|---|---|---|---|---|---|---|\n");
    for (const std::size_t n : {std::size_t(1) << 16, std::size_t(1) << 20}) {
        const Block b = makeBlock(n);
        const std::size_t copies = copiesFromMemory(b.raw.size() * sizeof b.raw[0]);
        const Run apart = fourTraces(b, n, false, 1, secondsPerSize);
        const Run together = fourTraces(b, n, true, 1, secondsPerSize);
        const Run cold = fourTraces(b, n, true, copies, secondsPerSize);
        std::printf("| %zu | %.1f | %.1f %% | %.1f | %.1f %% | %.1f | %.1f %% |\n", n,
                    apart.perTraceRate, 100 * apart.outsidePerFftw, together.perTraceRate,
                    100 * together.outsidePerFftw, cold.perTraceRate, 100 * cold.outsidePerFftw);
        std::fflush(stdout);
    }
    return 0;
}

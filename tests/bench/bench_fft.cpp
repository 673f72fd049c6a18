// FFT pipeline benchmark (scripts/bench fft): FFTs per second and ns per point for 64K, 1M and
// 16M points on one core, with the share of time spent outside FFTW (raw-to-volts conversion
// from an interleaved 4-channel s16 block by SpectrumFeed, as the Spectrum analyzer and the CLI
// do it, windowing, |X|^2, averaging: everything but FFTW's execute). FFTW alone is the
// baseline in the same run.
#include "dmascope/dsp/spectrum_engine.h"
#include "dmascope/dsp/spectrum_feed.h"
#include "dmascope/sim_device.h"

#include <fftw3.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

using namespace dmascope::dsp;
using Clock = std::chrono::steady_clock;

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

        // Baseline: FFTW executing the same plan on its own.
        fftwf_plan plan = FftPlans::instance().realForward(n, c.effort, 1);
        FftwArray<float> in = allocateFloats(n), out = allocateFloats(n + 2);
        for (std::size_t i = 0; i < n; ++i)
            in[i] = float(raw[4 * i]) * scale;
        int fftwCount = 0;
        const auto b0 = Clock::now();
        double fftwElapsed = 0;
        while (fftwElapsed < secondsPerSize) {
            fftwf_execute_dft_r2c(plan, in.get(), reinterpret_cast<fftwf_complex *>(out.get()));
            ++fftwCount;
            fftwElapsed = std::chrono::duration<double>(Clock::now() - b0).count();
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
    return 0;
}

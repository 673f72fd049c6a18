// The Spectrum analyzer's CPU use on the demo device at 4 channels x 10 MS/s (scripts/bench
// fft): the instrument with all four channels as traces, waterfall on, offscreen at 1600x900,
// for each FFT size. The analyzer's CPU is its own threads' (the feeder thread: conversion,
// FFTs, averaging, snapshots; the GUI thread: reduction to pixels, plot, waterfall rows,
// markers), in % of one core, and scaled to the samples it analysed: "per real-time second" is
// the CPU one second of 4 x 10 MS/s costs, which stays meaningful when the demo device's own
// generator (it costs CPU too, which a real ADC's DMA does not) is starved on a busy host. The
// stream alone, with a consumer that drops every block, is the baseline of the same run.
//   bench_spectrum [seconds per point]
#include "../plugins/sim_host.h"
#include "spectrum_instrument.h"

#include "dmascope/ui/spectrum_plot.h"
#include "dmascope/ui/waterfall.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <cstdio>
#include <atomic>
#include <cstdlib>
#include <ctime>
#include <thread>

using namespace dmascope;

namespace {

constexpr std::uint32_t kRate = 10'000'000;

double cpuSeconds(clockid_t clock = CLOCK_PROCESS_CPUTIME_ID)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

void fourTones(SimDevice &dev)
{
    dev.setSamplingFrequency(kRate);
    for (unsigned c = 0; c < SimDevice::kChannels; ++c) {
        SimChannelSettings s;
        s.waveform = SimWaveform::Sine;
        s.frequencyMicroHz = std::uint64_t((100e3 + 250e3 * c) * 1e6);
        s.amplitudeNanoVolt = 500'000'000;
        s.noiseNanoVolt = 1'000'000;
        dev.setChannel(c, s);
    }
}

// Runs the event loop (sleeping while idle, as the app does) for `ms`.
void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

struct Figures
{
    double cpuPercent = 0;   // the process
    double guiPercent = 0;   // the GUI thread
    double samplesPerSecond = 0;
    std::uint64_t overruns = 0;
};

// Runs the event loop for `seconds` and measures the process's CPU over that time.
template <typename Sample> Figures run(double seconds, testing::SimHost &host, Sample &&sample)
{
    QElapsedTimer wall;
    const double cpu0 = cpuSeconds();
    const double gui0 = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    const StreamStats s0 = host.stream->stats();
    wall.start();
    waitMs(int(seconds * 1000));
    const double elapsed = wall.elapsed() / 1000.0;
    const StreamStats s1 = host.stream->stats();
    sample(elapsed);
    return {100 * (cpuSeconds() - cpu0) / elapsed,
            100 * (cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - gui0) / elapsed,
            double(s1.samples - s0.samples) / elapsed, s1.overruns - s0.overruns};
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen"
                                                                     : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    const auto description = [] {
        plugin::DeviceDescription d = testing::SimHost::simAdc();
        d.sampleRate = kRate;
        return d;
    }();

    std::printf("| FFT size | process CPU | analyzer CPU (feeder + GUI) | analyzer CPU per "
                "real-time second | spectra/s (4 traces) | waterfall rows/s | stream MS/s per "
                "channel | analysed MS/s per channel |\n|---|---|---|---|---|---|---|---|\n");
    // Baseline: the demo device streaming 4 x 10 MS/s into a consumer that drops each block.
    {
        testing::SimHost host(fourTones, 1u << 17);
        host.openStream(description, nullptr);
        auto sub = host.stream->subscribe(SubscriptionKind::Lossy);
        std::atomic<bool> stop{false};
        std::thread drain([&] {
            while (!stop.load())
                sub->pop(50);
        });
        waitMs(200);
        const Figures f = run(seconds, host, [](double) {});
        stop.store(true);
        drain.join();
        std::printf("| stream only | %.0f %% | — | — | — | — | %.2f | — |\n", f.cpuPercent,
                    f.samplesPerSecond * 1e-6);
        std::fflush(stdout);
    }
    for (const std::size_t n : {std::size_t(1) << 16, std::size_t(1) << 20}) {
        testing::SimHost host(fourTones, 1u << 17);
        spectrum::SpectrumInstrument spec(host, description);
        spec.resize(1600, 900);
        spec.show();
        spectrum::SpectrumSettings s;
        s.fftSize = n;
        s.averaging = dsp::Averaging::Exponential;
        s.averages = 8;
        s.waterfall = true;
        s.markers = {{ui::MarkerType::Peak, 0, 0, 0}};
        spec.setSettings(s);
        // Until the first spectrum (FFTW planning, the first frames) before measuring.
        QElapsedTimer warm;
        warm.start();
        while (!spec.plot()->snapshot() && warm.elapsed() < 30000)
            waitMs(50);
        const auto st0 = spec.feeder()->stats();
        const quint64 rows0 = spec.waterfall()->rowsAdded();
        spectrum::SpectrumFeeder::Stats st1;
        double rowsPerSecond = 0;
        const Figures f = run(seconds, host, [&](double elapsed) {
            st1 = spec.feeder()->stats();
            rowsPerSecond = double(spec.waterfall()->rowsAdded() - rows0) / elapsed;
        });
        const double elapsed = seconds;
        const double feederPercent = 100 * (st1.cpuSeconds - st0.cpuSeconds) / elapsed;
        const double analysed = double(st1.frames - st0.frames) / elapsed; // frames/s
        const double analyzer = feederPercent + f.guiPercent;
        std::printf("| %zu | %.0f %% | %.0f %% (%.0f + %.0f) | %.0f %% | %.1f | %.1f | %.2f | %.2f "
                    "|\n",
                    n, f.cpuPercent, analyzer, feederPercent, f.guiPercent,
                    analysed > 0 ? analyzer * kRate / analysed : 0.0,
                    double(st1.spectra - st0.spectra) / elapsed, rowsPerSecond,
                    f.samplesPerSecond * 1e-6, analysed * 1e-6);
        std::fflush(stdout);
    }
    return 0;
}

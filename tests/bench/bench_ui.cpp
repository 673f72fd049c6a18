// UI benchmark: GUI-thread cost per frame and frames per second of TimePlot, and the off-thread
// cost of turning N samples per channel x 4 channels into a snapshot, for N = 1M, 4M, 16M.
// Baselines measured in the same run: reading the same memory (sum), and the scalar reference
// envelope against the vectorised one.
//
//   bench_ui [--frames N] [--sizes 1,4,16] [--width W --height H] [--png out.png]
#include "dmascope/dsp/envelope.h"
#include "dmascope/ui/snapshot_producer.h"
#include "dmascope/ui/time_plot.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numbers>
#include <random>
#include <vector>

using namespace dmascope;
using namespace dmascope::ui;

namespace {

constexpr int kChannels = 4;
constexpr double kRate = 250e6; // a plausible fast ADC: sample rate only sets the time axis

double ms(const QElapsedTimer &t) { return static_cast<double>(t.nsecsElapsed()) / 1e6; }

// CPU time of the calling thread: the machine may be shared, wall time then overstates costs.
double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// 4 interleaved s16 channels: sines of different periods plus noise, 12-bit-ish amplitude.
std::vector<std::int16_t> makeSignal(std::size_t frames)
{
    std::vector<std::int16_t> v(frames * kChannels);
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> noise(-20, 20);
    for (std::size_t i = 0; i < frames; ++i)
        for (int c = 0; c < kChannels; ++c) {
            const double period = 10'000.0 * (c + 1) + 0.37;
            v[i * kChannels + c] = static_cast<std::int16_t>(
                1500 * std::sin(2 * std::numbers::pi * i / period) + noise(rng) + 300 * c);
        }
    return v;
}

ProducerConfig config(std::size_t record)
{
    ProducerConfig c;
    const dsp::SampleFormat s16{16, 16, 0, true, false};
    for (int i = 0; i < kChannels; ++i)
        c.channels.push_back(ProducerChannel{QStringLiteral("ch%1").arg(i), QStringLiteral("V"),
                                             static_cast<std::size_t>(2 * i), s16, {1e-3, 0.0}});
    c.frameBytes = 2 * kChannels;
    c.sampleRate = kRate;
    c.recordLength = record;
    c.preTrigger = 0.5;
    c.trigger.level = 0.0;
    c.trigger.hysteresis = 0.05;
    c.trigger.mode = dsp::TriggerMode::Normal;
    c.maxQueuedBlocks = 1 << 20; // the benchmark waits; nothing is dropped
    return c;
}

struct Stat
{
    std::vector<double> v;
    double mean() const { double s = 0; for (double x : v) s += x; return v.empty() ? 0 : s / v.size(); }
    double max() const { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }
    double median() const
    {
        if (v.empty())
            return 0;
        auto c = v;
        std::nth_element(c.begin(), c.begin() + c.size() / 2, c.end());
        return c[c.size() / 2];
    }
};

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({"frames", "GUI frames to time per size.", "n", "300"});
    cli.addOption({"sizes", "Samples per channel per frame, in Mi.", "list", "1,4,16"});
    cli.addOption({"width", "Plot width.", "px", "1600"});
    cli.addOption({"height", "Plot height.", "px", "800"});
    cli.addOption({"png", "Save the last frame of the largest size.", "file"});
    cli.process(app);
    const int frames = cli.value("frames").toInt();
    std::vector<std::size_t> sizes;
    for (const QString &s : cli.value("sizes").split(','))
        sizes.push_back(static_cast<std::size_t>(s.toULong()) << 20);
    const std::size_t maxSize = *std::max_element(sizes.begin(), sizes.end());

    std::printf("generating %zu Mi frames x %d channels (s16)...\n", maxSize >> 20, kChannels);
    const std::vector<std::int16_t> signal = makeSignal(maxSize);
    const auto *bytes = reinterpret_cast<const std::byte *>(signal.data());

    TimePlot plot;
    plot.resize(cli.value("width").toInt(), cli.value("height").toInt());
    plot.show();
    QApplication::processEvents();

    std::printf("\nplot %dx%d (trace area %d columns), %d channels, %d GUI frames per size\n\n",
                plot.width(), plot.height(), plot.traceColumns(), kChannels, frames);
    std::printf("| samples/frame/ch | GUI wall ms/frame (median / max) | GUI CPU ms/frame | GUI fps |"
                " GUI CPU ms/frame, persistence on | off-thread condense ms/capture (wall / CPU) |"
                " condense GS/s (CPU) | snapshot build ms | baseline: sum same memory, CPU ms |"
                " baseline: scalar reference envelope, CPU ms |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");

    for (std::size_t n : sizes) {
        // Off-thread: feed two records' worth in 1 Mi-frame blocks (as a stream would deliver
        // them) and let the producer trigger, condense and build snapshots.
        SnapshotProducer producer;
        producer.configure(config(n));
        const double span = static_cast<double>(n) / kRate;
        plot.setView({-span / 2, span / 2, -2.5, 2.5});
        producer.setView(plot.view(), plot.traceColumns());
        const std::size_t block = std::min<std::size_t>(n, 1 << 20);
        std::uint64_t next = 0;
        Stat condense, condenseCpu, build;
        for (int capture = 0; capture < 3; ++capture) {
            const std::uint64_t before = producer.stats().captures;
            // keep feeding until a new capture completed
            while (producer.stats().captures == before) {
                const std::size_t offset = static_cast<std::size_t>(next % (maxSize - block + 1));
                producer.submit(FrameBlock{nullptr, bytes + offset * 2 * kChannels, block, next});
                next += block;
                producer.waitIdle();
            }
            if (capture > 0) { // the first capture includes warm-up (page faults)
                condense.v.push_back(producer.stats().lastCaptureMs);
                condenseCpu.v.push_back(producer.stats().lastCaptureCpuMs);
                build.v.push_back(producer.stats().lastSnapshotMs);
            }
        }
        auto snapA = producer.takeLatest();
        // a second snapshot with a new sequence number, so every GUI frame is a "new capture"
        auto b = std::make_shared<PlotSnapshot>(*snapA);
        b->sequence = snapA->sequence + 1;
        std::shared_ptr<const PlotSnapshot> snaps[2] = {snapA, b};

        auto timeGui = [&](bool persistence, double *fps, Stat *cpu) {
            plot.setPersistence(persistence);
            Stat gui;
            QElapsedTimer total;
            total.start();
            for (int f = 0; f < frames; ++f) {
                auto s = std::make_shared<PlotSnapshot>(*snaps[f % 2]);
                s->sequence = 1000 + static_cast<std::uint64_t>(f);
                QElapsedTimer t;
                t.start();
                const double c0 = cpuMs();
                plot.setSnapshot(std::move(s)); // persistence accumulates here
                plot.repaint();                  // synchronous paint + flush
                gui.v.push_back(ms(t));
                cpu->v.push_back(cpuMs() - c0);
            }
            if (fps)
                *fps = frames / (ms(total) / 1000.0);
            return gui;
        };
        double fps = 0;
        Stat guiCpu, guiPersistCpu;
        const Stat gui = timeGui(false, &fps, &guiCpu);
        timeGui(true, nullptr, &guiPersistCpu);
        plot.setPersistence(false);

        // Baselines on the same n x 4 channels of memory.
        double t0 = cpuMs();
        std::int64_t sum = 0;
        for (std::size_t i = 0; i < n * kChannels; ++i)
            sum += signal[i];
        const double readMs = cpuMs() - t0;
        std::vector<dsp::MinMax> env(n / 16 + 1);
        t0 = cpuMs();
        for (int c = 0; c < kChannels; ++c)
            dsp::minMaxEnvelopeReference({bytes + 2 * c, 2 * kChannels, {16, 16, 0, true, false}},
                                         n, 16, env.data());
        const double scalarMs = cpuMs() - t0;

        const double gsps = static_cast<double>(n) * kChannels / (condenseCpu.median() * 1e6);
        std::printf("| %zu Mi | %.2f / %.2f | %.2f | %.0f | %.2f | %.1f / %.1f | %.2f | %.2f | %.1f | %.1f |\n",
                    n >> 20, gui.median(), gui.max(), guiCpu.median(), fps, guiPersistCpu.median(),
                    condense.median(), condenseCpu.median(), gsps, build.median(), readMs, scalarMs);
        if (sum == 42) // keep the baseline loop from being optimised away
            std::printf("\n");
        std::fflush(stdout);
        if (n == maxSize && cli.isSet("png"))
            plot.exportPng(cli.value("png"));
    }
    return 0;
}

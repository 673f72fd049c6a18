// UI benchmark: GUI-thread cost per frame and frames per second of TimePlot, and the off-thread
// cost of turning N samples per channel x 4 channels into a snapshot, for N = 1M, 4M, 16M.
// Baselines measured in the same run: reading the same memory (sum), and the scalar reference
// envelope against the vectorised one.
// Then the CPU use of the Oscilloscope (the real plugin, shown offscreen) displaying the demo
// device streaming 4 channels at 10 MS/s, against the same stream with a consumer that only
// drops the blocks (what the device alone costs), from getrusage() over a few seconds.
//
//   bench_ui [--frames N] [--sizes 1,4,16] [--width W --height H] [--png out.png]
//            [--demo-seconds S] [--demo-png out.png]
#include "scope_instrument.h"
#include "stream_registry.h"

#include "dmascope/dsp/envelope.h"
#include "dmascope/plugin/instrument_host.h"
#include "dmascope/sim_stream.h"
#include "dmascope/subscription.h"
#include "dmascope/ui/frame_pacer.h"
#include "dmascope/ui/snapshot_producer.h"
#include "dmascope/ui/time_plot.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <atomic>
#include <thread>

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

// CPU seconds of the whole process (every thread), and of the calling thread.
double processCpuS()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

constexpr double kDemoRate = 10e6;

plugin::DeviceDescription demoAdc()
{
    plugin::DeviceDescription d;
    d.uri = QStringLiteral("sim:");
    d.id = QStringLiteral("sim:adc");
    d.name = QStringLiteral("iio-sim-adc");
    d.kind = QStringLiteral("adc");
    d.transport = plugin::DeviceDescription::Transport::Demo;
    d.sampleRate = kDemoRate;
    return d;
}

// The demo device at 10 MS/s with the block size and count the app would use.
std::shared_ptr<SimStream> startDemo(std::shared_ptr<Subscription> *subscribeFirst = nullptr)
{
    auto stream = std::make_shared<SimStream>();
    stream->device()->setSamplingFrequency(static_cast<std::uint32_t>(kDemoRate));
    if (subscribeFirst)
        *subscribeFirst = stream->subscribe(SubscriptionKind::Lossy);
    stream->start(app::StreamRegistry::configFor(demoAdc()));
    return stream;
}

class DemoHost final : public plugin::InstrumentHost
{
public:
    std::shared_ptr<Stream> openStream(const plugin::DeviceDescription &, QString *) override
    {
        stream = startDemo();
        return stream;
    }
    void showStatusMessage(const QString &, int) override {}
    std::shared_ptr<SimStream> stream;
};

void runEventLoop(double seconds)
{
    QEventLoop loop;
    QTimer::singleShot(static_cast<int>(seconds * 1000), &loop, &QEventLoop::quit);
    loop.exec();
}

// CPU seconds per thread, by name (/proc/self/task/*/stat: utime + stime in clock ticks).
std::map<std::string, double> threadCpuS()
{
    std::map<std::string, double> out;
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    for (const auto &entry : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream f(entry.path() / "stat");
        std::string line;
        std::getline(f, line);
        const auto open = line.find('(');
        const auto close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos)
            continue;
        std::istringstream rest(line.substr(close + 2));
        std::string field;
        double utime = 0, stime = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14)
                utime = std::stod(field);
            if (i == 15)
                stime = std::stod(field);
        }
        out[line.substr(open + 1, close - open - 1)] += (utime + stime) / tick;
    }
    return out;
}

struct Usage
{
    double processPercent = 0; // of one core
    double guiPercent = 0;
    double mbps = 0;
    std::map<std::string, double> threadPercent; // by thread name
};

// Process and GUI-thread CPU over `seconds` of `during` (which runs the event loop or waits).
template <typename F>
Usage measureUsage(double seconds, const std::shared_ptr<SimStream> &stream, F during)
{
    const double p0 = processCpuS();
    const double g0 = cpuMs();
    const auto t0 = threadCpuS();
    QElapsedTimer wall;
    wall.start();
    during(seconds);
    const double w = static_cast<double>(wall.nsecsElapsed()) / 1e9;
    Usage u;
    u.processPercent = 100.0 * (processCpuS() - p0) / w;
    u.guiPercent = 100.0 * (cpuMs() - g0) / 1e3 / w;
    u.mbps = stream->stats().megabytesPerSecond;
    for (const auto &[name, cpu] : threadCpuS()) {
        const auto before = t0.find(name);
        u.threadPercent[name] = 100.0 * (cpu - (before == t0.end() ? 0.0 : before->second)) / w;
    }
    return u;
}

void benchDemo(double seconds, const QString &png)
{
    std::printf("\n## demo device displayed: 4 channels x 10 MS/s s16 (%.0f MB/s), offscreen, %.0f s each\n\n",
                kDemoRate * 4 * 2 / 1e6, seconds);
    std::printf("| configuration | process CPU, %% of one core | GUI thread, %% of one core |"
                " stream MB/s | frames painted/s |\n|---|---|---|---|---|\n");
    double baselinePercent = 0;
    {
        // Baseline: the device and its stream, a consumer that drops every block.
        std::shared_ptr<Subscription> sub;
        auto stream = startDemo(&sub);
        std::atomic<bool> stop{false};
        std::thread consumer([&] {
            while (!stop.load())
                sub->pop(50);
        });
        runEventLoop(1.0); // settle
        const Usage u = measureUsage(seconds, stream, [](double s) { runEventLoop(s); });
        stop.store(true);
        consumer.join();
        stream->stop();
        std::printf("| baseline: demo stream, blocks dropped | %.1f | %.1f | %.0f | - |\n",
                    u.processPercent, u.guiPercent, u.mbps);
        baselinePercent = u.processPercent;
    }
    DemoHost host;
    scope::ScopeInstrument instrument(host, demoAdc());
    instrument.resize(1600, 900);
    instrument.show();
    runEventLoop(1.5); // first captures, layouts, settle
    auto *pacer = instrument.plot()->findChild<ui::FramePacer *>();
    const quint64 f0 = pacer ? pacer->framesDelivered() : 0;
    QElapsedTimer wall;
    wall.start();
    const Usage u = measureUsage(seconds, host.stream, [](double s) { runEventLoop(s); });
    const double fps = pacer ? static_cast<double>(pacer->framesDelivered() - f0)
                                   / (static_cast<double>(wall.nsecsElapsed()) / 1e9)
                             : 0.0;
    std::printf("| Oscilloscope, 4 channels, 1 ms/div, measurements on | %.1f | %.1f | %.0f | %.0f |\n",
                u.processPercent, u.guiPercent, u.mbps, fps);
    // The display's own threads: GUI, snapshot worker, feeder (and Qt's pool, which the plugin
    // does not use but Qt may); the rest of the process is the demo device.
    double display = u.guiPercent;
    for (const char *name : {"dmascope-snap", "scope-feeder", "Thread (pooled)"}) {
        const auto it = u.threadPercent.find(name);
        display += it == u.threadPercent.end() ? 0.0 : it->second;
    }
    std::printf("\ndisplaying costs %.1f %% of one core (GUI + snapshot worker + feeder threads;"
                " goal < 25 %%), %.1f %% by process difference with the baseline (noisier: the"
                " baseline is the demo device's software signal generator and stream, the part a"
                " real ADC does in hardware)\n",
                display, u.processPercent - baselinePercent);
    std::printf("\nper thread, Oscilloscope row (%% of one core):");
    for (const auto &[name, percent] : u.threadPercent)
        if (percent >= 0.05)
            std::printf("  %s %.1f", name.c_str(), percent);
    std::printf("\n");
    if (!png.isEmpty())
        instrument.grab().save(png);
    std::fflush(stdout);
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
    cli.addOption({"demo-seconds", "Seconds per demo-display measurement (0: skip).", "s", "5"});
    cli.addOption({"demo-png", "Save the Oscilloscope after the demo measurement.", "file"});
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
    plot.hide();
    const double demoSeconds = cli.value("demo-seconds").toDouble();
    if (demoSeconds > 0)
        benchDemo(demoSeconds, cli.value("demo-png"));
    return 0;
}

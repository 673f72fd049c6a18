#include "spectrum_feeder.h"

#include "dmascope/block.h"
#include "dmascope/dsp/spectrum_feed.h"
#include "dmascope/scan_layout.h"
#include "dmascope/subscription.h"

#include <QElapsedTimer>

#include <ctime>

namespace dmascope::spectrum {

namespace {
double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}
} // namespace

// The worker's own state: touched only by the feeder thread.
struct SpectrumFeeder::Worker
{
    FeederConfig config;
    std::vector<std::unique_ptr<dsp::SpectrumEngine>> engines;
    std::vector<dsp::SpectrumFeed> feeds;
    std::vector<dsp::SpectrumEngine *> enginePtrs; // engines[t].get(), for feedTraces
    std::uint64_t sequence = 0;
    bool dirty = false; // spectra computed since the last snapshot
};

SpectrumFeeder::SpectrumFeeder(std::shared_ptr<Subscription> subscription, QObject *parent)
    : QObject(parent), subscription_(std::move(subscription))
{
    qRegisterMetaType<std::shared_ptr<const dmascope::ScanLayout>>();
    qRegisterMetaType<std::vector<dmascope::spectrum::TraceMetrics>>();
}

SpectrumFeeder::~SpectrumFeeder()
{
    stop();
}

void SpectrumFeeder::start()
{
    if (thread_.joinable())
        return;
    stop_.store(false);
    thread_ = std::thread([this] { run(); });
}

void SpectrumFeeder::stop()
{
    stop_.store(true);
    if (thread_.joinable())
        thread_.join();
}

void SpectrumFeeder::configure(FeederConfig config)
{
    std::lock_guard lock(mutex_);
    pending_ = std::move(config);
}

std::shared_ptr<const ui::SpectrumSnapshot> SpectrumFeeder::takeLatest()
{
    std::lock_guard lock(mutex_);
    notified_.store(false);
    return std::exchange(latest_, nullptr);
}

SpectrumFeeder::Stats SpectrumFeeder::stats() const
{
    std::lock_guard lock(mutex_);
    return stats_;
}

void SpectrumFeeder::run()
{
    Worker w;
    std::shared_ptr<const ScanLayout> announced;
    double cpuBase = threadCpuSeconds();
    QElapsedTimer sinceSnapshot, sinceMeasure;
    sinceSnapshot.start();
    sinceMeasure.start();

    const auto publish = [&] {
        auto snap = std::make_shared<ui::SpectrumSnapshot>();
        snap->sequence = ++w.sequence;
        const dsp::SpectrumEngine &first = *w.engines.front();
        // All traces share size and rate; a complex trace (traceSources() puts it first) sets
        // the span.
        snap->bins = first.bins();
        snap->df = first.binWidth();
        snap->f0 = first.frequency(0);
        snap->unit = QString::fromUtf8(dsp::unitLabel(w.config.settings.unit));
        snap->decibels = w.config.settings.unit != dsp::SpectrumUnit::VoltsPerRootHz;
        snap->averaged = first.averagedCount();
        for (std::size_t t = 0; t < w.engines.size(); ++t) {
            ui::SpectrumTrace trace;
            trace.label = w.config.traces[t].label;
            if (w.engines[t]->spectraComputed() > 0 || w.engines[t]->averagedCount() > 0) {
                if (w.engines[t]->config().complexInput == first.config().complexInput) {
                    w.engines[t]->spectrum(trace.values);
                } else {
                    // A real trace beside a complex one: place its 0..fs/2 bins on the
                    // complex axis (-fs/2..fs/2), leaving the negative half empty.
                    std::vector<float> v;
                    w.engines[t]->spectrum(v);
                    trace.values.assign(snap->bins, NAN);
                    std::copy(v.begin(), v.begin() + long(std::min(v.size(), snap->bins / 2)),
                              trace.values.begin() + long(snap->bins / 2));
                }
            } else {
                trace.values.assign(snap->bins, NAN);
            }
            snap->traces.push_back(std::move(trace));
        }
        Stats totals;
        {
            std::lock_guard lock(mutex_);
            latest_ = std::move(snap);
            ++stats_.snapshots;
            totals = stats_;
        }
        if (!notified_.exchange(true))
            emit spectrumReady();
        w.dirty = false;
        sinceSnapshot.restart();

        if (sinceMeasure.elapsed() < kMeasureIntervalMs)
            return;
        sinceMeasure.restart();
        std::vector<TraceMetrics> results;
        for (std::size_t t = 0; t < w.engines.size(); ++t) {
            TraceMetrics m;
            m.trace = t;
            std::string error;
            m.metrics = dsp::measureSingleTone(*w.engines[t], 5, &error);
            m.error = QString::fromStdString(error);
            results.push_back(std::move(m));
        }
        emit measured(results);
    };
    // A new snapshot is due a frame after the last one; once the GUI has taken the last one,
    // already half a frame after it. Snapshots are built only between block arrivals, so a
    // full frame's wait would drift against the GUI's frame clock and miss every other frame
    // boundary (the waterfall then scrolled at ~35 rows/s instead of the screen's 60).
    const auto snapshotDue = [&] {
        const int interval = snapshotMs_.load();
        return w.dirty &&
               sinceSnapshot.elapsed() >= (notified_.load() ? interval : interval / 2);
    };

    while (!stop_.load()) {
        std::optional<FeederConfig> change;
        {
            std::lock_guard lock(mutex_);
            change.swap(pending_);
        }
        if (change) {
            w = Worker{};
            w.config = std::move(*change);
            try {
                for (const TraceSource &src : w.config.traces) {
                    dsp::SpectrumFeed feed(*w.config.layout, src.i, src.q);
                    w.engines.push_back(std::make_unique<dsp::SpectrumEngine>(
                        engineConfig(w.config.settings, w.config.sampleRate, feed.fullScale(),
                                     feed.complex())));
                    w.feeds.push_back(std::move(feed));
                    w.enginePtrs.push_back(w.engines.back().get());
                }
            } catch (const std::exception &e) {
                w.engines.clear();
                w.feeds.clear();
                w.enginePtrs.clear();
                emit configFailed(QString::fromLocal8Bit(e.what()));
            }
            cpuBase = threadCpuSeconds();
            std::lock_guard lock(mutex_);
            stats_ = Stats{};
        }
        if (resetRequest_.exchange(false))
            for (auto &e : w.engines)
                e->reset();

        // A bounded wait so stop() and new configurations are noticed on a silent stream.
        std::optional<Delivery> d = subscription_->pop(50);
        if (snapshotDue())
            publish(); // spectra computed while the previous snapshot was still fresh
        if (!d) {
            if (subscription_->ended()) {
                emit ended(QString::fromStdString(subscription_->endReason()));
                return;
            }
            continue;
        }
        const Block &b = *d->block;
        if (b.layout != announced) {
            announced = b.layout;
            emit layoutChanged(announced);
        }
        if (paused_.load() || w.engines.empty() || w.config.layout != b.layout)
            continue;
        if (d->discontinuity) {
            for (auto &e : w.engines)
                e->restartFrame();
            std::lock_guard lock(mutex_);
            ++stats_.restarts;
        }
        const std::size_t frames = b.frames();
        // All traces in one pass over the block (a cache-sized run of frames at a time).
        const std::size_t computed = dsp::feedTraces(w.feeds, w.enginePtrs, b.data, frames);
        d.reset(); // the block goes back to the stream now
        {
            const double cpu = threadCpuSeconds() - cpuBase;
            std::lock_guard lock(mutex_);
            ++stats_.blocks;
            stats_.frames += frames;
            stats_.cpuSeconds = cpu;
            stats_.spectra += computed;
            stats_.fftSeconds = stats_.otherSeconds = 0;
            for (const auto &e : w.engines) {
                stats_.fftSeconds += e->timing().fftSeconds;
                stats_.otherSeconds += e->timing().otherSeconds;
            }
        }
        if (computed > 0)
            w.dirty = true;
        if (snapshotDue())
            publish();
    }
}

} // namespace dmascope::spectrum

#include "dmascope/ui/snapshot_producer.h"

#include "dmascope/dsp/minmax_pyramid.h"

#include <QElapsedTimer>

#include <pthread.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <optional>

namespace dmascope::ui {

namespace {
// Level-1 slack so the ring still holds the record's first samples at completion.
constexpr std::size_t kHistorySlack = 4096;

double elapsedMs(const QElapsedTimer &t) { return static_cast<double>(t.nsecsElapsed()) / 1e6; }

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
} // namespace

// State owned by the worker thread only.
struct SnapshotProducer::Worker
{
    ProducerConfig config;
    bool configured = false;
    std::vector<dsp::MinMaxPyramid> filling; // the capture being assembled
    std::vector<dsp::MinMaxPyramid> shown;   // the last complete capture
    dsp::EdgeTrigger trigger;
    dsp::TriggerModeMachine machine;
    std::uint64_t next = 0; // number of the next expected sample
    bool started = false;
    std::size_t pre = 0;
    std::size_t post = 0;
    bool capturing = false;
    double triggerPos = 0.0;
    bool forced = false;
    std::uint64_t captureEnd = 0;
    double captureMs = 0.0;
    // the last complete capture
    bool haveShown = false;
    double shownTrigger = 0.0;
    bool shownForced = false;
    std::uint64_t sequence = 0;

    void applyConfig(const ProducerConfig &c)
    {
        config = c;
        pre = static_cast<std::size_t>(std::llround(std::clamp(c.preTrigger, 0.0, 1.0)
                                                    * static_cast<double>(c.recordLength)));
        post = c.recordLength - pre;
        // Measuring needs the record's samples: widen the raw window to it (bounded).
        if (c.measure)
            config.rawWindow = std::max(c.rawWindow, std::min(c.recordLength, c.maxMeasuredSamples));
        measuredTimer.invalidate();
        const std::size_t history = c.recordLength + kHistorySlack;
        filling.clear();
        shown.clear();
        formats.clear();
        offsets.clear();
        for (const ProducerChannel &ch : c.channels) {
            formats.push_back(ch.format);
            offsets.push_back(ch.byteOffset);
        }
        for (std::size_t i = 0; i < c.channels.size(); ++i) {
            filling.emplace_back(history, config.rawWindow);
            shown.emplace_back(history, config.rawWindow);
        }
        const ProducerChannel &tc = c.channels[static_cast<std::size_t>(c.trigger.channel)];
        dsp::EdgeTriggerConfig tcfg;
        tcfg.edge = c.trigger.edge;
        tcfg.level = tc.calibration.toRaw(c.trigger.level);
        // hysteresis is a difference: scale only
        tcfg.hysteresis = std::abs(c.trigger.hysteresis / tc.calibration.scale);
        tcfg.holdoff = static_cast<std::uint64_t>(std::max(0.0, c.trigger.holdoff * c.sampleRate));
        // A negative scale flips the edge direction in raw units.
        if (tc.calibration.scale < 0 && tcfg.edge != dsp::Edge::Either)
            tcfg.edge = tcfg.edge == dsp::Edge::Rising ? dsp::Edge::Falling : dsp::Edge::Rising;
        trigger.setConfig(tcfg);
        machine.setAutoTimeout(
            static_cast<std::uint64_t>(std::max(0.0, c.trigger.autoTimeout * c.sampleRate)));
        machine.setMode(c.trigger.mode, 0);
        configured = true;
        started = false;
        haveShown = false;
        capturing = false;
    }

    void restart(std::uint64_t at)
    {
        next = at;
        started = true;
        capturing = false;
        captureMs = 0.0;
        captureCpuMs = 0.0;
        for (auto &p : filling)
            p.reset(at);
        trigger.reset();
        if (machine.state() != dsp::TriggerModeMachine::State::Stopped)
            machine.arm(at + pre);
    }

    dsp::RawChannel channel(const FrameBlock &b, std::size_t i, std::size_t frame) const
    {
        const ProducerChannel &c = config.channels[i];
        return dsp::RawChannel{b.data + frame * config.frameBytes + c.byteOffset, config.frameBytes,
                               c.format};
    }

    void startCapture(double pos, bool isForced)
    {
        capturing = true;
        triggerPos = pos;
        forced = isForced;
        const auto t = static_cast<std::uint64_t>(std::ceil(pos));
        captureEnd = t + post;
        // A window as long as the record ends with it (it then holds all of it); a shorter one
        // is centred on the trigger, where zooming in looks.
        const std::uint64_t freeze =
            config.rawWindow >= config.recordLength ? captureEnd : t + config.rawWindow / 2;
        for (auto &p : filling)
            p.freezeRawAt(freeze);
    }

    // Returns true when a capture completed.
    bool process(const FrameBlock &b)
    {
        bool completed = false;
        if (!started || b.firstSample != next || b.discontinuity)
            restart(b.firstSample);
        QElapsedTimer timer;
        timer.start();
        double cpu0 = threadCpuMs();
        std::size_t done = 0;
        while (done < b.frames) {
            const std::uint64_t segStart = b.firstSample + done;
            std::size_t n = b.frames - done;
            if (machine.state() == dsp::TriggerModeMachine::State::Stopped) {
                next += n; // nothing to do until re-armed; keep counting for continuity
                break;
            }
            if (capturing) {
                n = static_cast<std::size_t>(std::min<std::uint64_t>(n, captureEnd - segStart));
            } else {
                // Scan the rest of the block (or until the buffer fills); the machine takes the
                // first edge after its arming point. Samples scanned beyond the capture's end are
                // scanned again after it (the detector is resynced then).
                std::array<double, 64> found;
                const std::size_t k = trigger.scan(
                    channel(b, static_cast<std::size_t>(config.trigger.channel), done), n,
                    segStart, found);
                n = trigger.consumed();
                const std::uint64_t scannedEnd = segStart + n;
                if (auto c = machine.advance(std::span<const double>(found.data(), k), scannedEnd)) {
                    double at = c->position;
                    if (c->forced) // free-run: the newest full record, not one in the past
                        at = std::max(at, static_cast<double>(scannedEnd) - static_cast<double>(post));
                    startCapture(at, c->forced);
                    n = static_cast<std::size_t>(
                        std::min<std::uint64_t>(n, std::max(captureEnd, segStart) - segStart));
                }
            }
            appendAll(b, done, n);
            done += n;
            next += n;
            if (capturing && next >= captureEnd) {
                // Clocks are read for the first capture a block completes only: short records
                // complete hundreds of times a second, and the thread CPU clock is a system call.
                if (!completed) {
                    captureMs += elapsedMs(timer);
                    timer.restart();
                    const double cpu = threadCpuMs();
                    captureCpuMs += cpu - cpu0;
                    cpu0 = cpu;
                }
                completeCapture(!completed);
                completed = true;
            }
        }
        captureMs += elapsedMs(timer);
        captureCpuMs += threadCpuMs() - cpu0;
        return completed;
    }

    // Scratch for the all-channel envelope (channel-major level-1 entries of one batch).
    std::vector<dsp::MinMax> level1;
    std::vector<dsp::SampleFormat> formats;
    std::vector<std::size_t> offsets;

    // Condenses frames [first, first + n) of the block into every channel's pyramid: the
    // bucket-aligned bulk with one pass over the frames for all channels when the layout allows
    // it, the ragged ends (and unusual layouts) per channel.
    void appendAll(const FrameBlock &b, std::size_t first, std::size_t n)
    {
        // Frames per pass: bounds the scratch (64Ki level-1 entries per channel), and is large
        // against the raw window, of which each pass decodes only its last rawWindow samples.
        constexpr std::size_t kBatch = 1 << 20;
        const std::size_t head = std::min(n, filling.front().samplesToBucketBoundary());
        if (head != 0)
            for (std::size_t i = 0; i < filling.size(); ++i)
                filling[i].append(channel(b, i, first), head);
        std::size_t done = head;
        const std::size_t channels = filling.size();
        while (n - done >= dsp::MinMaxPyramid::kFactor) {
            const std::size_t m = std::min((n - done) / dsp::MinMaxPyramid::kFactor * dsp::MinMaxPyramid::kFactor, kBatch);
            const std::size_t buckets = m / dsp::MinMaxPyramid::kFactor;
            level1.resize(buckets * channels);
            const std::byte *frames = b.data + (first + done) * config.frameBytes;
            if (!dsp::minMaxEnvelopeFrames(frames, config.frameBytes, m, formats.data(), offsets.data(),
                                           channels, dsp::MinMaxPyramid::kFactor, level1.data()))
                break;
            for (std::size_t i = 0; i < channels; ++i)
                filling[i].appendBuckets(channel(b, i, first + done), level1.data() + i * buckets, buckets);
            done += m;
        }
        if (done < n)
            for (std::size_t i = 0; i < filling.size(); ++i)
                filling[i].append(channel(b, i, first + done), n - done);
    }

    double lastCaptureMs = 0.0;
    double captureCpuMs = 0.0;
    double lastCaptureCpuMs = 0.0;

    // Measurement of the last complete capture, when one is due.
    QElapsedTimer measuredTimer;
    std::optional<RecordMeasurements> measuredNow;
    std::vector<std::int32_t> rawScratch;
    std::vector<float> valueScratch;

    void measureShown()
    {
        if (!config.measure
            || (measuredTimer.isValid() && measuredTimer.elapsed() < config.measureInterval * 1e3))
            return;
        const auto trig = static_cast<std::uint64_t>(std::ceil(shownTrigger));
        std::uint64_t first = trig - std::min<std::uint64_t>(trig, pre);
        std::uint64_t end = trig + post;
        if (end - first > config.rawWindow) { // a record longer than the window: around the trigger
            first = trig - std::min<std::uint64_t>(trig, config.rawWindow / 2);
            end = first + config.rawWindow;
        }
        RecordMeasurements r;
        r.sequence = sequence;
        r.samples = static_cast<std::size_t>(end - first);
        r.recordLength = config.recordLength;
        rawScratch.resize(r.samples);
        valueScratch.resize(r.samples);
        for (std::size_t i = 0; i < shown.size(); ++i) {
            if (!shown[i].rawSamples(first, end, rawScratch))
                return; // not all held (e.g. the capture began at a restart): skip this one
            const dsp::Calibration cal = config.channels[i].calibration;
            for (std::size_t k = 0; k < r.samples; ++k)
                valueScratch[k] = static_cast<float>(cal.toPhysical(rawScratch[k]));
            r.channels.push_back(measureWholePeriods(valueScratch, config.sampleRate));
        }
        measuredTimer.start();
        measuredNow = std::move(r);
    }

    // `timed`: captureMs/captureCpuMs hold this capture's cost (see process()).
    void completeCapture(bool timed)
    {
        std::swap(filling, shown);
        haveShown = true;
        shownTrigger = triggerPos;
        shownForced = forced;
        ++sequence;
        measureShown();
        capturing = false;
        if (timed) {
            lastCaptureMs = captureMs;
            lastCaptureCpuMs = captureCpuMs;
        }
        captureMs = 0.0;
        captureCpuMs = 0.0;
        for (auto &p : filling)
            p.reset(next);
        trigger.resync();
        machine.captureDone(next);
        if (machine.waiting())
            machine.arm(next + pre);
    }

    std::shared_ptr<PlotSnapshot> build(const ViewRange &view, int columns) const
    {
        auto s = std::make_shared<PlotSnapshot>();
        s->sequence = sequence;
        s->columns = std::max(columns, 1);
        s->t0 = view.t0;
        s->dt = (view.t1 - view.t0) / s->columns;
        const double rate = config.sampleRate;
        const auto trig = static_cast<std::uint64_t>(std::ceil(shownTrigger));
        const std::uint64_t recFirst = trig - std::min<std::uint64_t>(trig, pre);
        const std::uint64_t recEnd = trig + post;
        s->recordT0 = (static_cast<double>(recFirst) - shownTrigger) / rate;
        s->recordT1 = (static_cast<double>(recEnd) - shownTrigger) / rate;
        s->forced = shownForced;
        const double first = shownTrigger + view.t0 * rate;
        const double spc = s->dt * rate;
        std::vector<dsp::MinMax> mm(static_cast<std::size_t>(s->columns));
        for (std::size_t i = 0; i < config.channels.size(); ++i) {
            const ProducerChannel &ch = config.channels[i];
            PlotTrace tr;
            tr.label = ch.label;
            tr.unit = ch.unit;
            tr.min.assign(mm.size(), PlotSnapshot::kNoData);
            tr.max.assign(mm.size(), PlotSnapshot::kNoData);
            shown[i].columns(first, spc, mm);
            for (std::size_t c = 0; c < mm.size(); ++c) {
                const double centre = first + (static_cast<double>(c) + 0.5) * spc;
                if (mm[c].empty() || centre < static_cast<double>(recFirst) - 0.5
                    || centre >= static_cast<double>(recEnd) - 0.5)
                    continue;
                const double a = ch.calibration.toPhysical(mm[c].min);
                const double b = ch.calibration.toPhysical(mm[c].max);
                tr.min[c] = static_cast<float>(std::min(a, b));
                tr.max[c] = static_cast<float>(std::max(a, b));
            }
            // Zoomed in to a few samples per column or less: hand over the samples themselves.
            if (spc < 2.0) {
                const double lastD = first + s->columns * spc;
                const auto a = static_cast<std::uint64_t>(std::max(std::floor(first) - 1.0, static_cast<double>(recFirst)));
                const auto b = static_cast<std::uint64_t>(std::min(std::ceil(lastD) + 2.0, static_cast<double>(recEnd)));
                if (b > a) {
                    std::vector<std::int32_t> raw(b - a);
                    if (shown[i].rawSamples(a, b, raw)) {
                        tr.samples.resize(raw.size());
                        for (std::size_t k = 0; k < raw.size(); ++k)
                            tr.samples[k] = static_cast<float>(ch.calibration.toPhysical(raw[k]));
                        tr.sampleT0 = (static_cast<double>(a) - shownTrigger) / rate;
                        tr.sampleDt = 1.0 / rate;
                    }
                }
            }
            s->traces.push_back(std::move(tr));
        }
        return s;
    }
};

dsp::Measurements measureWholePeriods(std::span<const float> samples, double sampleRate)
{
    dsp::Measurements m = dsp::measure(samples, 1.0 / sampleRate);
    if (m.period && *m.period > 0) {
        const double perPeriod = *m.period * sampleRate;
        const double periods = std::floor(static_cast<double>(samples.size()) / perPeriod);
        const auto whole = static_cast<std::size_t>(std::llround(periods * perPeriod));
        if (periods >= 1 && whole >= 2 && whole <= samples.size()) {
            // mean and RMS as dsp::measure() defines them, over the whole periods only
            double sum = 0.0, squares = 0.0;
            for (const float x : samples.first(whole)) {
                sum += x;
                squares += static_cast<double>(x) * x;
            }
            m.mean = sum / static_cast<double>(whole);
            m.rms = std::sqrt(squares / static_cast<double>(whole));
        }
    }
    return m;
}

FrameBlock frameBlockFrom(BlockRef block)
{
    FrameBlock f;
    if (!block)
        return f;
    f.data = reinterpret_cast<const std::byte *>(block->data);
    f.frames = block->frames();
    f.firstSample = block->firstSample;
    f.discontinuity = block->discontinuity;
    f.owner = std::make_shared<BlockRef>(std::move(block));
    return f;
}

ProducerChannel producerChannelFrom(const ChannelLayout &channel, double unitScale,
                                    const QString &unit)
{
    ProducerChannel c;
    c.label = QString::fromStdString(channel.label.empty() ? channel.id : channel.label);
    c.unit = unit;
    c.byteOffset = channel.byteOffset;
    c.format = dsp::SampleFormat::from(channel.type);
    c.calibration = dsp::Calibration{channel.scale * unitScale, channel.offset};
    return c;
}

SnapshotProducer::SnapshotProducer(QObject *parent)
    : QObject(parent), worker_(std::make_unique<Worker>())
{
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "dmascope-snap"); // for top -H and the benchmark
        run();
    });
}

SnapshotProducer::~SnapshotProducer()
{
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

bool SnapshotProducer::configure(const ProducerConfig &config)
{
    if (config.channels.empty() || config.frameBytes == 0 || !(config.sampleRate > 0.0)
        || config.recordLength == 0 || config.trigger.channel < 0
        || static_cast<std::size_t>(config.trigger.channel) >= config.channels.size())
        return false;
    for (const ProducerChannel &c : config.channels) {
        if (!c.format.valid() || c.byteOffset + c.format.storageBytes() > config.frameBytes
            || c.calibration.scale == 0.0)
            return false;
    }
    {
        std::lock_guard lock(mutex_);
        newConfig_ = std::make_unique<ProducerConfig>(config);
        maxQueued_ = std::max<std::size_t>(config.maxQueuedBlocks, 1);
        measured_ = {}; // measurements of the old channels (the worker clears it again on applying)
        queue_.clear(); // blocks laid out for the old configuration
    }
    wake_.notify_all();
    return true;
}

void SnapshotProducer::setView(const ViewRange &view, int columns)
{
    {
        std::lock_guard lock(mutex_);
        view_ = view;
        columns_ = columns;
        viewDirty_ = true;
    }
    wake_.notify_all();
}

void SnapshotProducer::arm()
{
    {
        std::lock_guard lock(mutex_);
        armRequest_ = true;
    }
    wake_.notify_all();
}

bool SnapshotProducer::submit(FrameBlock block)
{
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= maxQueued_) {
            ++stats_.droppedBlocks;
            return false;
        }
        queue_.push_back(std::move(block));
    }
    wake_.notify_all();
    return true;
}

std::shared_ptr<const PlotSnapshot> SnapshotProducer::takeLatest()
{
    std::lock_guard lock(mutex_);
    notified_.store(false);
    return std::exchange(latest_, nullptr);
}

RecordMeasurements SnapshotProducer::measurements() const
{
    std::lock_guard lock(mutex_);
    return measured_;
}

SnapshotProducer::Stats SnapshotProducer::stats() const
{
    std::lock_guard lock(mutex_);
    return stats_;
}

void SnapshotProducer::waitIdle()
{
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] {
        return queue_.empty() && !busy_ && !newConfig_ && !viewDirty_ && !armRequest_;
    });
}

void SnapshotProducer::run()
{
    Worker &w = *worker_;
    std::deque<FrameBlock> blocks;
    for (;;) {
        std::unique_ptr<ProducerConfig> config;
        bool viewChanged = false;
        bool armNow = false;
        ViewRange view;
        int columns = 0;
        {
            std::unique_lock lock(mutex_);
            busy_ = false;
            idle_.notify_all();
            wake_.wait(lock, [this] {
                return stop_ || !queue_.empty() || newConfig_ || viewDirty_ || armRequest_;
            });
            if (stop_)
                return;
            busy_ = true;
            config = std::move(newConfig_);
            blocks.swap(queue_);
            viewChanged = std::exchange(viewDirty_, false);
            armNow = std::exchange(armRequest_, false);
            view = view_;
            columns = columns_;
        }
        if (config) {
            w.applyConfig(*config);
            std::lock_guard lock(mutex_);
            measured_ = {}; // the old configuration's channels
        }
        if (armNow && w.configured) {
            w.machine.arm(w.next);
            w.restart(w.next);
        }
        bool completed = false;
        std::uint64_t restarts = 0;
        while (!blocks.empty()) {
            if (w.configured) {
                if (w.started && (blocks.front().firstSample != w.next || blocks.front().discontinuity))
                    ++restarts;
                completed |= w.process(blocks.front());
            }
            blocks.pop_front(); // releases the block's memory to the stream
        }
        if (w.measuredNow) {
            std::lock_guard lock(mutex_);
            // A configure() since these blocks were taken: the capture is of the old set-up,
            // and measurements() promises the new one's (the GUI restarts statistics there).
            if (!newConfig_)
                measured_ = std::move(*w.measuredNow);
            w.measuredNow.reset();
        }
        if (!w.haveShown || columns <= 0 || (!completed && !viewChanged && !config)) {
            std::lock_guard lock(mutex_);
            stats_.restarts += restarts;
            continue;
        }
        QElapsedTimer timer;
        timer.start();
        std::shared_ptr<const PlotSnapshot> snap = w.build(view, columns);
        const double buildMs = elapsedMs(timer);
        {
            std::lock_guard lock(mutex_);
            latest_ = std::move(snap);
            stats_.restarts += restarts;
            stats_.captures = w.sequence;
            stats_.lastCaptureMs = w.lastCaptureMs;
            stats_.lastCaptureCpuMs = w.lastCaptureCpuMs;
            stats_.lastSnapshotMs = buildMs;
        }
        if (!notified_.exchange(true))
            emit snapshotReady();
    }
}

} // namespace dmascope::ui

// Turns streamed blocks into PlotSnapshots on its own worker thread: triggers, condenses every
// channel into a min/max pyramid as blocks arrive (so blocks are released at once, whatever the
// record length), and when a capture is complete builds the per-column snapshot for the plot's
// current view. View changes (zoom/pan/resize) rebuild the snapshot from the last capture's
// pyramids in O(columns), without new data.
//
// Threads: submit() may be called from any thread (the stream consumer); configure(), setView(),
// arm() and takeLatest() from any thread too (normally the GUI). snapshotReady() is emitted from
// the worker, at most once until takeLatest() collects it, so the GUI event queue never fills
// with stale notifications; the newest snapshot replaces an uncollected older one.
//
// Lossy by design (ARCHITECTURE §4): at most maxQueuedBlocks wait; further blocks are dropped
// and counted, and the resulting gap restarts the capture being assembled.
//
// Measurements over the whole record: with `measure` on, the raw window is widened to the record
// (up to maxMeasuredSamples per channel) and kept up to the record's end, so that at completion
// the worker has every sample of the capture; at most once per measureInterval it runs
// dsp::measure() over them per channel. The result is kept beside the snapshot
// (measurements()) so that a consumer polling it sees every measured capture once.
#pragma once

#include "dmascope/block.h"
#include "dmascope/dsp/measurements.h"
#include "dmascope/dsp/sample_format.h"
#include "dmascope/dsp/trigger.h"
#include "dmascope/ui/plot_snapshot.h"
#include "dmascope/ui/ui_export.h"

#include <QObject>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace dmascope::ui {

// A run of interleaved frames. `owner` keeps the memory alive while the block waits and is
// processed (e.g. a copy of the stream's reference-counted Block); it is dropped right after.
struct FrameBlock
{
    std::shared_ptr<const void> owner;
    const std::byte *data = nullptr;
    std::size_t frames = 0;
    std::uint64_t firstSample = 0; // number of the first frame in the stream
    bool discontinuity = false;    // samples were lost before it: restart the capture
};

struct ProducerChannel
{
    QString label;
    QString unit = QStringLiteral("V");
    std::size_t byteOffset = 0;
    dsp::SampleFormat format;
    dsp::Calibration calibration; // raw -> unit
};

struct ProducerTrigger
{
    int channel = 0;
    dsp::Edge edge = dsp::Edge::Rising;
    double level = 0.0;      // in the channel's unit
    double hysteresis = 0.0; // in the channel's unit
    double holdoff = 0.0;    // seconds
    dsp::TriggerMode mode = dsp::TriggerMode::Auto;
    double autoTimeout = 0.1; // seconds without an edge before Auto free-runs
};

struct ProducerConfig
{
    std::vector<ProducerChannel> channels;
    std::size_t frameBytes = 0;
    double sampleRate = 1.0;         // frames per second
    std::size_t recordLength = 1024; // samples per channel per capture
    double preTrigger = 0.5;         // fraction of the record before the trigger point
    ProducerTrigger trigger;
    std::size_t rawWindow = 65536;   // full-resolution samples kept around the trigger
    std::size_t maxQueuedBlocks = 4;
    bool measure = false;
    double measureInterval = 0.2;               // seconds between measured captures (0: all)
    std::size_t maxMeasuredSamples = 1u << 20;  // longer records: this much around the trigger
};

// Measurements of one capture, per producer channel, in the channels' units.
struct RecordMeasurements
{
    std::uint64_t sequence = 0; // the capture's PlotSnapshot::sequence; 0: nothing measured yet
    std::size_t samples = 0;    // samples per channel measured
    std::size_t recordLength = 0;
    std::vector<dsp::Measurements> channels;
};

// Measurements of one channel's samples, with mean and RMS over a whole number of periods when
// the signal is periodic (so a partial period at the window's end does not bias them).
DMASCOPE_UI_EXPORT dsp::Measurements measureWholePeriods(std::span<const float> samples,
                                                        double sampleRate);

// Adapters from the stream engine's types. The FrameBlock holds the BlockRef (so the buffer goes
// back to the stream when the producer has condensed it); `unitScale` converts the channel's
// IIO unit to the displayed one (1e-3 for voltage channels: IIO reports mV).
DMASCOPE_UI_EXPORT FrameBlock frameBlockFrom(BlockRef block);
DMASCOPE_UI_EXPORT ProducerChannel producerChannelFrom(const ChannelLayout &channel,
                                                      double unitScale = 1e-3,
                                                      const QString &unit = QStringLiteral("V"));

class DMASCOPE_UI_EXPORT SnapshotProducer : public QObject
{
    Q_OBJECT
public:
    struct Stats
    {
        std::uint64_t captures = 0;
        std::uint64_t droppedBlocks = 0;
        std::uint64_t restarts = 0;  // captures abandoned at a gap in the sample numbers
        double lastCaptureMs = 0.0;  // worker time to trigger + condense the last capture
        double lastCaptureCpuMs = 0.0; // the same in worker-thread CPU time (robust to load)
        double lastSnapshotMs = 0.0; // worker time to build the last snapshot from the pyramids
    };

    explicit SnapshotProducer(QObject *parent = nullptr);
    ~SnapshotProducer() override;

    // Returns false (and keeps the old configuration) if a channel format is not supported or
    // the trigger channel does not exist. Restarts capturing.
    bool configure(const ProducerConfig &config);
    void setView(const ViewRange &view, int columns);
    void arm(); // Single mode: wait for the next trigger
    bool submit(FrameBlock block);

    std::shared_ptr<const PlotSnapshot> takeLatest();
    // The newest measured capture of the current configuration (does not consume it).
    RecordMeasurements measurements() const;
    Stats stats() const;
    // Blocks until every block submitted so far has been processed (tests, benchmarks).
    void waitIdle();

signals:
    void snapshotReady();

private:
    struct Worker;
    void run();

    // Everything below is guarded by mutex_ (the worker's own state lives in Worker).
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<FrameBlock> queue_;
    std::unique_ptr<ProducerConfig> newConfig_;
    ViewRange view_;
    int columns_ = 0;
    bool viewDirty_ = false;
    bool armRequest_ = false;
    bool busy_ = false;
    bool stop_ = false;
    std::size_t maxQueued_ = 4;
    std::shared_ptr<const PlotSnapshot> latest_;
    RecordMeasurements measured_;
    Stats stats_;

    std::atomic<bool> notified_{false};
    std::unique_ptr<Worker> worker_; // touched only by the worker thread after construction
    std::thread thread_;
};

} // namespace dmascope::ui

// The Spectrum analyzer's consumer thread: pops the stream's lossy subscription, converts each
// block straight from the mapped memory into the FFT engines' frames (SpectrumFeed), runs the
// FFTs, and at most once per frame interval turns the averaged spectra into an immutable
// SpectrumSnapshot for the GUI; a few times a second it also measures the single-tone figures.
// It never touches widgets: snapshots are taken by the GUI thread (takeLatest, through a
// FramePacer) and everything else arrives as queued signals.
//
// Lossy by design: while an FFT runs, newer blocks replace older ones in the subscription. A
// frame never spans such a gap: on a discontinuity the partial frame is dropped (the average is
// kept), so every spectrum is of contiguous samples.
#pragma once

#include "spectrum_settings.h"

#include "dmascope/dsp/tone_metrics.h"
#include "dmascope/ui/spectrum_snapshot.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace dmascope {
class Subscription;
struct ScanLayout;
} // namespace dmascope

namespace dmascope::spectrum {

struct FeederConfig
{
    std::shared_ptr<const ScanLayout> layout; // blocks of another layout are skipped
    double sampleRate = 1;
    std::vector<TraceSource> traces;
    SpectrumSettings settings;
};

struct TraceMetrics
{
    std::size_t trace = 0;
    std::optional<dsp::ToneMetrics> metrics;
    QString error; // why there are none (complex trace, no tone)
};

class SpectrumFeeder final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMeasureIntervalMs = 200;

    struct Stats
    {
        std::uint64_t blocks = 0;     // blocks converted
        std::uint64_t frames = 0;     // frames (samples per channel) in those blocks
        std::uint64_t spectra = 0;    // FFTs computed (all traces)
        std::uint64_t snapshots = 0;  // snapshots published
        std::uint64_t restarts = 0;   // frames dropped at a gap
        double fftSeconds = 0;        // inside FFTW (all traces)
        double otherSeconds = 0;      // engine work outside FFTW
        double cpuSeconds = 0;        // the feeder thread's CPU time since configured
    };

    explicit SpectrumFeeder(std::shared_ptr<Subscription> subscription, QObject *parent = nullptr);
    ~SpectrumFeeder() override;

    void start();
    void stop();

    // Applied by the worker before the next block (FFTW planning happens there, not on the
    // GUI thread). Restarts averaging.
    void configure(FeederConfig config);
    void resetAverage() { resetRequest_.store(true); }
    // Minimum time between two snapshots (the screen's frame period).
    void setSnapshotInterval(int ms) { snapshotMs_.store(ms); }
    void setPaused(bool paused) { paused_.store(paused); }
    bool paused() const { return paused_.load(); }

    // The newest snapshot not yet taken, or null.
    std::shared_ptr<const ui::SpectrumSnapshot> takeLatest();
    Stats stats() const;

signals:
    // Queued to the GUI thread.
    void layoutChanged(std::shared_ptr<const dmascope::ScanLayout> layout);
    void spectrumReady(); // at most once until takeLatest()
    void measured(const std::vector<dmascope::spectrum::TraceMetrics> &results);
    void configFailed(const QString &error);
    void ended(const QString &reason);

private:
    struct Worker;
    void run();

    std::shared_ptr<Subscription> subscription_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> paused_{false};
    std::atomic<bool> resetRequest_{false};
    std::atomic<int> snapshotMs_{16};
    std::atomic<bool> notified_{false};

    mutable std::mutex mutex_;
    std::optional<FeederConfig> pending_;                 // guarded by mutex_
    std::shared_ptr<const ui::SpectrumSnapshot> latest_; // guarded by mutex_
    Stats stats_;                                         // guarded by mutex_
};

} // namespace dmascope::spectrum

Q_DECLARE_METATYPE(std::vector<dmascope::spectrum::TraceMetrics>)

// The oscilloscope's consumer thread: pops the stream's lossy subscription and hands each block to
// the SnapshotProducer (which triggers, condenses and measures it on its own worker). It never
// touches widgets: layout changes reach the GUI thread as queued signals, and the producer's
// snapshots go through the FramePacer.
#pragma once

#include <QObject>

#include <atomic>
#include <memory>
#include <thread>

namespace dmascope {
class Subscription;
struct ScanLayout;
} // namespace dmascope

namespace dmascope::ui {
class SnapshotProducer;
}

namespace dmascope::scope {

class ScopeFeeder final : public QObject
{
    Q_OBJECT

public:
    // `producer` must outlive the feeder (stop() joins the thread).
    ScopeFeeder(std::shared_ptr<Subscription> subscription, ui::SnapshotProducer *producer,
                QObject *parent = nullptr);
    ~ScopeFeeder() override;

    void start();
    void stop();

    // While paused the blocks are popped (and so released at once) but not displayed.
    void setPaused(bool paused) { paused_.store(paused, std::memory_order_relaxed); }
    bool paused() const { return paused_.load(std::memory_order_relaxed); }
    // The producer is configured for this layout (set by the GUI after layoutChanged).
    void setConfiguredLayout(std::shared_ptr<const ScanLayout> layout);

    std::uint64_t blocksSubmitted() const { return submitted_.load(std::memory_order_relaxed); }

signals:
    // Queued to the GUI thread.
    void layoutChanged(std::shared_ptr<const dmascope::ScanLayout> layout);
    void ended(const QString &reason);

private:
    void run();

    std::shared_ptr<Subscription> subscription_;
    ui::SnapshotProducer *producer_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> paused_{false};
    std::atomic<std::uint64_t> submitted_{0};
    // Written by the GUI thread, read by the feeder: the layout the producer is configured for.
    std::atomic<std::shared_ptr<const ScanLayout>> configured_;
};

} // namespace dmascope::scope

Q_DECLARE_METATYPE(std::shared_ptr<const dmascope::ScanLayout>)

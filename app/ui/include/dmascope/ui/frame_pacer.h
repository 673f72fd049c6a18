// Connects a SnapshotProducer to a plot: the plot's view goes to the producer, and new
// snapshots go to the plot at most once per screen refresh. A notification arriving within a
// frame of the last repaint is deferred to the frame boundary; several arriving meanwhile
// collapse into one (only the newest snapshot is taken), so the GUI never queues stale frames.
#pragma once

#include "dmascope/ui/ui_export.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class QWidget;

namespace dmascope::ui {

class AbstractTimePlot;
class SnapshotProducer;

class DMASCOPE_UI_EXPORT FramePacer : public QObject
{
    Q_OBJECT
public:
    // Both must outlive the pacer (make it a child of the plot).
    FramePacer(SnapshotProducer *producer, AbstractTimePlot *plot, QObject *parent = nullptr);
    // The same pacing for any producer: connect its "something new" signal to notify()
    // (queued), and `deliver` takes the newest result and shows it, returning false when there
    // was none. `screenOf` gives the refresh rate.
    FramePacer(std::function<bool()> deliver, QWidget *screenOf, QObject *parent = nullptr);

    // Something new is ready: deliver it at the next frame boundary.
    void notify();

    // Minimum time between two snapshots handed to the plot; defaults to the plot's screen
    // refresh period (16.7 ms at 60 Hz).
    void setFrameInterval(int ms);
    int frameInterval() const { return intervalMs_; }
    quint64 framesDelivered() const { return frames_; }

private:
    void init(QWidget *screenOf);
    void deliver();

    std::function<bool()> deliver_;
    QTimer timer_;
    QElapsedTimer sinceLast_;
    int intervalMs_ = 16;
    quint64 frames_ = 0;
};

} // namespace dmascope::ui

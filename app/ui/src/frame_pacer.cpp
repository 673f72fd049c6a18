#include "dmascope/ui/frame_pacer.h"

#include "dmascope/ui/abstract_time_plot.h"
#include "dmascope/ui/snapshot_producer.h"

#include <QScreen>

#include <algorithm>
#include <cmath>

namespace dmascope::ui {

FramePacer::FramePacer(SnapshotProducer *producer, AbstractTimePlot *plot, QObject *parent)
    : QObject(parent)
{
    deliver_ = [producer, plot] {
        auto s = producer->takeLatest();
        if (!s)
            return false;
        plot->setSnapshot(std::move(s));
        return true;
    };
    init(plot);
    connect(producer, &SnapshotProducer::snapshotReady, this, &FramePacer::notify,
            Qt::QueuedConnection);
    connect(plot, &AbstractTimePlot::viewChanged, this,
            [producer](const ViewRange &view, int columns) { producer->setView(view, columns); });
    producer->setView(plot->view(), plot->traceColumns());
}

FramePacer::FramePacer(std::function<bool()> deliver, QWidget *screenOf, QObject *parent)
    : QObject(parent), deliver_(std::move(deliver))
{
    init(screenOf);
}

void FramePacer::init(QWidget *screenOf)
{
    if (QScreen *screen = screenOf ? screenOf->screen() : nullptr;
        screen && screen->refreshRate() > 1.0)
        intervalMs_ = static_cast<int>(std::floor(1000.0 / screen->refreshRate()));
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &FramePacer::deliver);
}

void FramePacer::setFrameInterval(int ms)
{
    intervalMs_ = std::max(ms, 0);
}

void FramePacer::notify()
{
    if (timer_.isActive())
        return; // already scheduled: that delivery takes the newest snapshot
    const qint64 since = sinceLast_.isValid() ? sinceLast_.elapsed() : intervalMs_;
    timer_.start(static_cast<int>(std::max<qint64>(0, intervalMs_ - since)));
}

void FramePacer::deliver()
{
    if (deliver_()) {
        sinceLast_.restart();
        ++frames_;
    }
}

} // namespace dmascope::ui

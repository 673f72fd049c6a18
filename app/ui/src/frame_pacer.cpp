#include "dmascope/ui/frame_pacer.h"

#include "dmascope/ui/abstract_time_plot.h"
#include "dmascope/ui/snapshot_producer.h"

#include <QScreen>

#include <algorithm>
#include <cmath>

namespace dmascope::ui {

FramePacer::FramePacer(SnapshotProducer *producer, AbstractTimePlot *plot, QObject *parent)
    : QObject(parent), producer_(producer), plot_(plot)
{
    if (QScreen *screen = plot->screen(); screen && screen->refreshRate() > 1.0)
        intervalMs_ = static_cast<int>(std::floor(1000.0 / screen->refreshRate()));
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &FramePacer::deliver);
    connect(producer, &SnapshotProducer::snapshotReady, this, &FramePacer::onReady,
            Qt::QueuedConnection);
    connect(plot, &AbstractTimePlot::viewChanged, this,
            [this](const ViewRange &view, int columns) { producer_->setView(view, columns); });
    producer->setView(plot->view(), plot->traceColumns());
}

void FramePacer::setFrameInterval(int ms)
{
    intervalMs_ = std::max(ms, 0);
}

void FramePacer::onReady()
{
    if (timer_.isActive())
        return; // already scheduled: that delivery takes the newest snapshot
    const qint64 since = sinceLast_.isValid() ? sinceLast_.elapsed() : intervalMs_;
    timer_.start(static_cast<int>(std::max<qint64>(0, intervalMs_ - since)));
}

void FramePacer::deliver()
{
    if (auto s = producer_->takeLatest()) {
        plot_->setSnapshot(std::move(s));
        sinceLast_.restart();
        ++frames_;
    }
}

} // namespace dmascope::ui

#include "scope_feeder.h"

#include "dmascope/block.h"
#include "dmascope/scan_layout.h"
#include "dmascope/subscription.h"
#include "dmascope/ui/snapshot_producer.h"

#include <pthread.h>

namespace dmascope::scope {

ScopeFeeder::ScopeFeeder(std::shared_ptr<Subscription> subscription,
                         ui::SnapshotProducer *producer, QObject *parent)
    : QObject(parent), subscription_(std::move(subscription)), producer_(producer)
{
    qRegisterMetaType<std::shared_ptr<const dmascope::ScanLayout>>();
}

ScopeFeeder::~ScopeFeeder()
{
    stop();
}

void ScopeFeeder::start()
{
    if (thread_.joinable())
        return;
    stop_.store(false);
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "scope-feeder"); // for top -H and the benchmark
        run();
    });
}

void ScopeFeeder::stop()
{
    stop_.store(true);
    if (thread_.joinable())
        thread_.join();
}

void ScopeFeeder::setConfiguredLayout(std::shared_ptr<const ScanLayout> layout)
{
    configured_.store(std::move(layout));
}

void ScopeFeeder::run()
{
    std::shared_ptr<const ScanLayout> announced;
    while (!stop_.load()) {
        // A bounded wait so stop() is noticed promptly even when the stream is silent.
        std::optional<Delivery> d = subscription_->pop(50);
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
        // Blocks laid out differently from what the producer expects would be misread.
        if (paused_.load(std::memory_order_relaxed) || configured_.load() != b.layout)
            continue;

        ui::FrameBlock fb;
        fb.data = reinterpret_cast<const std::byte *>(b.data);
        fb.frames = b.frames();
        fb.firstSample = b.firstSample;
        fb.owner = std::make_shared<BlockRef>(d->block); // released once condensed
        if (producer_->submit(std::move(fb)))
            submitted_.fetch_add(1, std::memory_order_relaxed);
    }
}

} // namespace dmascope::scope

#include "scope_feeder.h"

#include "scope_settings.h"

#include "dmascope/block.h"
#include "dmascope/scan_layout.h"
#include "dmascope/subscription.h"
#include "dmascope/ui/snapshot_producer.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <span>

namespace dmascope::scope {

ScopeFeeder::ScopeFeeder(std::shared_ptr<Subscription> subscription,
                         ui::SnapshotProducer *producer, QObject *parent)
    : QObject(parent), subscription_(std::move(subscription)), producer_(producer)
{
    qRegisterMetaType<std::shared_ptr<const dmascope::ScanLayout>>();
    qRegisterMetaType<std::vector<dmascope::scope::ChannelMeasurement>>();
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
    thread_ = std::thread([this] { run(); });
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
    QElapsedTimer sinceMeasure;
    sinceMeasure.start();
    std::vector<float> scratch;
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

        const double rate = sampleRate_.load(std::memory_order_relaxed);
        if (sinceMeasure.elapsed() < kMeasureIntervalMs || !(rate > 0))
            continue;
        sinceMeasure.restart();
        const std::size_t n = std::min(b.frames(), kMaxMeasuredSamples);
        scratch.resize(n);
        std::vector<ChannelMeasurement> results;
        for (std::size_t i = 0; i < b.layout->channels.size(); ++i) {
            const ChannelLayout &ch = b.layout->channels[i];
            if (ch.type.storageBits > 32 || ch.type.repeat != 1)
                continue; // timestamps
            extractPhysical(ch, b.layout->frameBytes, b.data, n, scratch.data());
            const auto unit = static_cast<float>(unitScale(ch));
            for (float &v : scratch)
                v *= unit;
            dsp::Measurements m = dsp::measure(scratch, 1.0 / rate);
            // Mean and RMS over a whole number of periods, so a partial period at the end of
            // the block does not bias them (the block length is unrelated to the signal).
            if (m.period && *m.period > 0) {
                const double perPeriod = *m.period * rate;
                const double periods = std::floor(static_cast<double>(n) / perPeriod);
                const auto whole = static_cast<std::size_t>(std::llround(periods * perPeriod));
                if (periods >= 1 && whole >= 2 && whole <= n) {
                    const dsp::Measurements w =
                        dsp::measure(std::span<const float>(scratch.data(), whole), 1.0 / rate);
                    m.mean = w.mean;
                    m.rms = w.rms;
                }
            }
            results.push_back({i, m});
        }
        emit measured(results);
    }
}

} // namespace dmascope::scope

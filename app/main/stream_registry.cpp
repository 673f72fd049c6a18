#include "stream_registry.h"

#include "dmascope/stream.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <bit>
#include <exception>

namespace dmascope::app {

StreamRegistry::StreamRegistry(Factory factory, QObject *parent)
    : QObject(parent), factory_(std::move(factory))
{
}

StreamRegistry::~StreamRegistry() = default;

StreamConfig StreamRegistry::configFor(const plugin::DeviceDescription &device)
{
    StreamConfig c;
    const double perBlock = device.sampleRate > 0 ? device.sampleRate / 100.0 : 4096.0;
    const auto want = static_cast<std::size_t>(perBlock);
    c.samplesPerBlock = std::max<std::size_t>(1024, std::bit_ceil(want));
    c.samplesPerBlock = std::min<std::size_t>(c.samplesPerBlock, std::size_t(1) << 20);
    // In flight in the kernel plus what the display and a recorder hold (ARCHITECTURE §4).
    c.blockCount = 16;
    return c;
}

std::shared_ptr<Stream> StreamRegistry::open(const plugin::DeviceDescription &device,
                                             QString *error)
{
    const QString key = device.key();
    Entry &entry = entries_[key];
    if (auto existing = entry.stream.lock())
        return existing;

    std::shared_ptr<Stream> stream;
    try {
        stream = std::shared_ptr<Stream>(factory_(device));
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromLocal8Bit(e.what());
        return nullptr;
    }
    if (!stream) {
        if (error)
            *error = QStringLiteral("%1 cannot stream").arg(device.displayName());
        return nullptr;
    }
    entry.stream = stream;
    entry.startError.clear();

    // The worker holds its own reference, so the stream outlives a start that is still running
    // when the last instrument closes; start() and the destructor never overlap.
    const StreamConfig config = configFor(device);
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, key] {
        const QString failure = watcher->result();
        watcher->deleteLater();
        if (failure.isEmpty())
            return;
        auto it = entries_.find(key);
        if (it != entries_.end())
            it->second.startError = failure;
        emit startFailed(key, failure);
    });
    watcher->setFuture(QtConcurrent::run([stream, config]() -> QString {
        try {
            stream->start(config);
            return {};
        } catch (const std::exception &e) {
            return QString::fromLocal8Bit(e.what());
        }
    }));
    return stream;
}

std::shared_ptr<Stream> StreamRegistry::find(const QString &deviceKey) const
{
    const auto it = entries_.find(deviceKey);
    return it == entries_.end() ? nullptr : it->second.stream.lock();
}

QString StreamRegistry::startError(const QString &deviceKey) const
{
    const auto it = entries_.find(deviceKey);
    return it == entries_.end() ? QString() : it->second.startError;
}

} // namespace dmascope::app

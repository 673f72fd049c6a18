// The app's streams: one per device, shared by every instrument on it and stopped when the last
// one lets go. Streams are created by a factory (the open context's createStream, in the app)
// and started on a worker thread, because starting a remote stream is a network round trip and
// the GUI thread never waits for a device.
#pragma once

#include "dmascope/plugin/device_description.h"

#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <memory>

namespace dmascope {
class Stream;
struct StreamConfig;
} // namespace dmascope

namespace dmascope::app {

class StreamRegistry : public QObject
{
    Q_OBJECT

public:
    // Creates an unstarted stream for a device; throws std::exception with a message for the
    // user when the device cannot stream.
    using Factory = std::function<std::unique_ptr<Stream>(const plugin::DeviceDescription &)>;

    explicit StreamRegistry(Factory factory, QObject *parent = nullptr);
    ~StreamRegistry() override;

    // The device's stream, created and started (asynchronously) on first use. nullptr and
    // *error when the factory refuses the device.
    std::shared_ptr<Stream> open(const plugin::DeviceDescription &device, QString *error);

    // The stream of the device with this key if anyone still holds it.
    std::shared_ptr<Stream> find(const QString &deviceKey) const;
    // Why starting the device's stream failed; empty while it starts or runs.
    QString startError(const QString &deviceKey) const;

    // Block size and count for a device: blocks of ~10 ms (at least 1024 frames, a power of two)
    // so the display sees ~100 updates/s while the per-block overhead stays small.
    static StreamConfig configFor(const plugin::DeviceDescription &device);

signals:
    void startFailed(const QString &deviceKey, const QString &error);

private:
    struct Entry
    {
        std::weak_ptr<Stream> stream;
        QString startError;
    };

    Factory factory_;
    std::map<QString, Entry> entries_; // GUI thread only
};

} // namespace dmascope::app

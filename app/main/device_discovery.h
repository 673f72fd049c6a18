// Opening a context and describing its devices for the browser and the plugins. It talks to
// libiio (network round trips for ip:, sysfs reads for local:), so the app runs it on a worker
// thread (discoverAsync) and the GUI thread receives the finished result, including the open
// context, which it then owns (a Context is used from one thread at a time).
#pragma once

#include "dmascope/plugin/device_description.h"

#include <QFuture>
#include <QList>
#include <QString>

#include <memory>

namespace dmascope {
class Context;
struct DeviceInfo;
} // namespace dmascope

namespace dmascope::app {

struct DiscoveryResult
{
    QString uri;
    QString description; // the context's, one line; empty on error
    QString error;       // why the context could not be opened; empty on success
    QList<plugin::DeviceDescription> devices;
    // The open context, for creating streams (cheap: streams connect when they start).
    std::shared_ptr<Context> context;
};

// The plugin-facing description of one device of an open context. Reads sampling_frequency
// when the device has it (errors there only leave sampleRate at 0).
plugin::DeviceDescription describeDevice(const Context &context, const DeviceInfo &device);

// Opens `uri` and describes its devices.
// Never throws: failures end up in DiscoveryResult::error. Blocks; use discoverAsync from the GUI.
DiscoveryResult discover(const QString &uri);
QFuture<DiscoveryResult> discoverAsync(const QString &uri);

} // namespace dmascope::app

#include "device_discovery.h"

#include "dmascope/context.h"
#include "dmascope/device_info.h"

#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace dmascope::app {

using plugin::ChannelDescription;
using plugin::DeviceDescription;

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString kindOf(const DeviceInfo &d)
{
    const bool hasInput = d.kind == DeviceKind::Input || d.kind == DeviceKind::Both;
    const bool hasOutput = d.kind == DeviceKind::Output || d.kind == DeviceKind::Both;
    // Only buffer-capable devices stream; an ADC without scan elements is "other" (attributes
    // only), which the explorer-style plugins list in their metadata.
    if (d.bufferCapable && hasInput)
        return QStringLiteral("adc");
    if (d.bufferCapable && hasOutput)
        return QStringLiteral("dac");
    return QStringLiteral("other");
}

DeviceDescription::Transport transportOf(ContextKind kind)
{
    switch (kind) {
    case ContextKind::Sim: return DeviceDescription::Transport::Demo;
    case ContextKind::Local: return DeviceDescription::Transport::Local;
    case ContextKind::Network:
    case ContextKind::Usb:
    case ContextKind::Xml: return DeviceDescription::Transport::Remote;
    }
    return DeviceDescription::Transport::Remote;
}

// Physical units follow the IIO ABI: voltage channels are in millivolts after scale, the app
// shows volts (conversion happens where samples become floats).
QString unitOf(const ChannelInfo &c)
{
    if (c.id.rfind("voltage", 0) == 0)
        return QStringLiteral("V");
    if (c.id.rfind("current", 0) == 0)
        return QStringLiteral("A");
    return {};
}

} // namespace

DeviceDescription describeDevice(const Context &context, const DeviceInfo &device)
{
    DeviceDescription d;
    d.uri = q(context.uri());
    d.id = q(device.id);
    d.name = q(device.displayName());
    d.kind = kindOf(device);
    d.transport = transportOf(context.kind());
    for (const ChannelInfo &c : device.channels) {
        if (c.id == "timestamp")
            continue; // not a signal anyone plots
        ChannelDescription ch;
        ch.id = q(c.id);
        ch.name = q(c.displayName());
        ch.unit = unitOf(c);
        ch.output = c.direction == ChannelDirection::Output;
        ch.scannable = c.scanElement;
        d.channels.append(ch);
    }
    const auto has = [&](const char *a) {
        for (const std::string &x : device.attributes)
            if (x == a)
                return true;
        return false;
    };
    if (has("sampling_frequency")) {
        try {
            AttributeRef ref;
            ref.device = device.id;
            ref.name = "sampling_frequency";
            d.sampleRate = std::stod(context.readAttribute(ref));
        } catch (const std::exception &) {
            d.sampleRate = 0; // unreadable is not fatal: the stream reports the real rate
        }
    }
    return d;
}

DiscoveryResult discover(const QString &uri)
{
    DiscoveryResult r;
    r.uri = uri;
    try {
        std::shared_ptr<Context> context = Context::open(uri.toStdString());
        r.uri = q(context->uri());
        r.description = q(context->description());
        for (const DeviceInfo &dev : context->devices())
            if (!dev.trigger)
                r.devices.append(describeDevice(*context, dev));
        r.context = std::move(context);
    } catch (const std::exception &e) {
        r.error = QString::fromLocal8Bit(e.what());
    }
    return r;
}

QFuture<DiscoveryResult> discoverAsync(const QString &uri)
{
    return QtConcurrent::run([uri] { return discover(uri); });
}

} // namespace dmascope::app

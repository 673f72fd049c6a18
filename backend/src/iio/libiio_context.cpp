#include "libiio_context.h"

#include "dmascope/dmabuf_stream.h"
#include "dmascope/not_found_error.h"
#include "dmascope/remote_stream.h"
#include "dmascope/system_error.h"

#include <iio.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>

namespace dmascope {

namespace {

// sysfs attributes are at most a page; remote ones are limited the same way by iiod.
constexpr std::size_t kAttrBufferSize = 16384;

} // namespace

iio_context *openLibiioContext(const std::string &uri)
{
    // libiio 0.24's network backend cuts ":PORT" off the string it is given, in place, despite
    // the const: hand it a scratch copy.
    std::string scratch = uri;
    errno = 0;
    iio_context *ctx = iio_create_context_from_uri(scratch.c_str());
    if (!ctx) {
        const int err = errno ? errno : EIO;
        std::string hint;
        if (err == ECONNREFUSED || err == ETIMEDOUT || err == EHOSTUNREACH)
            hint = "Is iiod running there and reachable?";
        else if (err == ENOENT && uri.rfind("local:", 0) == 0)
            hint = "This machine has no IIO devices (/sys/bus/iio/devices is empty or missing)";
        else if (err == EACCES || err == EPERM)
            hint = "Check the device permissions (udev rules) or run as root";
        throw SystemError(err, "cannot open IIO context '" + uri + "'", hint);
    }
    return ctx;
}

namespace {

std::string trimmed(const char *text, std::size_t len)
{
    std::string s(text, len);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\0'))
        s.pop_back();
    return s;
}

ChannelInfo describeChannel(iio_channel *chn)
{
    ChannelInfo ch;
    ch.id = iio_channel_get_id(chn);
    if (const char *name = iio_channel_get_name(chn))
        ch.name = name;
    ch.direction = iio_channel_is_output(chn) ? ChannelDirection::Output : ChannelDirection::Input;
    ch.scanElement = iio_channel_is_scan_element(chn);
    ch.index = ch.scanElement ? iio_channel_get_index(chn) : -1;
    if (ch.scanElement)
        ch.scanType = libiioScanType(chn);
    for (unsigned i = 0, n = iio_channel_get_attrs_count(chn); i < n; ++i)
        ch.attributes.emplace_back(iio_channel_get_attr(chn, i));

    char buf[256];
    if (ch.hasAttribute("label")) {
        const ssize_t r = iio_channel_attr_read(chn, "label", buf, sizeof buf);
        if (r > 0)
            ch.label = trimmed(buf, static_cast<std::size_t>(r));
    }
    const iio_data_format *fmt = iio_channel_get_data_format(chn);
    double value = 0;
    if (ch.hasAttribute("scale") && iio_channel_attr_read_double(chn, "scale", &value) == 0)
        ch.scale = value;
    else if (ch.scanElement && fmt->with_scale)
        ch.scale = fmt->scale;
    if (ch.hasAttribute("offset") && iio_channel_attr_read_double(chn, "offset", &value) == 0)
        ch.offset = value;
    return ch;
}

} // namespace

ScanType libiioScanType(const iio_channel *chn)
{
    const iio_data_format *fmt = iio_channel_get_data_format(chn);
    ScanType t;
    t.bigEndian = fmt->is_be;
    t.isSigned = fmt->is_signed;
    t.realBits = fmt->bits;
    t.storageBits = fmt->length;
    t.shift = fmt->shift;
    t.repeat = fmt->repeat ? fmt->repeat : 1;
    return t;
}

DeviceInfo describeLibiioDevice(iio_device *dev)
{
    DeviceInfo info;
    info.id = iio_device_get_id(dev);
    if (const char *name = iio_device_get_name(dev))
        info.name = name;
    if (const char *label = iio_device_get_label(dev))
        info.label = label;
    info.trigger = iio_device_is_trigger(dev);
    for (unsigned i = 0, n = iio_device_get_channels_count(dev); i < n; ++i) {
        info.channels.push_back(describeChannel(iio_device_get_channel(dev, i)));
        info.bufferCapable = info.bufferCapable || info.channels.back().scanElement;
    }
    info.kind = DeviceInfo::kindOf(info.channels);
    for (unsigned i = 0, n = iio_device_get_attrs_count(dev); i < n; ++i)
        info.attributes.emplace_back(iio_device_get_attr(dev, i));
    for (unsigned i = 0, n = iio_device_get_buffer_attrs_count(dev); i < n; ++i)
        info.bufferAttributes.emplace_back(iio_device_get_buffer_attr(dev, i));
    for (unsigned i = 0, n = iio_device_get_debug_attrs_count(dev); i < n; ++i)
        info.debugAttributes.emplace_back(iio_device_get_debug_attr(dev, i));
    return info;
}

namespace {
std::vector<DeviceInfo> describeDevices(iio_context *ctx)
{
    std::vector<DeviceInfo> devices;
    for (unsigned i = 0, n = iio_context_get_devices_count(ctx); i < n; ++i)
        devices.push_back(describeLibiioDevice(iio_context_get_device(ctx, i)));
    return devices;
}
} // namespace

LibiioContext::LibiioContext(const std::string &uri, ContextKind kind)
    : LibiioContext(openLibiioContext(uri), uri, kind)
{
}

LibiioContext::LibiioContext(iio_context *ctx, const std::string &uri, ContextKind kind)
try : Context(uri, kind, describeDevices(ctx)), ctx_(ctx) {
} catch (...) {
    iio_context_destroy(ctx);
    throw;
}

LibiioContext::~LibiioContext()
{
    iio_context_destroy(ctx_);
}

std::string LibiioContext::description() const
{
    const char *d = iio_context_get_description(ctx_);
    return d ? d : "";
}

std::vector<std::pair<std::string, std::string>> LibiioContext::attributes() const
{
    std::vector<std::pair<std::string, std::string>> out;
    for (unsigned i = 0, n = iio_context_get_attrs_count(ctx_); i < n; ++i) {
        const char *name = nullptr, *value = nullptr;
        if (iio_context_get_attr(ctx_, i, &name, &value) == 0)
            out.emplace_back(name, value ? value : "");
    }
    return out;
}

LibiioContext::Resolved LibiioContext::resolve(const AttributeRef &ref) const
{
    const auto [info, channel] = checkAttribute(ref);
    Resolved r;
    r.device = iio_context_find_device(ctx_, info->id.c_str());
    r.deviceName = info->name.empty() ? info->id : info->name;
    if (channel) {
        r.channel = iio_device_find_channel(r.device, channel->id.c_str(),
                                            channel->direction == ChannelDirection::Output);
        const char *file = iio_channel_attr_get_filename(r.channel, ref.name.c_str());
        r.fileName = attributeFileName(ref, file ? file : "");
    } else {
        r.fileName = attributeFileName(ref);
    }
    if (!r.device || (ref.scope == AttributeRef::Scope::Channel && !r.channel))
        throw std::logic_error("libiio lost device " + info->id);  // the lists came from it
    return r;
}

std::string LibiioContext::readAttribute(const AttributeRef &ref) const
{
    const Resolved r = resolve(ref);
    std::string buf(kAttrBufferSize, '\0');
    const char *name = ref.name.c_str();
    ssize_t ret = 0;
    switch (ref.scope) {
    case AttributeRef::Scope::Device:
        ret = iio_device_attr_read(r.device, name, buf.data(), buf.size());
        break;
    case AttributeRef::Scope::Channel:
        ret = iio_channel_attr_read(r.channel, name, buf.data(), buf.size());
        break;
    case AttributeRef::Scope::Buffer:
        ret = iio_device_buffer_attr_read(r.device, name, buf.data(), buf.size());
        break;
    case AttributeRef::Scope::Debug:
        ret = iio_device_debug_attr_read(r.device, name, buf.data(), buf.size());
        break;
    }
    if (ret < 0)
        throw SystemError(static_cast<int>(-ret), r.deviceName + ": " + r.fileName + ": cannot read");
    return trimmed(buf.data(), static_cast<std::size_t>(ret));
}

void LibiioContext::writeAttribute(const AttributeRef &ref, const std::string &value)
{
    const Resolved r = resolve(ref);
    const char *name = ref.name.c_str();
    ssize_t ret = 0;
    switch (ref.scope) {
    case AttributeRef::Scope::Device:
        ret = iio_device_attr_write(r.device, name, value.c_str());
        break;
    case AttributeRef::Scope::Channel:
        ret = iio_channel_attr_write(r.channel, name, value.c_str());
        break;
    case AttributeRef::Scope::Buffer:
        ret = iio_device_buffer_attr_write(r.device, name, value.c_str());
        break;
    case AttributeRef::Scope::Debug:
        ret = iio_device_debug_attr_write(r.device, name, value.c_str());
        break;
    }
    if (ret < 0)
        throw SystemError(static_cast<int>(-ret),
                          r.deviceName + ": " + r.fileName + ": value '" + value + "' refused");
}

std::unique_ptr<Stream> LibiioContext::createStream(const DeviceInfo &device)
{
    if (!device.bufferCapable)
        throw std::invalid_argument(device.id + " (" + device.name + ") has no scan elements: "
                                    "it cannot stream");
    switch (kind()) {
    case ContextKind::Network:
    case ContextKind::Usb:
        return std::make_unique<RemoteStream>(uri(), device.id);
    case ContextKind::Local:
        return std::make_unique<DmabufStream>(device.id);
    case ContextKind::Xml:
    case ContextKind::Sim:
        break;
    }
    throw std::invalid_argument(uri() + " is a description of devices (xml:): it cannot stream; "
                                "open the device's real context (local:, ip:, usb:)");
}

} // namespace dmascope

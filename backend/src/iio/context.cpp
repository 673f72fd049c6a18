#include "dmascope/context.h"

#include "dmascope/not_found_error.h"
#include "libiio_context.h"
#include "sim_context.h"

#include <iio.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace dmascope {

namespace {

// Messages name devices the way libiio errors do: by the `name` attribute.
std::string nameForMessages(const DeviceInfo &d)
{
    return d.name.empty() ? d.id : d.name;
}

constexpr std::string_view kAcceptedUris =
    "expected local:, ip:HOST[:PORT], usb:[BUS.DEV.INTF], xml:FILE or sim:";

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

// Rejects what libiio would misread: an empty ip: host makes it browse the network with avahi
// instead of failing.
ContextKind kindOfUri(const std::string &uri)
{
    if (uri == "local:" || uri == "local")
        return ContextKind::Local;
    if (uri == "sim:" || uri == "sim")
        return ContextKind::Sim;
    if (startsWith(uri, "ip:")) {
        if (uri.size() == 3)
            throw std::invalid_argument("context URI 'ip:' needs a host: ip:HOST[:PORT]");
        return ContextKind::Network;
    }
    if (startsWith(uri, "usb:"))
        return ContextKind::Usb;
    if (startsWith(uri, "xml:")) {
        if (uri.size() == 4)
            throw std::invalid_argument("context URI 'xml:' needs a file: xml:FILE");
        return ContextKind::Xml;
    }
    throw std::invalid_argument("unknown context URI '" + uri + "': " + std::string(kAcceptedUris));
}

std::string joinDeviceNames(const std::vector<DeviceInfo> &devices)
{
    std::string out;
    for (const DeviceInfo &d : devices) {
        if (!out.empty())
            out += ", ";
        out += d.id;
        if (!d.name.empty())
            out += " (" + d.name + ")";
    }
    return out.empty() ? "none" : out;
}

std::string joinNames(const std::vector<std::string> &names)
{
    std::string out;
    for (const std::string &n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

void scanWithLibiio(const char *backends, std::vector<ContextInfo> &out)
{
    iio_scan_context *scan = iio_create_scan_context(backends, 0);
    if (!scan)
        return;
    iio_context_info **infos = nullptr;
    const ssize_t n = iio_scan_context_get_info_list(scan, &infos);
    for (ssize_t i = 0; i < n; ++i)
        out.push_back({iio_context_info_get_uri(infos[i]),
                       iio_context_info_get_description(infos[i])});
    if (n >= 0)
        iio_context_info_list_free(infos);
    iio_scan_context_destroy(scan);
}

} // namespace

std::string_view toString(ContextKind kind)
{
    switch (kind) {
    case ContextKind::Local: return "local";
    case ContextKind::Network: return "network";
    case ContextKind::Usb: return "usb";
    case ContextKind::Xml: return "xml";
    case ContextKind::Sim: break;
    }
    return "sim";
}

Context::Context(std::string uri, ContextKind kind, std::vector<DeviceInfo> devices)
    : uri_(std::move(uri)), kind_(kind), devices_(std::move(devices))
{
}

Context::~Context() = default;

std::unique_ptr<Context> Context::open(const std::string &uri)
{
    const ContextKind kind = kindOfUri(uri);
    switch (kind) {
    case ContextKind::Sim:
        return std::make_unique<SimContext>();
    case ContextKind::Local:
        return std::make_unique<LibiioContext>("local:", kind);
    default:
        return std::make_unique<LibiioContext>(uri, kind);
    }
}

bool Context::hasLocalDevices(const std::string &sysfsRoot)
{
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(sysfsRoot, ec))
        if (startsWith(entry.path().filename().string(), "iio:device"))
            return true;
    return false;
}

std::string Context::defaultUri(const std::string &sysfsRoot)
{
    return hasLocalDevices(sysfsRoot) ? "local:" : "sim:";
}

std::vector<ContextInfo> Context::list(const ContextListOptions &options)
{
    std::vector<ContextInfo> out;
    if (hasLocalDevices(options.sysfsRoot))
        out.push_back({"local:", "IIO devices of this machine (" + options.sysfsRoot + ")"});
    out.push_back({"sim:", "built-in demo device (iio_sim's ADC simulated in process, no kernel needed)"});
    if (iio_has_backend("usb"))
        scanWithLibiio("usb", out);
    if (options.network && iio_has_backend("ip"))
        scanWithLibiio("ip", out);
    return out;
}

const DeviceInfo &Context::device(std::string_view key) const
{
    for (const DeviceInfo &d : devices_)
        if (d.id == key)
            return d;
    const DeviceInfo *found = nullptr;
    for (const DeviceInfo &d : devices_) {
        if (d.name != key && (d.label.empty() || d.label != key))
            continue;
        if (found)
            throw NotFoundError("device name '" + std::string(key) + "' is ambiguous in " + uri_ +
                                ": use the id (" + found->id + " or " + d.id + ")");
        found = &d;
    }
    if (!found)
        throw NotFoundError("no device '" + std::string(key) + "' in " + uri_ +
                            "; devices: " + joinDeviceNames(devices_));
    return *found;
}

std::pair<const DeviceInfo *, const ChannelInfo *>
Context::checkAttribute(const AttributeRef &ref) const
{
    const DeviceInfo &dev = device(ref.device);
    const std::string where = nameForMessages(dev);
    auto require = [&](const std::vector<std::string> &names, const std::string &what) {
        if (std::find(names.begin(), names.end(), ref.name) == names.end())
            throw NotFoundError(where + ": no " + what + " '" + ref.name +
                                "'; there are: " + joinNames(names));
    };
    switch (ref.scope) {
    case AttributeRef::Scope::Device:
        require(dev.attributes, "device attribute");
        return {&dev, nullptr};
    case AttributeRef::Scope::Buffer:
        require(dev.bufferAttributes, "buffer attribute");
        return {&dev, nullptr};
    case AttributeRef::Scope::Debug:
        require(dev.debugAttributes, "debug attribute");
        return {&dev, nullptr};
    case AttributeRef::Scope::Channel:
        break;
    }
    const ChannelInfo *ch = dev.findChannel(ref.channel);
    if (!ch) {
        std::vector<std::string> ids;
        for (const ChannelInfo &c : dev.channels)
            ids.push_back(c.qualifiedId());
        throw NotFoundError(where + ": no channel '" + ref.channel + "' (or it is ambiguous); "
                            "channels: " + joinNames(ids));
    }
    require(ch->attributes, ch->qualifiedId() + " attribute");
    return {&dev, ch};
}

std::string Context::attributeFileName(const AttributeRef &ref, const std::string &channelFileName)
{
    switch (ref.scope) {
    case AttributeRef::Scope::Device: return ref.name;
    case AttributeRef::Scope::Buffer: return "buffer/" + ref.name;
    case AttributeRef::Scope::Debug: return "debug/" + ref.name;
    case AttributeRef::Scope::Channel: break;
    }
    return channelFileName.empty() ? ref.channel + "_" + ref.name : channelFileName;
}

} // namespace dmascope

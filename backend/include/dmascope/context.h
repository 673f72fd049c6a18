// An IIO context: the devices of one machine (local:), of a remote iiod (ip:, usb:), of a saved
// description (xml:) or the built-in demo device (sim:). Discovery and attributes go through
// libiio 0.24 for every real context; sim: is served in process.
//
// A Context is used from one thread at a time (libiio contexts are not thread-safe); streams
// open their own connection, so streaming never shares it.
#pragma once

#include "dmascope/device_info.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dmascope {

class Stream;

enum class ContextKind : std::uint8_t { Local, Network, Usb, Xml, Sim };

std::string_view toString(ContextKind kind);

// One entry of Context::list().
struct ContextInfo
{
    std::string uri;          // what Context::open() takes
    std::string description;  // one line for people
};

struct ContextListOptions
{
    // Also browse the network for iiod servers (DNS-SD through avahi; slow, and libiio prints
    // to stderr when avahi is not running). USB devices are always scanned.
    bool network = false;
    // Where local devices appear; tests point it elsewhere.
    std::string sysfsRoot = "/sys/bus/iio/devices";
};

class Context
{
public:
    virtual ~Context();
    Context(const Context &) = delete;
    Context &operator=(const Context &) = delete;

    // Opens `uri`: "local:", "ip:HOST[:PORT]", "usb:[BUS.DEV.INTF]", "xml:FILE" or "sim:".
    // Throws std::invalid_argument for a malformed or unknown URI (the message lists the
    // accepted forms) and SystemError when the context cannot be opened.
    static std::unique_ptr<Context> open(const std::string &uri);
    // Contexts that can be opened now: local: when the sysfs root has IIO devices, sim:
    // always, and what libiio's scan finds.
    static std::vector<ContextInfo> list(const ContextListOptions &options = {});
    // "local:" when this machine has IIO devices, otherwise "sim:".
    static std::string defaultUri(const std::string &sysfsRoot = "/sys/bus/iio/devices");
    // True when `sysfsRoot` holds at least one iio:deviceN.
    static bool hasLocalDevices(const std::string &sysfsRoot = "/sys/bus/iio/devices");

    const std::string &uri() const noexcept { return uri_; }
    ContextKind kind() const noexcept { return kind_; }
    // Backend description (libiio's, e.g. the remote kernel's uname for ip:).
    virtual std::string description() const = 0;
    // Context attributes (libiio's "local,kernel", "uri", ...) as name/value pairs.
    virtual std::vector<std::pair<std::string, std::string>> attributes() const = 0;

    const std::vector<DeviceInfo> &devices() const noexcept { return devices_; }
    // By id ("iio:device0"), name ("iio-sim-adc") or label. Throws NotFoundError listing the
    // devices there are.
    const DeviceInfo &device(std::string_view key) const;

    // Attribute access. Throws NotFoundError when the device, channel or attribute does not
    // exist and SystemError with the errno libiio reports otherwise, e.g.
    // "iio-sim-adc: in_voltage0_frequency: value '9e9' refused: Invalid argument (errno 22)".
    // Values are the attribute's text without the trailing newline.
    virtual std::string readAttribute(const AttributeRef &ref) const = 0;
    virtual void writeAttribute(const AttributeRef &ref, const std::string &value) = 0;

    // The stream for `device` of this context: DmabufStream for local: (it falls back to
    // fileio by itself and says why), RemoteStream for ip:/usb:, SimStream for sim: (sharing
    // this context's demo device, so attribute writes reach the running stream). Throws
    // std::invalid_argument when the device cannot stream or the context is a description
    // only (xml:).
    virtual std::unique_ptr<Stream> createStream(const DeviceInfo &device) = 0;

protected:
    Context(std::string uri, ContextKind kind, std::vector<DeviceInfo> devices);

    // Throws NotFoundError unless `ref` names an existing device and attribute; returns the
    // device and, for channel attributes, the channel.
    std::pair<const DeviceInfo *, const ChannelInfo *> checkAttribute(const AttributeRef &ref) const;
    // The attribute's sysfs-style file name for messages ("in_voltage0_frequency",
    // "buffer/length"); `channelFileName` overrides the composed one when the backend knows it.
    static std::string attributeFileName(const AttributeRef &ref,
                                         const std::string &channelFileName = {});

private:
    std::string uri_;
    ContextKind kind_;
    std::vector<DeviceInfo> devices_;
};

} // namespace dmascope

// What a context knows about its devices and channels: plain values, copied out of libiio (or
// the demo device) once when the context opens, so callers never hold libiio pointers.
#pragma once

#include "dmascope/scan_layout.h"
#include "dmascope/scan_type.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmascope {

enum class ChannelDirection : std::uint8_t { Input, Output };

// Derived from the device's channels: a trigger or a device without channels is None.
enum class DeviceKind : std::uint8_t { None, Input, Output, Both };

std::string_view toString(ChannelDirection direction);
std::string_view toString(DeviceKind kind);

struct ChannelInfo
{
    std::string id;          // "voltage0", "timestamp"
    std::string name;        // libiio's name (the extended name, e.g. "vin"); may be empty
    std::string label;       // the channel's `label` attribute; may be empty
    ChannelDirection direction = ChannelDirection::Input;
    bool scanElement = false;  // can be enabled in the buffer
    long index = -1;           // scan index; -1 when not a scan element
    // Storage format in the buffer; set exactly for scan elements.
    std::optional<ScanType> scanType;
    double scale = 1.0;        // physical = (raw + offset) * scale
    double offset = 0.0;
    std::vector<std::string> attributes;  // libiio names ("raw", "frequency", "scale")

    // "in_voltage0" / "out_voltage0": unambiguous even when both directions share an id.
    std::string qualifiedId() const;
    // Label, else name, else id: what a user interface shows.
    std::string displayName() const;
    bool hasAttribute(std::string_view attr) const;
    // The kernel's scan type string ("le:s12/16>>4"); empty when not a scan element.
    std::string format() const { return scanType ? scanType->toString() : std::string(); }
    // What a stream needs to place this channel in a frame (byteOffset is the layout's job).
    // Throws std::logic_error when the channel is not a scan element.
    ChannelLayout layout() const;
};

struct DeviceInfo
{
    std::string id;     // "iio:device0"
    std::string name;   // the `name` attribute ("iio-sim-adc")
    std::string label;  // the `label` attribute; may be empty
    DeviceKind kind = DeviceKind::None;
    bool bufferCapable = false;  // has scan elements, so it can stream
    bool trigger = false;
    std::vector<ChannelInfo> channels;
    std::vector<std::string> attributes;        // device attributes
    std::vector<std::string> bufferAttributes;  // "length", "watermark", ...
    std::vector<std::string> debugAttributes;

    // Label, else name, else id.
    std::string displayName() const;
    // Scan-element channels in scan-index order.
    std::vector<const ChannelInfo *> scanChannels() const;
    // By qualified id ("in_voltage0"), or by plain id / label / name when that is unambiguous.
    // nullptr when nothing or more than one channel matches.
    const ChannelInfo *findChannel(std::string_view key) const;
    // Kind from the directions of `channels` (the rule DeviceKind documents).
    static DeviceKind kindOf(const std::vector<ChannelInfo> &channels);
};

// Where an attribute lives. Channel attributes name their channel by qualified id.
struct AttributeRef
{
    enum class Scope : std::uint8_t { Device, Channel, Buffer, Debug };

    std::string device;   // device id
    Scope scope = Scope::Device;
    std::string channel;  // qualified channel id ("in_voltage0") for Scope::Channel
    std::string name;     // libiio attribute name ("frequency", "sampling_frequency", "length")

    friend bool operator==(const AttributeRef &, const AttributeRef &) = default;
};

} // namespace dmascope

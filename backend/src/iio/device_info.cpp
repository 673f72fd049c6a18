#include "dmascope/device_info.h"

#include <algorithm>
#include <stdexcept>

namespace dmascope {

std::string_view toString(ChannelDirection direction)
{
    return direction == ChannelDirection::Output ? "output" : "input";
}

std::string_view toString(DeviceKind kind)
{
    switch (kind) {
    case DeviceKind::Input: return "input";
    case DeviceKind::Output: return "output";
    case DeviceKind::Both: return "both";
    case DeviceKind::None: break;
    }
    return "none";
}

std::string ChannelInfo::qualifiedId() const
{
    return (direction == ChannelDirection::Output ? "out_" : "in_") + id;
}

std::string ChannelInfo::displayName() const
{
    if (!label.empty())
        return label;
    return name.empty() ? id : name;
}

bool ChannelInfo::hasAttribute(std::string_view attr) const
{
    return std::find(attributes.begin(), attributes.end(), attr) != attributes.end();
}

ChannelLayout ChannelInfo::layout() const
{
    if (!scanElement || !scanType || index < 0)
        throw std::logic_error("channel " + qualifiedId() + " is not a scan element");
    ChannelLayout l;
    l.id = id;
    l.label = displayName();
    l.type = *scanType;
    l.scale = scale;
    l.offset = offset;
    l.scanIndex = static_cast<unsigned>(index);
    return l;
}

std::string DeviceInfo::displayName() const
{
    if (!label.empty())
        return label;
    return name.empty() ? id : name;
}

std::vector<const ChannelInfo *> DeviceInfo::scanChannels() const
{
    std::vector<const ChannelInfo *> out;
    for (const ChannelInfo &ch : channels)
        if (ch.scanElement)
            out.push_back(&ch);
    std::stable_sort(out.begin(), out.end(),
                     [](const ChannelInfo *a, const ChannelInfo *b) { return a->index < b->index; });
    return out;
}

const ChannelInfo *DeviceInfo::findChannel(std::string_view key) const
{
    if (key.empty())
        return nullptr;
    for (const ChannelInfo &ch : channels)
        if (ch.qualifiedId() == key)
            return &ch;
    // A plain id, label or name may match an input and an output channel at once: then the
    // caller must say which one with the qualified id.
    const ChannelInfo *found = nullptr;
    for (const ChannelInfo &ch : channels) {
        if (ch.id != key && ch.label != key && ch.name != key)
            continue;
        if (found)
            return nullptr;
        found = &ch;
    }
    return found;
}

DeviceKind DeviceInfo::kindOf(const std::vector<ChannelInfo> &channels)
{
    bool in = false, out = false;
    for (const ChannelInfo &ch : channels)
        (ch.direction == ChannelDirection::Output ? out : in) = true;
    if (in && out)
        return DeviceKind::Both;
    if (in)
        return DeviceKind::Input;
    return out ? DeviceKind::Output : DeviceKind::None;
}

} // namespace dmascope

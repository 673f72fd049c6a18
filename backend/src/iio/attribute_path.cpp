#include "dmascope/attribute_path.h"

#include "dmascope/not_found_error.h"

#include <algorithm>
#include <stdexcept>

namespace dmascope {

namespace {

// Messages name devices the way libiio errors do: by the `name` attribute.
std::string nameForMessages(const DeviceInfo &d)
{
    return d.name.empty() ? d.id : d.name;
}

bool contains(const std::vector<std::string> &names, std::string_view name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string join(const std::vector<std::string> &names)
{
    std::string out;
    for (const std::string &n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

AttributeRef scoped(const DeviceInfo &device, AttributeRef::Scope scope, std::string_view name,
                    const std::vector<std::string> &names, std::string_view what)
{
    if (!contains(names, name))
        throw NotFoundError(nameForMessages(device) + ": no " + std::string(what) + " '" +
                            std::string(name) + "'; there are: " + join(names));
    return {device.id, scope, {}, std::string(name)};
}

} // namespace

AttributeRef parseAttributePath(const DeviceInfo &device, std::string_view path)
{
    const auto slash = path.find('/');
    if (path.empty() || slash == 0 || slash + 1 == path.size() ||
        (slash != std::string_view::npos && path.find('/', slash + 1) != std::string_view::npos))
        throw std::invalid_argument("malformed attribute '" + std::string(path) +
                                    "': expected NAME, CHANNEL/NAME, buffer/NAME or debug/NAME");
    if (slash == std::string_view::npos)
        return scoped(device, AttributeRef::Scope::Device, path, device.attributes,
                      "device attribute");

    const std::string_view head = path.substr(0, slash);
    const std::string_view name = path.substr(slash + 1);
    if (head == "buffer")
        return scoped(device, AttributeRef::Scope::Buffer, name, device.bufferAttributes,
                      "buffer attribute");
    if (head == "debug")
        return scoped(device, AttributeRef::Scope::Debug, name, device.debugAttributes,
                      "debug attribute");

    const ChannelInfo *ch = device.findChannel(head);
    if (!ch) {
        std::vector<std::string> ids;
        for (const ChannelInfo &c : device.channels)
            ids.push_back(c.qualifiedId());
        throw NotFoundError(nameForMessages(device) + ": no channel '" + std::string(head) +
                            "' (or it names an input and an output: add in_/out_); channels: " +
                            join(ids));
    }
    if (!ch->hasAttribute(name))
        throw NotFoundError(nameForMessages(device) + ": channel " + ch->qualifiedId() +
                            " has no attribute '" + std::string(name) +
                            "'; it has: " + join(ch->attributes));
    return {device.id, AttributeRef::Scope::Channel, ch->qualifiedId(), std::string(name)};
}

std::string attributePath(const DeviceInfo &device, const AttributeRef &ref)
{
    switch (ref.scope) {
    case AttributeRef::Scope::Device: return ref.name;
    case AttributeRef::Scope::Buffer: return "buffer/" + ref.name;
    case AttributeRef::Scope::Debug: return "debug/" + ref.name;
    case AttributeRef::Scope::Channel: break;
    }
    const ChannelInfo *ch = device.findChannel(ref.channel);
    // The plain id is enough unless it also names a channel of the other direction.
    if (ch && device.findChannel(ch->id) == ch)
        return ch->id + "/" + ref.name;
    return ref.channel + "/" + ref.name;
}

std::vector<AttributeRef> allAttributes(const DeviceInfo &device)
{
    std::vector<AttributeRef> out;
    for (const std::string &a : device.attributes)
        out.push_back({device.id, AttributeRef::Scope::Device, {}, a});
    for (const ChannelInfo &ch : device.channels)
        for (const std::string &a : ch.attributes)
            out.push_back({device.id, AttributeRef::Scope::Channel, ch.qualifiedId(), a});
    for (const std::string &a : device.bufferAttributes)
        out.push_back({device.id, AttributeRef::Scope::Buffer, {}, a});
    for (const std::string &a : device.debugAttributes)
        out.push_back({device.id, AttributeRef::Scope::Debug, {}, a});
    return out;
}

} // namespace dmascope

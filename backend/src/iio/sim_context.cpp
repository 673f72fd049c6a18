#include "sim_context.h"

#include "dmascope/sim_stream.h"
#include "dmascope/system_error.h"

namespace dmascope {

namespace {
// The demo device takes the id the kernel gives the first IIO device, so commands and
// settings written for iio_sim work unchanged on sim:.
constexpr const char *kSimDeviceId = "iio:device0";
} // namespace

DeviceInfo describeSimDevice()
{
    DeviceInfo info;
    info.id = kSimDeviceId;
    info.name = SimDevice().name();
    for (const ChannelLayout &l : SimDevice::scanChannels()) {
        ChannelInfo &ch = info.channels.emplace_back();
        ch.id = l.id;
        ch.direction = ChannelDirection::Input;
        ch.scanElement = true;
        ch.index = static_cast<long>(l.scanIndex);
        ch.scanType = l.type;
        ch.scale = l.scale;
        ch.offset = l.offset;
    }
    for (const std::string &attr : SimDevice::attributes()) {
        // "in_voltage2_frequency" belongs to channel voltage2 as "frequency", as libiio has it.
        bool channelAttr = false;
        for (ChannelInfo &ch : info.channels) {
            const std::string prefix = ch.qualifiedId() + "_";
            if (attr.rfind(prefix, 0) == 0) {
                ch.attributes.push_back(attr.substr(prefix.size()));
                channelAttr = true;
                break;
            }
        }
        // libiio does not list `name` as an attribute (it is the device's name).
        if (!channelAttr && attr != "name")
            info.attributes.push_back(attr);
    }
    info.kind = DeviceInfo::kindOf(info.channels);
    info.bufferCapable = true;
    return info;
}

SimContext::SimContext()
    : Context("sim:", ContextKind::Sim, {describeSimDevice()}),
      device_(std::make_shared<SimDevice>())
{
}

std::string SimContext::description() const
{
    return "dmascope built-in demo device (in-process copy of the iio_sim ADC)";
}

std::vector<std::pair<std::string, std::string>> SimContext::attributes() const
{
    return {{"uri", "sim:"}};
}

std::string SimContext::readAttribute(const AttributeRef &ref) const
{
    const auto [dev, channel] = checkAttribute(ref);
    const std::string file = attributeFileName(ref);
    try {
        return device_->read(file);
    } catch (const SystemError &e) {
        throw SystemError(e.code(), dev->name + ": " + file + ": cannot read");
    }
}

void SimContext::writeAttribute(const AttributeRef &ref, const std::string &value)
{
    const auto [dev, channel] = checkAttribute(ref);
    const std::string file = attributeFileName(ref);
    try {
        device_->write(file, value);
    } catch (const SystemError &e) {
        throw SystemError(e.code(), dev->name + ": " + file + ": value '" + value + "' refused");
    }
}

std::unique_ptr<Stream> SimContext::createStream(const DeviceInfo &device)
{
    (void)device; // the context has this one device; checked by the caller's lookup
    return std::make_unique<SimStream>(device_);
}

} // namespace dmascope

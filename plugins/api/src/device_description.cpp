#include "dmascope/plugin/device_description.h"

namespace dmascope::plugin {

QList<ChannelDescription> DeviceDescription::inputChannels() const
{
    QList<ChannelDescription> out;
    for (const ChannelDescription &c : channels)
        if (!c.output && c.scannable)
            out.append(c);
    return out;
}

} // namespace dmascope::plugin

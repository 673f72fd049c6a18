#include "dmascope/plugin/instrument_plugin.h"

namespace dmascope::plugin {

InstrumentPlugin::~InstrumentPlugin() = default;

bool InstrumentPlugin::probe(const DeviceDescription &) const
{
    return true;
}

} // namespace dmascope::plugin

#include "dmascope/plugin/instrument_host.h"

namespace dmascope::plugin {

InstrumentHost::~InstrumentHost() = default;

void InstrumentHost::showStatusMessage(const QString &, int)
{
}

} // namespace dmascope::plugin

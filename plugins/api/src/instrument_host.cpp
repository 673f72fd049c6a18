#include "dmascope/plugin/instrument_host.h"

namespace dmascope::plugin {

InstrumentHost::~InstrumentHost() = default;

void InstrumentHost::showStatusMessage(const QString &, int)
{
}

bool InstrumentHost::openRecording(const QString &, QString *error)
{
    if (error)
        *error = QStringLiteral("this application cannot play recordings");
    return false;
}

} // namespace dmascope::plugin

#include "dmascope/plugin/instrument.h"

namespace dmascope::plugin {

Instrument::Instrument(const DeviceDescription &device, QWidget *parent)
    : QWidget(parent), device_(device)
{
}

Instrument::~Instrument() = default;

QJsonObject Instrument::saveState() const
{
    return {};
}

void Instrument::restoreState(const QJsonObject &)
{
}

QString Instrument::busyWith() const
{
    return {};
}

} // namespace dmascope::plugin

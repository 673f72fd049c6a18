// The Oscilloscope plugin: offers a ScopeInstrument on every device that streams input samples.
#include "scope_instrument.h"

#include "dmascope/plugin/instrument_plugin.h"

#include <QObject>

namespace dmascope::scope {

class ScopePlugin final : public QObject, public plugin::InstrumentPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DMASCOPE_INSTRUMENT_PLUGIN_IID FILE "scope.json")
    Q_INTERFACES(dmascope::plugin::InstrumentPlugin)

public:
    bool probe(const plugin::DeviceDescription &device) const override
    {
        return !device.inputChannels().isEmpty();
    }

    plugin::Instrument *createInstrument(plugin::InstrumentHost &host,
                                         const plugin::DeviceDescription &device,
                                         QWidget *parent) override
    {
        return new ScopeInstrument(host, device, parent);
    }
};

} // namespace dmascope::scope

#include "scope_plugin.moc"

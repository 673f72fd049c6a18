// The Spectrum analyzer plugin: offers a SpectrumInstrument on every device that streams input
// samples.
#include "spectrum_instrument.h"

#include "dmascope/plugin/instrument_plugin.h"

#include <QObject>

namespace dmascope::spectrum {

class SpectrumPlugin final : public QObject, public plugin::InstrumentPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DMASCOPE_INSTRUMENT_PLUGIN_IID FILE "spectrum.json")
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
        return new SpectrumInstrument(host, device, parent);
    }
};

} // namespace dmascope::spectrum

#include "spectrum_plugin.moc"

// The Recorder plugin: offers a RecorderInstrument on every device that streams input samples,
// except a recording being played back (recording it again would only copy the file).
#include "recorder_instrument.h"

#include "dmascope/plugin/instrument_plugin.h"

#include <QObject>

namespace dmascope::recorder {

class RecorderPlugin final : public QObject, public plugin::InstrumentPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID DMASCOPE_INSTRUMENT_PLUGIN_IID FILE "recorder.json")
    Q_INTERFACES(dmascope::plugin::InstrumentPlugin)

public:
    bool probe(const plugin::DeviceDescription &device) const override
    {
        return !device.inputChannels().isEmpty() && !device.isRecording();
    }

    plugin::Instrument *createInstrument(plugin::InstrumentHost &host,
                                         const plugin::DeviceDescription &device,
                                         QWidget *parent) override
    {
        return new RecorderInstrument(host, device, parent);
    }
};

} // namespace dmascope::recorder

#include "recorder_plugin.moc"

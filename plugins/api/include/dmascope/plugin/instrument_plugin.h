// The interface an instrument plugin implements: one small `final` class per plugin, e.g.
//
//   class ScopePlugin final : public QObject, public dmascope::plugin::InstrumentPlugin
//   {
//       Q_OBJECT
//       Q_PLUGIN_METADATA(IID DMASCOPE_INSTRUMENT_PLUGIN_IID FILE "scope.json")
//       Q_INTERFACES(dmascope::plugin::InstrumentPlugin)
//       ...
//   };
//
// Its id, name, version, API version and device kinds are in the JSON metadata, which the app
// reads before loading the library (see PluginMetadata).
#pragma once

#include "dmascope/plugin/device_description.h"
#include "dmascope/plugin/plugin_api_version.h"

#include <QtPlugin>

class QWidget;

namespace dmascope::plugin {

class Instrument;
class InstrumentHost;

class InstrumentPlugin
{
public:
    virtual ~InstrumentPlugin();

    // Whether this plugin offers an instrument for `device`. Called only for devices whose kind
    // the metadata lists; must not open or change anything (it sees a value, not a handle).
    // The default accepts every device of a listed kind.
    virtual bool probe(const DeviceDescription &device) const;

    // A new instrument on `device`, parented to `parent`. Returns nullptr when the device turns
    // out to be unusable; the instrument reports its own problems once it exists.
    virtual Instrument *createInstrument(InstrumentHost &host, const DeviceDescription &device,
                                         QWidget *parent) = 0;
};

} // namespace dmascope::plugin

#define DMASCOPE_INSTRUMENT_PLUGIN_IID "org.dmascope.InstrumentPlugin"
Q_DECLARE_INTERFACE(dmascope::plugin::InstrumentPlugin, DMASCOPE_INSTRUMENT_PLUGIN_IID)

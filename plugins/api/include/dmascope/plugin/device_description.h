// A plain description of one device as plugins see it. Plugins decide from this value alone
// whether they offer an instrument (InstrumentPlugin::probe), which keeps probing free of side
// effects: there is nothing to open, configure or start.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace dmascope::plugin {

struct ChannelDescription
{
    QString id;      // "voltage0"
    QString name;    // label or id, for display
    QString unit;    // physical unit after scale/offset: "V", "A", "" when unknown
    bool output = false;
    bool scannable = true; // can be streamed through a buffer
};

struct DeviceDescription
{
    // How the device is reached; shown in the status bar as the acquisition path family.
    // Playback: a SigMF recording played back as a source (uri kRecordingUri, id its path).
    enum class Transport { Demo, Local, Remote, Playback };

    QString uri;   // context URI: "sim:", "local:", "ip:192.168.2.1"
    QString id;    // device id within the context: "iio:device0"
    QString name;  // "iio-sim-adc"
    QString kind;  // "adc" (streams input samples), "dac" (accepts output samples), "other"
    Transport transport = Transport::Local;
    double sampleRate = 0; // Hz, 0 when the device does not say
    QList<ChannelDescription> channels;

    // "<uri>/<id>": unique within a session, stable across restarts (used in saved settings).
    QString key() const { return uri + QLatin1Char('/') + id; }
    QString displayName() const { return name.isEmpty() ? id : name; }
    QList<ChannelDescription> inputChannels() const;
    bool isRecording() const { return transport == Transport::Playback; }
};

// The context URI of recordings opened for playback.
inline constexpr char kRecordingUri[] = "sigmf:";

} // namespace dmascope::plugin

Q_DECLARE_METATYPE(dmascope::plugin::DeviceDescription)

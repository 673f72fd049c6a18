// What the app offers instruments. The app owns the streams: one per device, shared by every
// instrument on that device, so two instruments on one ADC see the same samples and the status
// bar can report one set of statistics per device.
#pragma once

#include "dmascope/plugin/device_description.h"

#include <QString>

#include <memory>

namespace dmascope {
class Stream;
}

namespace dmascope::plugin {

class InstrumentHost
{
public:
    virtual ~InstrumentHost();

    // The device's stream, opened on first use and kept while anyone holds it. Returns nullptr
    // and sets *error when the device cannot stream. Never blocks on data.
    virtual std::shared_ptr<dmascope::Stream> openStream(const DeviceDescription &device,
                                                         QString *error) = 0;

    // A transient message in the status bar ("Exported 4096 samples to ...").
    virtual void showStatusMessage(const QString &text, int timeoutMs = 4000);

    // Opens the SigMF recording at `path` as a source like a device and shows it in the app
    // (the Recorder's "Open"). false and *error when it cannot; the default host cannot.
    virtual bool openRecording(const QString &path, QString *error);
};

} // namespace dmascope::plugin

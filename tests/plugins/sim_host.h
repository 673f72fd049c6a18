// An InstrumentHost for instrument tests: one SimStream (the demo device) shared by every
// instrument that asks, started on first use, as the app's StreamRegistry does.
#pragma once

#include "dmascope/plugin/instrument_host.h"
#include "dmascope/sim_stream.h"

#include <functional>
#include <memory>

namespace dmascope::testing {

class SimHost final : public plugin::InstrumentHost
{
public:
    // `setup` runs on the device before the stream starts (generator settings).
    explicit SimHost(std::function<void(SimDevice &)> setup = {},
                     std::size_t samplesPerBlock = 16384)
        : setup_(std::move(setup)), samplesPerBlock_(samplesPerBlock)
    {
    }

    std::shared_ptr<Stream> openStream(const plugin::DeviceDescription &, QString *) override
    {
        ++opened;
        if (!stream) {
            stream = std::make_shared<SimStream>();
            if (setup_)
                setup_(*stream->device());
            StreamConfig c;
            c.samplesPerBlock = samplesPerBlock_;
            c.blockCount = 16;
            stream->start(c);
        }
        return stream;
    }
    void showStatusMessage(const QString &text, int) override { lastMessage = text; }

    static plugin::DeviceDescription simAdc()
    {
        plugin::DeviceDescription d;
        d.uri = QStringLiteral("sim:");
        d.id = QStringLiteral("sim:adc");
        d.name = QStringLiteral("iio-sim-adc");
        d.kind = QStringLiteral("adc");
        d.transport = plugin::DeviceDescription::Transport::Demo;
        d.sampleRate = SimDevice::kDefaultSamplingFrequency;
        return d;
    }

    std::shared_ptr<SimStream> stream;
    QString lastMessage;
    int opened = 0;

private:
    std::function<void(SimDevice &)> setup_;
    std::size_t samplesPerBlock_;
};

} // namespace dmascope::testing

#include "recording_fixture.h"

#include "dmascope/record/sigmf_writer.h"

#include <exception>

namespace rectest {

using namespace dmascope;

void SimSource::start(std::uint32_t rate, std::size_t samplesPerBlock)
{
    stream->device()->setSamplingFrequency(rate);
    StreamConfig c;
    c.samplesPerBlock = samplesPerBlock;
    c.blockCount = 16;
    stream->start(c);
}

void SimSource::setDc(unsigned ch, double millivolts)
{
    SimChannelSettings s = stream->device()->channel(ch);
    s.waveform = SimWaveform::Dc;
    s.dcOffsetNanoVolt = static_cast<std::int64_t>(millivolts * 1e6);
    s.noiseNanoVolt = 0;
    stream->device()->setChannel(ch, s);
}

void SimSource::setSine(unsigned ch, double hz, double millivolts)
{
    SimChannelSettings s = stream->device()->channel(ch);
    s.waveform = SimWaveform::Sine;
    s.frequencyMicroHz = static_cast<std::uint64_t>(hz * 1e6);
    s.amplitudeNanoVolt = static_cast<std::int64_t>(millivolts * 1e6);
    s.dcOffsetNanoVolt = 0;
    s.noiseNanoVolt = 0;
    stream->device()->setChannel(ch, s);
}

QString record(SimSource &source, const QString &folder, const QString &name, std::uint64_t frames,
               const std::function<void()> &during, QString *error)
{
    RecordingOptions o;
    o.directory = folder.toStdString();
    o.name = name.toStdString();
    o.limits.samples = frames;
    o.sampleRate = source.stream->device()->samplingFrequency();
    o.device.device = "iio-sim-adc";
    o.device.uri = "sim:";
    try {
        SigmfWriter writer(o);
        writer.start(*source.stream);
        if (during)
            during();
        if (!writer.wait(60'000)) {
            if (error)
                *error = QStringLiteral("the recording did not reach its limit within 60 s");
            return {};
        }
        const RecordingProgress p = writer.progress();
        if (p.state != RecordingState::Finished) {
            if (error)
                *error = QString::fromStdString("recording failed: " + p.error);
            return {};
        }
        return QString::fromStdString(p.metaPath);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromLocal8Bit(e.what());
        return {};
    }
}

} // namespace rectest

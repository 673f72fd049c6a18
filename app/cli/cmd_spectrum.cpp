// dmascope-cli spectrum DEV: streams one channel (or an I/Q pair), averages N spectra and prints
// the peak's frequency and level and the single-tone figures (SNR, SFDR, THD, SINAD, ENOB,
// noise floor) — the same engine, conversion and definitions as the Spectrum analyzer.
#include "commands.h"
#include "stream_options.h"

#include "dmascope/dsp/peak_search.h"
#include "dmascope/dsp/spectrum_feed.h"
#include "dmascope/dsp/tone_metrics.h"
#include "dmascope/not_found_error.h"
#include "dmascope/stream.h"

#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <optional>

namespace dmascope::cli {

namespace {

// The stream layout index of channel `id`; NotFoundError when the device has no such channel.
std::size_t channelIndex(const ScanLayout &layout, const QString &id, const DeviceInfo &dev)
{
    for (std::size_t i = 0; i < layout.channels.size(); ++i)
        if (layout.channels[i].id == id.toStdString())
            return i;
    throw NotFoundError(QString("%1 has no input scan channel '%2'")
                            .arg(QString::fromStdString(dev.displayName()), id)
                            .toStdString());
}

double deviceSampleRate(Context &ctx, const DeviceInfo &dev)
{
    if (std::find(dev.attributes.begin(), dev.attributes.end(), "sampling_frequency")
        == dev.attributes.end())
        return 0;
    AttributeRef ref;
    ref.device = dev.id;
    ref.name = "sampling_frequency";
    try {
        return std::stod(ctx.readAttribute(ref));
    } catch (const std::exception &) {
        return 0;
    }
}

} // namespace

int runSpectrum(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("spectrum [options] DEV",
                    "Streams one channel of input device DEV (or an I/Q pair with --q-channel), "
                    "averages --averages spectra (linear) and prints the peak's frequency and "
                    "level and, for a real channel, the single-tone figures SNR, SFDR, THD, "
                    "SINAD, ENOB and the noise floor (definitions: docs/spectrum.md).");
    const QCommandLineOption channel("channel", "Channel to analyse (voltage0). Default: the "
                                     "first input scan channel.", "ID");
    const QCommandLineOption qChannel("q-channel", "Q channel of an I/Q pair; --channel is I.",
                                      "ID");
    const QCommandLineOption fftSize("fft-size", "Points per FFT, 16 .. 16777216. Default 65536.",
                                     "N", "65536");
    // Kaiser 20 by default: its sidelobes (below -190 dB) leak nothing into SNR and SFDR, where
    // Blackman-Harris's (-92 dB) read as noise and spurs on a 16-bit converter (docs/spectrum.md).
    const QCommandLineOption window("window",
                                    "rectangular, hann, hamming, blackman, blackman-harris, "
                                    "flattop or kaiser:BETA. Default kaiser:20.",
                                    "W", "kaiser:20");
    const QCommandLineOption averages("averages", "Spectra averaged (linear). Default 8.", "N",
                                      "8");
    const QCommandLineOption unit("unit", "Level unit of the peak: dbfs (default), dbv or "
                                  "v/rthz.", "U", "dbfs");
    StreamOptions opts("30");
    opts.seconds.setDescription("Give up after S seconds without enough spectra. Default 30.");
    for (const QCommandLineOption &o : {channel, qChannel, fftSize, window, averages, unit})
        cmd.addOption(o);
    cmd.addOption(opts.blocks);
    cmd.addOption(opts.path);
    cmd.addOption(opts.seconds);
    cmd.addOption(opts.set);
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QString key = cmd.positional(1, 1).at(0);
    const QCommandLineParser &p = cmd.parser();
    dsp::SpectrumConfig config;
    config.size = std::size_t(parseInteger("fft-size", p.value(fftSize), 16, 1 << 24));
    std::string whyNot;
    const auto w = dsp::WindowSpec::parse(p.value(window).toStdString(), &whyNot);
    if (!w)
        throw UsageError("--window: " + QString::fromStdString(whyNot));
    config.window = *w;
    config.averaging = dsp::Averaging::Linear;
    config.averages = unsigned(parseInteger("averages", p.value(averages), 1, 100000));
    const auto u = dsp::spectrumUnitFromString(p.value(unit).toStdString());
    if (!u)
        throw UsageError(QString("--unit: '%1' is not dbfs, dbv or v/rthz").arg(p.value(unit)));
    config.unit = *u;
    const double seconds = opts.secondsValue(p);
    if (seconds <= 0)
        throw UsageError("--seconds: spectrum needs a time limit above 0");

    installInterruptHandler();
    const auto ctx = openContext(globals);
    const DeviceInfo &dev = ctx->device(key.toStdString());
    opts.applySettings(p, *ctx, dev);

    StreamConfig streamConfig;
    if (p.isSet(channel))
        streamConfig.channels.push_back(p.value(channel).toStdString());
    if (p.isSet(qChannel)) {
        if (!p.isSet(channel))
            throw UsageError("--q-channel needs --channel for I");
        streamConfig.channels.push_back(p.value(qChannel).toStdString());
    }
    // Blocks of up to 64K frames: an FFT of any size fills from consecutive blocks.
    streamConfig.samplesPerBlock = std::min<std::size_t>(config.size, 65536);
    streamConfig.blockCount = unsigned(parseInteger("blocks", p.value(opts.blocks), 2, 1024));
    streamConfig.path = parsePath(p.value(opts.path));
    const std::unique_ptr<Stream> stream = ctx->createStream(dev);
    // Lossless: every block in order, so frames are contiguous; a dropped block (the FFT fell
    // behind) only restarts the frame being filled.
    const auto sub = stream->subscribe(SubscriptionKind::Lossless, streamConfig.blockCount);
    stream->start(streamConfig);
    const std::shared_ptr<const ScanLayout> layout = stream->layout();

    std::size_t iIndex = 0;
    std::optional<std::size_t> qIndex;
    if (p.isSet(channel))
        iIndex = channelIndex(*layout, p.value(channel), dev);
    else
        while (iIndex < layout->channels.size()
               && (layout->channels[iIndex].type.storageBits > 32
                   || layout->channels[iIndex].type.repeat != 1))
            ++iIndex;
    if (p.isSet(qChannel))
        qIndex = channelIndex(*layout, p.value(qChannel), dev);
    dsp::SpectrumFeed feed(*layout, iIndex, qIndex);
    config.complexInput = feed.complex();
    config.fullScale = feed.fullScale();
    config.sampleRate = deviceSampleRate(*ctx, dev);
    const bool rateKnown = config.sampleRate > 0;
    if (!rateKnown)
        config.sampleRate = 1; // bins until the stream's measured rate is known (below)
    auto engine = std::make_unique<dsp::SpectrumEngine>(config);

    ProgressLine progress(globals);
    const std::int64_t start = monotonicNs();
    const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
    std::uint64_t restarts = 0;
    while (!interrupted() && engine->spectraComputed() < config.averages
           && monotonicNs() < end) {
        std::optional<Delivery> d = sub->pop(100);
        if (!d) {
            if (sub->ended() || stream->state() != StreamState::Running)
                break;
            continue;
        }
        if (d->discontinuity && d->block->sequence > 0) {
            engine->restartFrame();
            ++restarts;
        }
        feed.feed(*engine, d->block->data, d->block->frames());
        progress.update(QString("spectrum %1/%2").arg(engine->spectraComputed()).arg(config.averages));
    }
    progress.finish();
    stream->stop();
    const StreamStats st = stream->stats();
    if (st.state == StreamState::Failed) {
        err("dmascope-cli: the stream failed: " + QString::fromStdString(st.error));
        return ExitFailure;
    }
    if (engine->spectraComputed() < config.averages) {
        if (interrupted())
            return ExitInterrupted;
        err(QString("dmascope-cli: only %1 of %2 spectra in %3 s (%4 frames restarted after "
                    "lost blocks)")
                .arg(engine->spectraComputed())
                .arg(config.averages)
                .arg(seconds)
                .arg(restarts));
        return ExitFailure;
    }
    if (!rateKnown) {
        // No rate attribute: scale the frequencies with the stream's measured rate.
        dsp::SpectrumConfig measured = config;
        measured.sampleRate = st.samplesPerSecond;
        if (!(measured.sampleRate > 0)) {
            err("dmascope-cli: the device reports no sample rate");
            return ExitFailure;
        }
        err("dmascope-cli: warning: no sampling_frequency attribute; frequencies use the "
            "measured rate");
        config = measured;
    }

    std::vector<float> levels;
    engine->spectrum(levels);
    const std::size_t peak = *dsp::findPeak(levels, config.complexInput ? 0 : 1, levels.size());
    const double hzPerBin = config.sampleRate / double(config.size);
    const double peakHz = config.complexInput
                              ? (double(peak) - double(config.size / 2)) * hzPerBin
                              : double(peak) * hzPerBin;
    std::string noMetrics;
    std::optional<dsp::ToneMetrics> m;
    if (rateKnown)
        m = dsp::measureSingleTone(*engine, 5, &noMetrics);
    else
        noMetrics = "the sample rate is not known exactly";
    const QString unitName = QString::fromUtf8(dsp::unitLabel(config.unit));
    const QString chName = QString::fromStdString(layout->channels[iIndex].id)
                           + (qIndex ? "+j" + QString::fromStdString(layout->channels[*qIndex].id)
                                     : QString());
    if (globals.json) {
        QJsonObject o{{"device", QString::fromStdString(dev.id)},
                      {"uri", QString::fromStdString(ctx->uri())},
                      {"channel", chName},
                      {"fftSize", double(config.size)},
                      {"window", QString::fromStdString(config.window.toString())},
                      {"averages", int(config.averages)},
                      {"sampleRate", config.sampleRate},
                      {"binWidth", hzPerBin},
                      {"path", QString::fromStdString(st.path)},
                      {"peakFrequency", peakHz},
                      {"peakLevel", double(levels[peak])},
                      {"unit", unitName}};
        if (m) {
            o.insert("fundamentalFrequency", m->fundamentalHz);
            o.insert("fundamentalDbfs", m->fundamentalDbfs);
            o.insert("snr", m->snrDb);
            o.insert("sfdr", m->sfdrDbc);
            o.insert("thd", m->thdDbc);
            o.insert("sinad", m->sinadDb);
            o.insert("enob", m->enob);
            o.insert("noiseFloorDbfs", m->noiseFloorDbfs);
            o.insert("worstSpurFrequency", m->worstSpurHz);
            o.insert("windowLimited", m->windowLimited);
            o.insert("windowSnrCeiling", m->windowCeiling.snrDb);
            o.insert("windowSfdrCeiling", m->windowCeiling.sfdrDbc);
        } else {
            o.insert("metricsError", QString::fromStdString(noMetrics));
        }
        printJson(o);
        return ExitOk;
    }
    out(QString("%1 %2 at %3: %4-point %5 FFT, %6 averages, %7 Hz/bin, path %8")
            .arg(QString::fromStdString(dev.displayName()), chName,
                 QString::fromStdString(ctx->uri()))
            .arg(config.size)
            .arg(QString::fromStdString(config.window.toString()))
            .arg(config.averages)
            .arg(hzPerBin, 0, 'g', 6)
            .arg(QString::fromStdString(st.path)));
    out(QString("peak       %1 Hz  %2 %3").arg(peakHz, 0, 'f', 3).arg(levels[peak], 0, 'f', 2).arg(unitName));
    if (!m) {
        out(QString("single-tone figures: none (%1)").arg(QString::fromStdString(noMetrics)));
        return ExitOk;
    }
    out(QString("tone       %1 Hz  %2 dBFS").arg(m->fundamentalHz, 0, 'f', 3).arg(m->fundamentalDbfs, 0, 'f', 2));
    out(QString("SNR        %1 dB").arg(m->snrDb, 0, 'f', 2));
    out(QString("SFDR       %1 dBc (worst spur at %2 Hz)").arg(m->sfdrDbc, 0, 'f', 2).arg(m->worstSpurHz, 0, 'f', 1));
    out(QString("THD        %1 dBc").arg(m->thdDbc, 0, 'f', 2));
    out(QString("SINAD      %1 dB").arg(m->sinadDb, 0, 'f', 2));
    out(QString("ENOB       %1 bits").arg(m->enob, 0, 'f', 2));
    out(QString("noise      %1 dBFS per bin").arg(m->noiseFloorDbfs, 0, 'f', 2));
    if (m->windowLimited) {
        out(QString("note       these figures are the window's: %1 lets a tone reach SNR %2 dB "
                    "and SFDR %3 dBc at most; try --window kaiser:20")
                .arg(QString::fromStdString(config.window.toString()))
                .arg(m->windowCeiling.snrDb, 0, 'f', 1)
                .arg(m->windowCeiling.sfdrDbc, 0, 'f', 1));
    }
    return ExitOk;
}

} // namespace dmascope::cli

// dmascope-cli record DEV: records every block of a device to SigMF files (SigmfWriter), with a
// progress line, until a limit, the end of the stream, an error or Ctrl-C.
#include "commands.h"
#include "stream_options.h"

#include "dmascope/record/sigmf_writer.h"
#include "dmascope/stream.h"

#include <QJsonArray>

#include <exception>
#include <limits>

namespace dmascope::cli {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

// "Device attributes at start" for the iio extension: every device attribute that reads.
// One that fails (write-only, a driver error) is left out; a recording must not fail for it.
std::vector<std::pair<std::string, std::string>> readDeviceAttributes(const Context &ctx,
                                                                      const DeviceInfo &dev)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string &name : dev.attributes) {
        try {
            out.emplace_back(name,
                             ctx.readAttribute({dev.id, AttributeRef::Scope::Device, {}, name}));
        } catch (const std::exception &) {
        }
    }
    return out;
}

QString progressText(const RecordingProgress &p)
{
    return QString("%1 s  %2 MB  %3 MB/s  %4 samples  overruns %5  gaps %6  free %7 MB")
        .arg(p.seconds, 0, 'f', 1)
        .arg(double(p.bytes) * 1e-6, 0, 'f', 1)
        .arg(p.megabytesPerSecond, 0, 'f', 1)
        .arg(p.frames)
        .arg(p.overruns)
        .arg(p.discontinuities)
        .arg(double(p.freeDiskBytes) * 1e-6, 0, 'f', 0);
}

QJsonObject recordingProgressJson(const RecordingProgress &p)
{
    return {
        {"state", toString(p.state)},
        {"dataPath", q(p.dataPath)},
        {"metaPath", q(p.metaPath)},
        {"samples", static_cast<qint64>(p.frames)},
        {"bytes", static_cast<qint64>(p.bytes)},
        {"blocks", static_cast<qint64>(p.blocks)},
        {"seconds", p.seconds},
        {"elapsed", p.elapsed},
        {"megabytesPerSecond", p.megabytesPerSecond},
        {"overruns", static_cast<qint64>(p.overruns)},
        {"discontinuities", static_cast<qint64>(p.discontinuities)},
        {"lostSamples", static_cast<qint64>(p.lostSamples)},
        {"freeDiskBytes", static_cast<qint64>(p.freeDiskBytes)},
        {"stopReason", q(p.stopReason)},
        {"error", q(p.error)},
    };
}

} // namespace

int runRecord(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("record [options] DEV",
                    "Records every block of input device DEV to SigMF (NAME.sigmf-data and "
                    "NAME.sigmf-meta) until a limit is reached, the stream ends or Ctrl-C. "
                    "Existing recordings are never overwritten (NAME-1, NAME-2, ...). Blocks the "
                    "disk cannot take in time are counted as overruns and annotated in the "
                    "metadata. Exit code 1 when the recording failed (disk full, write error); "
                    "the files then hold everything written before the error.");
    const QCommandLineOption outDir({"o", "out"},
                                    "Folder for the recording. Default: the current "
                                    "directory.",
                                    "DIR", ".");
    const QCommandLineOption name("name",
                                  "File name or pattern: {device}, {date}, {time}, {datetime}. "
                                  "Default {device}-{datetime}.",
                                  "PATTERN", "{device}-{datetime}");
    const QCommandLineOption bytes("bytes", "Stop after this many data bytes. Default: no limit.",
                                   "N", "0");
    const QCommandLineOption samples(
        "samples", "Stop after this many samples (frames). Default: no limit.", "N", "0");
    const QCommandLineOption rate("rate",
                                  "Sample rate in Hz for the metadata when the device "
                                  "has no sampling_frequency attribute.",
                                  "HZ");
    const QCommandLineOption description("description", "core:description of the recording.",
                                         "TEXT");
    const QCommandLineOption sync("sync", "fdatasync the data before every metadata update "
                                          "(about once a second): slower, survives power loss.");
    // The recorder must hold fewer blocks than the pool: one that may hold them all starves
    // the device (whose losses a DMABUF stream cannot see) instead of counting overruns.
    const QCommandLineOption queue("queue",
                                   "Blocks the recorder may hold while the disk catches "
                                   "up; less than --blocks. Default 32.",
                                   "N", "32");
    cmd.addOption(outDir);
    cmd.addOption(name);
    cmd.addOption(bytes);
    cmd.addOption(samples);
    cmd.addOption(rate);
    cmd.addOption(description);
    cmd.addOption(sync);
    cmd.addOption(queue);
    StreamOptions opts("0");
    opts.blocks.setDescription("Blocks in the pool. Default 64.");
    opts.blocks.setDefaultValue("64");
    opts.seconds.setDescription("Stop after this many seconds of samples; 0 = no limit "
                                "(until Ctrl-C). Default 0.");
    opts.addTo(cmd);
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QString key = cmd.positional(1, 1).at(0);
    const StreamConfig config = opts.config(cmd.parser());
    if (parseInteger("queue", cmd.parser().value(queue), 1, 1 << 16) >= config.blockCount)
        throw UsageError(QString("--queue %1 must be less than --blocks %2")
                             .arg(cmd.parser().value(queue))
                             .arg(config.blockCount));

    RecordingOptions o;
    o.directory = cmd.parser().value(outDir).toStdString();
    o.name = cmd.parser().value(name).toStdString();
    o.limits.seconds = opts.secondsValue(cmd.parser());
    o.limits.bytes = static_cast<std::uint64_t>(
        parseInteger("bytes", cmd.parser().value(bytes), 0, std::numeric_limits<qint64>::max()));
    o.limits.samples = static_cast<std::uint64_t>(parseInteger(
        "samples", cmd.parser().value(samples), 0, std::numeric_limits<qint64>::max()));
    o.description = cmd.parser().value(description).toStdString();
    o.syncData = cmd.parser().isSet(sync);
    o.queueDepth =
        static_cast<std::size_t>(parseInteger("queue", cmd.parser().value(queue), 1, 1 << 16));
    if (cmd.parser().isSet(rate)) {
        bool ok = false;
        o.sampleRate = cmd.parser().value(rate).toDouble(&ok);
        if (!ok || !isValidSampleRate(o.sampleRate))
            throw UsageError(QString("--rate: '%1' is not a rate in Hz above 0 and at most 1e12")
                                 .arg(cmd.parser().value(rate)));
    }

    const bool limited = o.limits.seconds > 0 || o.limits.bytes > 0 || o.limits.samples > 0;

    installInterruptHandler();
    const auto ctx = openContext(globals);
    const DeviceInfo &dev = ctx->device(key.toStdString());
    opts.applySettings(cmd.parser(), *ctx, dev);
    if (!cmd.parser().isSet(rate)) {
        const std::string hz =
            ctx->readAttribute({dev.id, AttributeRef::Scope::Device, {}, "sampling_frequency"});
        o.sampleRate = QString::fromStdString(hz).toDouble();
        if (!isValidSampleRate(o.sampleRate))
            throw std::runtime_error(dev.name + ": sampling_frequency '" + hz +
                                     "' is not a rate (above 0, at most 1e12 Hz); give one "
                                     "with --rate");
    }
    o.device.device = dev.name.empty() ? dev.id : dev.name;
    o.device.deviceId = dev.id;
    o.device.uri = ctx->uri();
    o.device.deviceAttributes = readDeviceAttributes(*ctx, dev);

    const double sampleRate = o.sampleRate;
    const std::unique_ptr<Stream> stream = ctx->createStream(dev);
    SigmfWriter writer(std::move(o));
    writer.start(*stream); // subscribes before the stream starts: the first block is recorded
    try {
        stream->start(config);
    } catch (...) {
        writer.stop();
        throw;
    }
    const RecordingProgress first = writer.progress();
    if (!globals.json)
        out(QString("recording %1 (%2) at %3 Hz, path %4, to %5")
                .arg(q(dev.id), q(dev.name))
                .arg(sampleRate)
                .arg(q(stream->stats().path), q(first.dataPath)));

    ProgressLine progress(globals);
    QJsonArray intervals;
    std::int64_t nextReport = monotonicNs() + 1'000'000'000;
    while (!interrupted() && !writer.wait(100)) {
        const std::int64_t now = monotonicNs();
        if (now >= nextReport) {
            nextReport += 1'000'000'000;
            const RecordingProgress p = writer.progress();
            if (globals.json)
                intervals.append(recordingProgressJson(p));
            progress.update(progressText(p));
        }
    }
    writer.stop(); // Ctrl-C: the delivered blocks are written, then the final metadata
    stream->stop();
    progress.finish();

    const RecordingProgress p = writer.progress();
    if (globals.json) {
        printJson({{"device", q(dev.id)},
                   {"uri", q(ctx->uri())},
                   {"interrupted", interrupted()},
                   {"intervals", intervals},
                   {"recording", recordingProgressJson(p)},
                   {"stream", statsJson(stream->stats())}});
    } else {
        out(QString("%1: %2").arg(p.state == RecordingState::Failed ? "failed" : "recorded",
                                  progressText(p)));
        out(QString("data %1\nmeta %2").arg(q(p.dataPath), q(p.metaPath)));
        if (!p.stopReason.empty())
            out("stopped: " + q(p.stopReason));
    }
    if (p.state == RecordingState::Failed) {
        err("dmascope-cli: " + q(p.error));
        return ExitFailure;
    }
    // Without a limit Ctrl-C is how a recording ends; with one it cut the recording short.
    return interrupted() && limited ? ExitInterrupted : ExitOk;
}

} // namespace dmascope::cli

// dmascope-cli play FILE: describes a SigMF recording and plays it back through PlaybackStream
// (the source the GUI's instruments use) with a lossless consumer, printing the stream's
// statistics once per second; or exports a range of it as WAV or CSV.
#include "commands.h"
#include "stream_options.h"

#include "dmascope/playback_stream.h"
#include "dmascope/record/csv_export.h"
#include "dmascope/record/wav_export.h"

#include <QJsonArray>

namespace dmascope::cli {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QJsonObject recordingJson(const SigmfRecording &rec)
{
    const SigmfMeta &m = rec.meta();
    QJsonArray channels;
    for (const ChannelLayout &c : rec.layout()->channels)
        channels.append(q(c.label.empty() ? c.id : c.label));
    QJsonArray gaps;
    for (const SigmfAnnotation &a : m.annotations)
        if (a.lostSamples)
            gaps.append(QJsonObject{{"sampleStart", static_cast<qint64>(a.sampleStart)},
                                    {"lostSamples", static_cast<qint64>(*a.lostSamples)},
                                    {"label", q(a.label)}});
    QJsonArray warnings;
    for (const std::string &w : rec.warnings())
        warnings.append(q(w));
    return {
        {"metaPath", q(rec.metaPath())},
        {"dataPath", q(rec.dataPath())},
        {"datatype", q(m.datatype.toString())},
        {"sampleRate", m.sampleRate},
        {"numChannels", static_cast<int>(m.numChannels)},
        {"channels", channels},
        {"samples", static_cast<qint64>(rec.frameCount())},
        {"seconds", rec.seconds()},
        {"captures", static_cast<qint64>(m.captures.size())},
        {"gaps", gaps},
        {"hw", q(m.hw)},
        {"recorder", q(m.recorder)},
        {"device", m.iio ? q(m.iio->device) : QString()},
        {"warnings", warnings},
    };
}

void printRecording(const SigmfRecording &rec)
{
    const SigmfMeta &m = rec.meta();
    QStringList channels;
    for (const ChannelLayout &c : rec.layout()->channels)
        channels.append(q(c.label.empty() ? c.id : c.label));
    std::uint64_t lost = 0, gaps = 0;
    for (const SigmfAnnotation &a : m.annotations)
        if (a.lostSamples) {
            ++gaps;
            lost += *a.lostSamples;
        }
    out(QString("%1\n  %2, %3 Hz, %4 channel(s): %5\n  %6 samples, %7 s, %8 capture(s), %9 gap(s) "
                "(%10 samples lost)")
            .arg(q(rec.metaPath()), q(m.datatype.toString()))
            .arg(m.sampleRate)
            .arg(m.numChannels)
            .arg(channels.join(", "))
            .arg(rec.frameCount())
            .arg(rec.seconds(), 0, 'f', 3)
            .arg(m.captures.size())
            .arg(gaps)
            .arg(lost));
    if (!m.hw.empty())
        out("  hw: " + q(m.hw));
    for (const std::string &w : rec.warnings())
        out("  note: " + q(w));
}

// "FIRST:COUNT", "FIRST:" or ":COUNT", in frames.
ExportRange parseRange(const QString &text)
{
    ExportRange r;
    const qsizetype colon = text.indexOf(':');
    if (colon < 0)
        throw UsageError(QString("--range: '%1' is not FIRST:COUNT (frames)").arg(text));
    const QString first = text.left(colon), count = text.mid(colon + 1);
    if (!first.isEmpty())
        r.first = static_cast<std::uint64_t>(
            parseInteger("range", first, 0, std::numeric_limits<qint64>::max()));
    if (!count.isEmpty())
        r.count = static_cast<std::uint64_t>(
            parseInteger("range", count, 1, std::numeric_limits<qint64>::max()));
    return r;
}

WavFormat parseWavFormat(const QString &text)
{
    if (text == "pcm16")
        return WavFormat::Pcm16;
    if (text == "pcm32")
        return WavFormat::Pcm32;
    if (text == "float32")
        return WavFormat::Float32;
    throw UsageError(QString("--wav-format: '%1' is not pcm16, pcm32 or float32").arg(text));
}

int exportRecording(const SigmfRecording &rec, const QString &kind, const QString &path,
                    const ExportRange &range, const QString &wavFormat, bool json)
{
    if (path.isEmpty())
        throw UsageError("--export needs --out FILE");
    if (kind != "wav" && kind != "csv")
        throw UsageError(QString("--export: '%1' is not wav or csv").arg(kind));
    const WavFormat format = kind == "wav" ? parseWavFormat(wavFormat) : WavFormat::Pcm16;
    installInterruptHandler(); // Ctrl-C cancels: no partial file is left
    ExportResult result;
    try {
        const std::string file = path.toStdString();
        result = kind == "wav" ? exportWav(rec, file, format, range, {}, &interruptFlag())
                               : exportCsv(rec, file, range, {}, &interruptFlag());
    } catch (const ExportCancelled &e) {
        err(QString("dmascope-cli: ") + e.what());
        return ExitInterrupted;
    } catch (const std::invalid_argument &e) {
        // The command line was well formed; the recording cannot be exported as asked.
        throw std::runtime_error(std::string("cannot export: ") + e.what());
    }
    QJsonArray notes;
    for (const std::string &n : result.notes)
        notes.append(q(n));
    if (json) {
        printJson({{"export", kind},
                   {"path", path},
                   {"samples", static_cast<qint64>(result.frames)},
                   {"bytes", static_cast<qint64>(result.bytes)},
                   {"notes", notes}});
    } else {
        out(QString("exported %1 samples (%2 bytes) to %3")
                .arg(result.frames)
                .arg(result.bytes)
                .arg(path));
        for (const std::string &n : result.notes)
            out("  note: " + q(n));
    }
    return ExitOk;
}

} // namespace

int runPlay(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("play [options] FILE",
                    "Describes the SigMF recording FILE (NAME, NAME.sigmf-meta or "
                    "NAME.sigmf-data) and plays it back through the same stream the GUI's "
                    "instruments use, printing MB/s, samples/s, blocks and discontinuities once "
                    "per second, until the end (or --seconds with --loop). With --export, writes "
                    "a range of it as WAV or CSV instead.");
    const QCommandLineOption speed("speed",
                                   "Playback speed: 1 = the recording's rate, 0 = as "
                                   "fast as possible. Default 1.",
                                   "X", "1");
    const QCommandLineOption loop("loop", "Start again at the end.");
    const QCommandLineOption seconds("seconds",
                                     "Stop after this many seconds; 0 = at the end "
                                     "of the recording (never with --loop). Default 0.",
                                     "S", "0");
    const QCommandLineOption seek("seek", "Start at this sample (frame). Default 0.", "N", "0");
    const QCommandLineOption exportKind("export", "Export instead of playing: wav or csv.", "KIND");
    const QCommandLineOption outFile({"o", "out"}, "The file --export writes.", "FILE");
    const QCommandLineOption range("range",
                                   "Frames to export: FIRST:COUNT, FIRST: or :COUNT. "
                                   "Default: all.",
                                   "RANGE", ":");
    const QCommandLineOption wavFormat("wav-format", "pcm16, pcm32 or float32. Default pcm16.",
                                       "FORMAT", "pcm16");
    const QCommandLineOption blockSize("block-size", "Samples (frames) per block. Default 4096.",
                                       "N", "4096");
    for (const QCommandLineOption &o :
         {speed, loop, seconds, seek, exportKind, outFile, range, wavFormat, blockSize})
        cmd.addOption(o);
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QString file = cmd.positional(1, 1).at(0);
    const QCommandLineParser &p = cmd.parser();

    const auto recording = SigmfRecording::open(file.toStdString());
    if (p.isSet(exportKind))
        return exportRecording(*recording, p.value(exportKind), p.value(outFile),
                               parseRange(p.value(range)), p.value(wavFormat), globals.json);

    bool ok = false;
    const double speedValue = p.value(speed).toDouble(&ok);
    if (!ok)
        throw UsageError(QString("--speed: '%1' is not a number").arg(p.value(speed)));
    const double limit = parseSeconds("seconds", p.value(seconds));
    const auto start = static_cast<std::uint64_t>(
        parseInteger("seek", p.value(seek), 0, std::numeric_limits<qint64>::max()));
    StreamConfig config;
    config.samplesPerBlock =
        static_cast<std::size_t>(parseInteger("block-size", p.value(blockSize), 1, 1 << 24));

    if (!globals.json)
        printRecording(*recording);
    if (recording->frameCount() == 0) {
        // A recording stopped before its first block is valid; there is just nothing to play.
        if (globals.json)
            printJson({{"recording", recordingJson(*recording)}, {"played", 0}});
        else
            out("nothing to play: the recording holds no samples");
        return ExitOk;
    }
    if (start >= recording->frameCount())
        throw std::runtime_error(QString("--seek: sample %1 is past the end of the recording "
                                         "(%2 samples)")
                                     .arg(start)
                                     .arg(recording->frameCount())
                                     .toStdString());
    PlaybackStream stream(recording);
    stream.setSpeed(speedValue); // std::invalid_argument (exit 2) outside its range
    stream.setLoop(p.isSet(loop));
    stream.seek(start);
    installInterruptHandler();
    const auto sub = stream.subscribe(SubscriptionKind::Lossless, config.blockCount);
    stream.start(config);

    ProgressLine progress(globals);
    QJsonArray intervals;
    std::uint64_t frames = 0, discontinuities = 0;
    const std::int64_t t0 = monotonicNs();
    std::int64_t nextReport = t0 + 1'000'000'000;
    const std::int64_t end = limit > 0 ? t0 + static_cast<std::int64_t>(limit * 1e9) : 0;
    while (!interrupted() && stream.state() == StreamState::Running) {
        const std::int64_t now = monotonicNs();
        if (end && now >= end)
            break;
        if (auto d = sub->pop(50)) {
            frames += d->block->frames();
            discontinuities += d->discontinuity ? 1 : 0;
        } else if (stream.playbackState() == PlaybackState::Ended && sub->queued() == 0) {
            break;
        }
        if (now >= nextReport) {
            nextReport += 1'000'000'000;
            const StreamStats s = stream.stats();
            if (globals.json)
                intervals.append(statsJson(s));
            progress.update(QString("%1  position %2 / %3")
                                .arg(statsLine(s))
                                .arg(stream.position())
                                .arg(recording->frameCount()));
        }
    }
    stream.stop();
    while (auto d = sub->tryPop()) { // what was queued before the stop
        frames += d->block->frames();
        discontinuities += d->discontinuity ? 1 : 0;
    }
    progress.finish();
    const StreamStats s = stream.stats();
    if (globals.json) {
        printJson({{"recording", recordingJson(*recording)},
                   {"played", static_cast<qint64>(frames)},
                   {"discontinuities", static_cast<qint64>(discontinuities)},
                   {"loops", static_cast<qint64>(stream.loops())},
                   {"interrupted", interrupted()},
                   {"intervals", intervals},
                   {"stats", statsJson(s)}});
    } else {
        out(QString("played %1 samples, %2 discontinuities, %3 loop(s)")
                .arg(frames)
                .arg(discontinuities)
                .arg(stream.loops()));
        out("total  " + statsLine(s));
    }
    if (s.state == StreamState::Failed) {
        err("dmascope-cli: playback failed: " + q(s.error));
        return ExitFailure;
    }
    // Only an endless loop without --seconds has Ctrl-C as its normal end.
    const bool endless = p.isSet(loop) && limit == 0;
    return interrupted() && !endless ? ExitInterrupted : ExitOk;
}

} // namespace dmascope::cli

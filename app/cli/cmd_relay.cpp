// dmascope-cli relay IN OUT: zero-copy relay of a local input device to a local output device
// (RelayStream), printing what was relayed once per second.
#include "commands.h"
#include "stream_options.h"

#include "dmascope/context.h"
#include "dmascope/relay_stream.h"

#include <QJsonArray>

namespace dmascope::cli {

namespace {
QJsonObject relayJson(const RelayStats &r)
{
    return {{"blocks", qint64(r.blocks)},
            {"bytes", qint64(r.bytes)},
            {"underruns", qint64(r.underruns)},
            {"failedTransfers", qint64(r.failedTransfers)}};
}

QString relayLine(const RelayStats &r, const StreamStats &in)
{
    return QString("out %1 blocks, %2 MB/s, underruns %3, failed %4 | in ")
               .arg(r.blocks)
               .arg(in.seconds > 0 ? double(r.bytes) / in.seconds * 1e-6 : 0.0, 0, 'f', 2)
               .arg(r.underruns)
               .arg(r.failedTransfers) +
           statsLine(in);
}
} // namespace

int runRelay(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("relay [options] IN OUT",
                    "Relays local input device IN (an ADC) to local output device OUT (a DAC) "
                    "without a copy: the same DMABUFs go from IN's buffer to OUT's and back. "
                    "--channels are IN's, --out-channels OUT's; their frames must be the same "
                    "size. Prints once per second what OUT played, its underruns and failed "
                    "transfers, and IN's stream statistics. DMABUF only: there is no read() "
                    "fallback.");
    StreamOptions opts("5");
    opts.addTo(cmd);
    const QCommandLineOption outChannels("out-channels",
                                         "OUT's channels, comma-separated ids; default: every "
                                         "output scan channel.",
                                         "LIST");
    const QCommandLineOption prefill("prefill",
                                     "Blocks queued on OUT before it starts (its margin against "
                                     "IN's jitter). Default 2.",
                                     "N", "2");
    cmd.addOption(outChannels);
    cmd.addOption(prefill);
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QStringList devices = cmd.positional(2, 2);
    const StreamConfig config = opts.config(cmd.parser());
    const double seconds = opts.secondsValue(cmd.parser());
    RelayOutputConfig output;
    for (const QString &id : cmd.parser().value(outChannels).split(',', Qt::SkipEmptyParts))
        output.channels.push_back(id.trimmed().toStdString());
    output.prefill = static_cast<unsigned>(
        parseInteger("prefill", cmd.parser().value(prefill), 1, 1023));

    installInterruptHandler();
    const auto ctx = openContext(globals);
    if (ctx->kind() != ContextKind::Local)
        throw UsageError("relay works on local devices only (the context is " +
                         QString::fromStdString(ctx->uri()) + ")");
    const DeviceInfo &in = ctx->device(devices.at(0).toStdString());
    const DeviceInfo &out = ctx->device(devices.at(1).toStdString());
    opts.applySettings(cmd.parser(), *ctx, in);
    RelayStream relay(in.id, out.id, {}, output);
    relay.start(config);
    if (!globals.json)
        ::dmascope::cli::out(QString("relaying %1 (%2) to %3 (%4), path %5, %6 samples/block, %7 "
                                     "blocks, prefill %8%9")
                                 .arg(QString::fromStdString(in.id), QString::fromStdString(in.name),
                                      QString::fromStdString(out.id),
                                      QString::fromStdString(out.name),
                                      QString::fromStdString(relay.stats().path))
                                 .arg(config.samplesPerBlock)
                                 .arg(config.blockCount)
                                 .arg(output.prefill)
                                 .arg(seconds > 0 ? QString(", %1 s").arg(seconds)
                                                  : QString(", until Ctrl-C")));

    QJsonArray intervals;
    const std::int64_t start = monotonicNs();
    std::int64_t nextReport = start + 1'000'000'000;
    const std::int64_t end = seconds > 0 ? start + static_cast<std::int64_t>(seconds * 1e9) : 0;
    while (!interrupted() && relay.state() == StreamState::Running) {
        const std::int64_t now = monotonicNs();
        if (end && now >= end)
            break;
        // Nothing to consume: the stream thread relays on its own; this thread only reports.
        ::usleep(50'000);
        if (now >= nextReport) {
            nextReport += 1'000'000'000;
            if (globals.json)
                intervals.append(QJsonObject{{"relay", relayJson(relay.relayStats())},
                                             {"input", statsJson(relay.stats())}});
            else
                ::dmascope::cli::out(relayLine(relay.relayStats(), relay.stats()));
        }
    }
    relay.stop();
    const RelayStats r = relay.relayStats();
    const StreamStats s = relay.stats();
    if (globals.json) {
        printJson({{"input", QString::fromStdString(in.id)},
                   {"output", QString::fromStdString(out.id)},
                   {"interrupted", interrupted()},
                   {"intervals", intervals},
                   {"relay", relayJson(r)},
                   {"stats", statsJson(s)}});
    } else {
        ::dmascope::cli::out("total  " + relayLine(r, s));
    }
    if (s.state == StreamState::Failed) {
        err("dmascope-cli: the relay failed: " + QString::fromStdString(s.error));
        return ExitFailure;
    }
    return interrupted() && seconds > 0 ? ExitInterrupted : ExitOk;
}

} // namespace dmascope::cli

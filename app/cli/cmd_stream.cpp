// dmascope-cli stream DEV: streams and prints the stream's statistics once per second.
#include "commands.h"
#include "stream_options.h"

#include "dmascope/stream.h"

#include <QJsonArray>

namespace dmascope::cli {

int runStream(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("stream [options] DEV",
                    "Streams input device DEV and prints once per second: MB/s, samples/s, "
                    "blocks, overruns, discontinuities, the path taken (dmabuf-heap, "
                    "dmabuf-udmabuf, fileio, remote, sim) and why a fallback happened. A "
                    "lossless consumer takes every block, as a recorder would.");
    StreamOptions opts("5");
    opts.addTo(cmd);
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QString key = cmd.positional(1, 1).at(0);
    const StreamConfig config = opts.config(cmd.parser());
    const double seconds = opts.secondsValue(cmd.parser());

    installInterruptHandler();
    const auto ctx = openContext(globals);
    const DeviceInfo &dev = ctx->device(key.toStdString());
    opts.applySettings(cmd.parser(), *ctx, dev);
    const std::unique_ptr<Stream> stream = ctx->createStream(dev);
    const auto sub = stream->subscribe(SubscriptionKind::Lossless, config.blockCount);
    stream->start(config);

    if (!globals.json) {
        const StreamStats first = stream->stats();
        out(QString("streaming %1 (%2) at %3, path %4%5, %6 samples/block, %7 blocks%8")
                .arg(QString::fromStdString(dev.id), QString::fromStdString(dev.name),
                     QString::fromStdString(ctx->uri()), QString::fromStdString(first.path),
                     first.fallbackReason.empty()
                         ? QString()
                         : QString(" (fallback: %1)")
                               .arg(QString::fromStdString(first.fallbackReason)))
                .arg(config.samplesPerBlock)
                .arg(config.blockCount)
                .arg(seconds > 0 ? QString(", %1 s").arg(seconds) : QString(", until Ctrl-C")));
    }

    QJsonArray intervals;
    const std::int64_t start = monotonicNs();
    std::int64_t nextReport = start + 1'000'000'000;
    const std::int64_t end = seconds > 0 ? start + static_cast<std::int64_t>(seconds * 1e9) : 0;
    while (!interrupted() && stream->state() == StreamState::Running) {
        const std::int64_t now = monotonicNs();
        if (end && now >= end)
            break;
        // The consumer: take every block and let it go (a recorder would write it here).
        sub->pop(50);
        if (now >= nextReport) {
            nextReport += 1'000'000'000;
            const StreamStats s = stream->stats();
            if (globals.json)
                intervals.append(statsJson(s));
            else
                out(statsLine(s));
        }
    }
    stream->stop();
    const StreamStats s = stream->stats();
    if (globals.json) {
        printJson({{"device", QString::fromStdString(dev.id)},
                   {"uri", QString::fromStdString(ctx->uri())},
                   {"interrupted", interrupted()},
                   {"intervals", intervals},
                   {"stats", statsJson(s)}});
    } else {
        out("total  " + statsLine(s));
    }
    if (s.state == StreamState::Failed) {
        err("dmascope-cli: the stream failed: " + QString::fromStdString(s.error));
        return ExitFailure;
    }
    return interrupted() && seconds > 0 ? ExitInterrupted : ExitOk;
}

} // namespace dmascope::cli

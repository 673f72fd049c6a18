// dmascope-cli bench DEV: stream throughput over paths x block sizes, as a table.
#include "commands.h"
#include "stream_options.h"

#include "dmascope/stream.h"

#include <QJsonArray>
#include <QThread>

namespace dmascope::cli {

namespace {

struct Row
{
    QString path;
    std::size_t blockSize = 0;
    StreamStats stats;
    QString error;
};

std::vector<std::size_t> parseSizes(const QString &text)
{
    std::vector<std::size_t> sizes;
    for (const QString &s : text.split(',', Qt::SkipEmptyParts))
        sizes.push_back(static_cast<std::size_t>(parseInteger("block-sizes", s.trimmed(), 1,
                                                              1 << 24)));
    if (sizes.empty())
        throw UsageError("--block-sizes: no size given");
    return sizes;
}

} // namespace

int runBench(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("bench [options] DEV",
                    "Measures the stream throughput of DEV for each path and block size and "
                    "prints a table (MB/s, samples/s, overruns, the path actually taken). "
                    "Consumers are absent: blocks go back to the device as soon as they are "
                    "published, so this is the acquisition path alone. The demo device and "
                    "iio_sim pace samples at sampling_frequency; add --set throughput_mode=1 "
                    "to measure the path instead of the rate.");
    const QCommandLineOption paths("paths",
                                   "Paths to compare, comma-separated (auto, dmabuf, fileio). "
                                   "Default: dmabuf,fileio for local:, auto elsewhere.",
                                   "LIST");
    const QCommandLineOption sizes("block-sizes",
                                   "Samples per block to compare. Default 1024,4096,16384,65536.",
                                   "LIST", "1024,4096,16384,65536");
    cmd.addOption(paths);
    cmd.addOption(sizes);
    StreamOptions opts("2");
    opts.addTo(cmd, /*withPath=*/false, /*withBlockSize=*/false);
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QString key = cmd.positional(1, 1).at(0);
    const std::vector<std::size_t> blockSizes = parseSizes(cmd.parser().value(sizes));
    const double seconds = opts.secondsValue(cmd.parser());
    if (seconds <= 0)
        throw UsageError("--seconds: bench needs a duration above 0");
    StreamConfig base;
    if (cmd.parser().isSet(opts.channels))
        for (const QString &id : cmd.parser().value(opts.channels).split(',', Qt::SkipEmptyParts))
            base.channels.push_back(id.trimmed().toStdString());
    base.blockCount =
        static_cast<unsigned>(parseInteger("blocks", cmd.parser().value(opts.blocks), 2, 1024));

    installInterruptHandler();
    const auto ctx = openContext(globals);
    const DeviceInfo &dev = ctx->device(key.toStdString());
    std::vector<PathPreference> pathList;
    const QString pathText = cmd.parser().isSet(paths)
                                 ? cmd.parser().value(paths)
                                 : (ctx->kind() == ContextKind::Local ? "dmabuf,fileio" : "auto");
    for (const QString &p : pathText.split(',', Qt::SkipEmptyParts))
        pathList.push_back(parsePath(p.trimmed()));
    opts.applySettings(cmd.parser(), *ctx, dev);

    std::vector<Row> rows;
    ProgressLine progress(globals);
    const std::size_t total = pathList.size() * blockSizes.size();
    for (PathPreference path : pathList) {
        for (std::size_t size : blockSizes) {
            if (interrupted())
                break;
            Row row{pathName(path), size, {}, {}};
            progress.update(QString("bench: %1/%2  %3, %4 samples/block")
                                .arg(rows.size() + 1)
                                .arg(total)
                                .arg(row.path)
                                .arg(size));
            try {
                StreamConfig config = base;
                config.path = path;
                config.samplesPerBlock = size;
                const std::unique_ptr<Stream> stream = ctx->createStream(dev);
                stream->start(config);
                const std::int64_t end = monotonicNs() + static_cast<std::int64_t>(seconds * 1e9);
                while (!interrupted() && monotonicNs() < end &&
                       stream->state() == StreamState::Running)
                    QThread::msleep(20);
                stream->stop();
                row.stats = stream->stats();
                if (row.stats.state == StreamState::Failed)
                    row.error = QString::fromStdString(row.stats.error);
            } catch (const std::exception &e) {
                // One path failing (e.g. dmabuf where the driver lacks it) must not end the
                // comparison: the row says why.
                row.error = QString::fromUtf8(e.what());
            }
            rows.push_back(row);
        }
    }
    progress.finish();

    bool anyFailed = false;
    if (globals.json) {
        QJsonArray jrows;
        for (const Row &r : rows) {
            QJsonObject o{{"path", r.path}, {"blockSize", static_cast<qint64>(r.blockSize)}};
            if (r.error.isEmpty())
                o["stats"] = statsJson(r.stats);
            else
                o["error"] = r.error;
            anyFailed = anyFailed || !r.error.isEmpty();
            jrows.append(o);
        }
        printJson({{"device", QString::fromStdString(dev.id)},
                   {"uri", QString::fromStdString(ctx->uri())},
                   {"seconds", seconds},
                   {"rows", jrows}});
    } else {
        out(QString("%1  %2  %3  %4  %5  %6  %7")
                .arg("path", -6)
                .arg("block", 8)
                .arg("MB/s", 9)
                .arg("MS/s", 9)
                .arg("blocks", 8)
                .arg("overruns", 8)
                .arg("taken"));
        for (const Row &r : rows) {
            QString line = QString("%1  %2  ").arg(r.path, -6).arg(r.blockSize, 8);
            if (!r.error.isEmpty()) {
                line += "failed: " + r.error;
                anyFailed = true;
            } else {
                line += QString("%1  %2  %3  %4  %5")
                            .arg(r.stats.megabytesPerSecond, 9, 'f', 2)
                            .arg(r.stats.samplesPerSecond * 1e-6, 9, 'f', 3)
                            .arg(r.stats.blocks, 8)
                            .arg(r.stats.overruns, 8)
                            .arg(QString::fromStdString(r.stats.path));
                if (!r.stats.fallbackReason.empty())
                    line += " (fallback: " + QString::fromStdString(r.stats.fallbackReason) + ")";
            }
            out(line);
        }
    }
    if (interrupted())
        return ExitInterrupted;
    return anyFailed ? ExitFailure : ExitOk;
}

} // namespace dmascope::cli

#include "stream_options.h"

#include "dmascope/attribute_path.h"

namespace dmascope::cli {

StreamOptions::StreamOptions(const QString &defaultSeconds)
    : seconds("seconds",
              QString("How long to stream; 0 = until Ctrl-C. Default %1.").arg(defaultSeconds),
              "S", defaultSeconds)
{
}

void StreamOptions::addTo(CommandLine &cmd, bool withPath, bool withBlockSize)
{
    cmd.addOption(channels);
    if (withBlockSize)
        cmd.addOption(blockSize);
    cmd.addOption(blocks);
    if (withPath)
        cmd.addOption(path);
    cmd.addOption(seconds);
    cmd.addOption(set);
}

PathPreference parsePath(const QString &text)
{
    if (text == "auto")
        return PathPreference::Auto;
    if (text == "dmabuf")
        return PathPreference::Dmabuf;
    if (text == "fileio")
        return PathPreference::Fileio;
    throw UsageError(QString("--path: '%1' is not auto, dmabuf or fileio").arg(text));
}

QString pathName(PathPreference path)
{
    switch (path) {
    case PathPreference::Dmabuf: return "dmabuf";
    case PathPreference::Fileio: return "fileio";
    case PathPreference::Auto: break;
    }
    return "auto";
}

StreamConfig StreamOptions::config(const QCommandLineParser &parser) const
{
    StreamConfig c;
    if (parser.isSet(channels)) {
        for (const QString &id : parser.value(channels).split(',', Qt::SkipEmptyParts))
            c.channels.push_back(id.trimmed().toStdString());
        if (c.channels.empty())
            throw UsageError("--channels: no channel given");
    }
    // Bounds: a block must fit comfortably in memory; 2 blocks is the stream's own minimum.
    c.samplesPerBlock = static_cast<std::size_t>(
        parseInteger("block-size", parser.value(blockSize), 1, 1 << 24));
    c.blockCount = static_cast<unsigned>(parseInteger("blocks", parser.value(blocks), 2, 1024));
    c.path = parsePath(parser.value(path));
    return c;
}

double StreamOptions::secondsValue(const QCommandLineParser &parser) const
{
    return parseSeconds("seconds", parser.value(seconds));
}

void StreamOptions::applySettings(const QCommandLineParser &parser, Context &ctx,
                                  const DeviceInfo &device) const
{
    for (const QString &assignment : parser.values(set)) {
        const qsizetype eq = assignment.indexOf('=');
        if (eq <= 0)
            throw UsageError(QString("--set: '%1' is not ATTR=VALUE").arg(assignment));
        const AttributeRef ref =
            parseAttributePath(device, assignment.left(eq).toStdString());
        ctx.writeAttribute(ref, assignment.mid(eq + 1).toStdString());
    }
}

QString statsLine(const StreamStats &s)
{
    QString line = QString("%1 s  %2 MB/s  %3 MS/s  blocks %4  overruns %5  discontinuities %6  "
                           "path %7")
                       .arg(s.seconds, 6, 'f', 1)
                       .arg(s.megabytesPerSecond, 8, 'f', 2)
                       .arg(s.samplesPerSecond * 1e-6, 8, 'f', 3)
                       .arg(s.blocks)
                       .arg(s.overruns)
                       .arg(s.discontinuities)
                       .arg(QString::fromStdString(s.path));
    if (!s.fallbackReason.empty())
        line += QString(" (fallback: %1)").arg(QString::fromStdString(s.fallbackReason));
    return line;
}

QJsonObject statsJson(const StreamStats &s)
{
    return {
        {"state", toString(s.state)},
        {"error", QString::fromStdString(s.error)},
        {"seconds", s.seconds},
        {"bytes", static_cast<qint64>(s.bytes)},
        {"blocks", static_cast<qint64>(s.blocks)},
        {"samples", static_cast<qint64>(s.samples)},
        {"megabytesPerSecond", s.megabytesPerSecond},
        {"samplesPerSecond", s.samplesPerSecond},
        {"overruns", static_cast<qint64>(s.overruns)},
        {"consumerOverruns", static_cast<qint64>(s.consumerOverruns)},
        {"sourceOverruns", static_cast<qint64>(s.sourceOverruns)},
        {"lostSamples", static_cast<qint64>(s.lostSamples)},
        {"discontinuities", static_cast<qint64>(s.discontinuities)},
        {"path", QString::fromStdString(s.path)},
        {"fallbackReason", QString::fromStdString(s.fallbackReason)},
    };
}

} // namespace dmascope::cli

// dmascope-cli info DEV: one device in full, with every attribute's current value.
#include "commands.h"
#include "describe.h"

#include "dmascope/attribute_path.h"

#include <QJsonArray>

namespace dmascope::cli {

namespace {
QString q(const std::string &s)
{
    return QString::fromStdString(s);
}
} // namespace

int runInfo(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("info [options] DEV",
                    "Shows device DEV (id, name or label): kind, channels with scan type, scale "
                    "and offset, and the value of every attribute (see `attr` for their names).");
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QString key = cmd.positional(1, 1).at(0);
    const auto ctx = openContext(globals);
    const DeviceInfo &dev = ctx->device(key.toStdString());

    QJsonObject values;
    QStringList lines;
    for (const AttributeRef &ref : allAttributes(dev)) {
        const QString path = q(attributePath(dev, ref));
        try {
            const QString value = q(ctx->readAttribute(ref));
            values[path] = value;
            lines << QString("    %1 = %2").arg(path, value);
        } catch (const std::exception &e) {
            // Some attributes are write-only or fail by design (e.g. while buffering).
            values[path] = QJsonObject{{"error", QString::fromUtf8(e.what())}};
            lines << QString("    %1: <%2>").arg(path, e.what());
        }
    }

    if (globals.json) {
        QJsonObject o = deviceJson(dev);
        o["uri"] = q(ctx->uri());
        o["attributes"] = values;
        printJson(o);
        return ExitOk;
    }
    out(QString("%1 in %2").arg(q(dev.id), q(ctx->uri())));
    out(QString("  name: %1").arg(q(dev.name)));
    if (!dev.label.empty())
        out(QString("  label: %1").arg(q(dev.label)));
    out(QString("  kind: %1%2%3")
            .arg(QString::fromUtf8(toString(dev.kind).data(),
                                   static_cast<qsizetype>(toString(dev.kind).size())),
                 dev.bufferCapable ? ", buffer capable" : "", dev.trigger ? ", trigger" : ""));
    out(QString("  channels (%1):").arg(dev.channels.size()));
    for (const ChannelInfo &ch : dev.channels) {
        QString line = QString("    %1").arg(q(ch.qualifiedId()), -16);
        if (ch.scanElement)
            line += QString("  index %1  %2").arg(ch.index, 2).arg(q(ch.format()), -14);
        else
            line += QString("  %1").arg("(no scan element)", -23);
        line += QString("  scale %1  offset %2").arg(ch.scale).arg(ch.offset);
        if (!ch.label.empty() || !ch.name.empty())
            line += QString("  \"%1\"").arg(q(ch.displayName()));
        out(line);
    }
    out("  attributes:");
    for (const QString &l : lines)
        out(l);
    return ExitOk;
}

} // namespace dmascope::cli

#include "describe.h"

#include <QJsonArray>
#include <QStringList>

namespace dmascope::cli {

namespace {
QString q(const std::string &s)
{
    return QString::fromStdString(s);
}
QString q(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}
QJsonArray names(const std::vector<std::string> &list)
{
    QJsonArray out;
    for (const std::string &s : list)
        out.append(q(s));
    return out;
}
} // namespace

QString deviceSummaryLine(const DeviceInfo &device)
{
    QStringList traits{q(toString(device.kind))};
    if (device.bufferCapable)
        traits << "buffer";
    if (device.trigger)
        traits << "trigger";
    QString line = QString("%1  %2").arg(q(device.id), -14).arg(q(device.displayName()), -16);
    line += "  " + traits.join(", ");
    QStringList in, outCh;
    for (const ChannelInfo &ch : device.channels)
        (ch.direction == ChannelDirection::Output ? outCh : in) << q(ch.id);
    if (!in.isEmpty())
        line += "  in: " + in.join(' ');
    if (!outCh.isEmpty())
        line += "  out: " + outCh.join(' ');
    return line;
}

QJsonObject channelJson(const ChannelInfo &ch)
{
    QJsonObject o{
        {"id", q(ch.id)},
        {"qualifiedId", q(ch.qualifiedId())},
        {"name", q(ch.name)},
        {"label", q(ch.label)},
        {"direction", q(toString(ch.direction))},
        {"scanElement", ch.scanElement},
        {"scale", ch.scale},
        {"offset", ch.offset},
        {"attributes", names(ch.attributes)},
    };
    if (ch.scanElement) {
        o["index"] = static_cast<qint64>(ch.index);
        o["format"] = q(ch.format());
    }
    return o;
}

QJsonObject deviceJson(const DeviceInfo &device)
{
    QJsonArray channels;
    for (const ChannelInfo &ch : device.channels)
        channels.append(channelJson(ch));
    return {
        {"id", q(device.id)},
        {"name", q(device.name)},
        {"label", q(device.label)},
        {"kind", q(toString(device.kind))},
        {"bufferCapable", device.bufferCapable},
        {"trigger", device.trigger},
        {"channels", channels},
    };
}

} // namespace dmascope::cli

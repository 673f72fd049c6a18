#include "recorder_settings.h"

#include <QDir>
#include <QJsonArray>

namespace dmascope::recorder {

QString RecorderSettings::defaultFolder()
{
    return QDir::home().filePath(QStringLiteral("dmascope-recordings"));
}

QString RecorderSettings::effectiveFolder() const
{
    return folder.isEmpty() ? defaultFolder() : folder;
}

QJsonObject RecorderSettings::toJson() const
{
    return {
        {QStringLiteral("channels"), QJsonArray::fromStringList(channels)},
        {QStringLiteral("folder"), folder},
        {QStringLiteral("namePattern"), namePattern},
        {QStringLiteral("limitSeconds"), limitSeconds},
        // JSON numbers are doubles: exact up to 2^53, far beyond any disk.
        {QStringLiteral("limitBytes"), static_cast<double>(limitBytes)},
        {QStringLiteral("limitSamples"), static_cast<double>(limitSamples)},
    };
}

RecorderSettings RecorderSettings::fromJson(const QJsonObject &json)
{
    RecorderSettings s;
    const auto count = [&json](const char *key, std::uint64_t fallback) {
        const QJsonValue v = json.value(QLatin1String(key));
        return v.isDouble() && v.toDouble() >= 0 ? static_cast<std::uint64_t>(v.toDouble())
                                                 : fallback;
    };
    const QJsonValue channels = json.value(QLatin1String("channels"));
    if (channels.isArray()) {
        for (const QJsonValue &c : channels.toArray())
            if (c.isString() && !c.toString().isEmpty())
                s.channels.append(c.toString());
    }
    const QJsonValue folder = json.value(QLatin1String("folder"));
    if (folder.isString())
        s.folder = folder.toString();
    const QJsonValue pattern = json.value(QLatin1String("namePattern"));
    if (pattern.isString() && !pattern.toString().trimmed().isEmpty())
        s.namePattern = pattern.toString();
    const QJsonValue seconds = json.value(QLatin1String("limitSeconds"));
    if (seconds.isDouble() && seconds.toDouble() >= 0)
        s.limitSeconds = seconds.toDouble();
    s.limitBytes = count("limitBytes", s.limitBytes);
    s.limitSamples = count("limitSamples", s.limitSamples);
    return s;
}

} // namespace dmascope::recorder

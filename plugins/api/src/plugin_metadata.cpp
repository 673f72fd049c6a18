#include "dmascope/plugin/plugin_metadata.h"

#include <QJsonArray>

namespace dmascope::plugin {

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool requireString(const QJsonObject &json, const char *key, QString *out, QString *error)
{
    const QJsonValue v = json.value(QLatin1String(key));
    if (v.isUndefined())
        return fail(error, QStringLiteral("metadata: missing \"%1\"").arg(key));
    if (!v.isString() || v.toString().trimmed().isEmpty())
        return fail(error, QStringLiteral("metadata: \"%1\" must be a non-empty string").arg(key));
    *out = v.toString();
    return true;
}

} // namespace

std::optional<PluginMetadata> PluginMetadata::fromJson(const QJsonObject &json, QString *error)
{
    if (json.isEmpty()) {
        fail(error, QStringLiteral("metadata: empty or not a JSON object"));
        return std::nullopt;
    }
    PluginMetadata m;
    if (!requireString(json, "id", &m.id, error) || !requireString(json, "name", &m.name, error)
        || !requireString(json, "version", &m.version, error))
        return std::nullopt;

    // A JSON number that is not a whole positive int is as wrong as a string: the app compares
    // it for equality, and "1.5" or "1" must not be read as some version by accident.
    const QJsonValue api = json.value(QLatin1String("apiVersion"));
    if (api.isUndefined()) {
        fail(error, QStringLiteral("metadata: missing \"apiVersion\""));
        return std::nullopt;
    }
    const double apiNumber = api.toDouble(-1);
    if (!api.isDouble() || apiNumber < 1 || apiNumber != static_cast<int>(apiNumber)) {
        fail(error, QStringLiteral("metadata: \"apiVersion\" must be a positive integer"));
        return std::nullopt;
    }
    m.apiVersion = static_cast<int>(apiNumber);

    const QJsonValue kinds = json.value(QLatin1String("deviceKinds"));
    if (!kinds.isArray() || kinds.toArray().isEmpty()) {
        fail(error, QStringLiteral("metadata: \"deviceKinds\" must be a non-empty array"));
        return std::nullopt;
    }
    for (const QJsonValue &k : kinds.toArray()) {
        if (!k.isString() || k.toString().isEmpty()) {
            fail(error, QStringLiteral("metadata: \"deviceKinds\" entries must be strings"));
            return std::nullopt;
        }
        m.deviceKinds.append(k.toString());
    }
    m.description = json.value(QLatin1String("description")).toString();
    const QJsonValue isDefault = json.value(QLatin1String("defaultInstrument"));
    if (!isDefault.isUndefined() && !isDefault.isBool()) {
        fail(error, QStringLiteral("metadata: \"defaultInstrument\" must be true or false"));
        return std::nullopt;
    }
    m.defaultInstrument = isDefault.toBool(true);
    return m;
}

bool PluginMetadata::supportsKind(const QString &kind) const
{
    return deviceKinds.contains(QLatin1String("*")) || deviceKinds.contains(kind);
}

} // namespace dmascope::plugin

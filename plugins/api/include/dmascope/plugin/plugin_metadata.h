// What a plugin says about itself in its JSON metadata, read with QPluginLoader::metaData()
// before the library is loaded, so an incompatible plugin never runs any of its code.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace dmascope::plugin {

struct PluginMetadata
{
    QString id;              // reverse-DNS, unique: "org.dmascope.scope"
    QString name;            // shown to the user: "Oscilloscope"
    QString version;         // the plugin's own version
    int apiVersion = 0;      // the plugin API it was built against
    QStringList deviceKinds; // DeviceDescription::kind values it may offer instruments for; "*" any
    QString description;
    // "defaultInstrument": false for tools that should not open by themselves when a device is
    // activated (the Recorder); the app then opens the first other plugin. Optional, true.
    bool defaultInstrument = true;

    // Parses the plugin's own JSON (the "MetaData" member of QPluginLoader::metaData()).
    // Returns std::nullopt and a message naming the offending field when it is malformed.
    static std::optional<PluginMetadata> fromJson(const QJsonObject &json, QString *error);

    bool supportsKind(const QString &kind) const;
};

} // namespace dmascope::plugin

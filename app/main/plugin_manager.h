// Finds, checks and loads instrument plugins. Each candidate's metadata is read and checked
// (IID, JSON fields, API version, duplicate id) before its library is loaded; anything wrong is
// recorded on its PluginSpec with the reason and the scan moves on, so one broken plugin never
// stops the app.
#pragma once

#include "dmascope/plugin/device_description.h"
#include "dmascope/plugin/plugin_api_version.h"
#include "dmascope/plugin/plugin_metadata.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <deque>

class QPluginLoader;

namespace dmascope::plugin {
class InstrumentPlugin;
}

namespace dmascope::app {

struct PluginSpec
{
    enum class State { Loaded, Failed, Shadowed };

    QString path;
    plugin::PluginMetadata metadata; // fields are empty when the metadata could not be read
    State state = State::Failed;
    QString error;                   // why it is Failed or Shadowed; empty when Loaded
    plugin::InstrumentPlugin *plugin = nullptr; // owned by the loader's root instance

    std::shared_ptr<QPluginLoader> loader; // kept so the library stays loaded
};

QString toString(PluginSpec::State state);

class PluginManager
{
public:
    explicit PluginManager(int apiVersion = plugin::kPluginApiVersion);
    ~PluginManager();
    PluginManager(const PluginManager &) = delete;
    PluginManager &operator=(const PluginManager &) = delete;

    // Scans `dirs` in order (files in each dir sorted by name) and loads what passes the checks.
    // Specs live as long as the manager (a deque: pointers to them stay valid across scans).
    // May be called again with other dirs; ids already loaded shadow later ones.
    void scan(const QStringList &dirs);

    const std::deque<PluginSpec> &specs() const noexcept { return specs_; }
    const QStringList &searchedDirs() const noexcept { return dirs_; }
    const PluginSpec *loadedPlugin(const QString &id) const;

    // Loaded plugins whose metadata lists the device's kind and whose probe() accepts it,
    // in scan order. A plugin whose probe throws is treated as declining.
    QList<const PluginSpec *> pluginsFor(const plugin::DeviceDescription &device) const;

private:
    PluginSpec inspect(const QString &path) const;

    int apiVersion_;
    QStringList dirs_;
    std::deque<PluginSpec> specs_;
};

} // namespace dmascope::app

#include "plugin_manager.h"

#include "dmascope/plugin/instrument_plugin.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QLibrary>
#include <QPluginLoader>

#include <exception>

namespace dmascope::app {

using plugin::DeviceDescription;
using plugin::InstrumentPlugin;
using plugin::PluginMetadata;

QString toString(PluginSpec::State state)
{
    switch (state) {
    case PluginSpec::State::Loaded: return QStringLiteral("loaded");
    case PluginSpec::State::Failed: return QStringLiteral("failed");
    case PluginSpec::State::Shadowed: return QStringLiteral("shadowed");
    }
    return {};
}

PluginManager::PluginManager(int apiVersion) : apiVersion_(apiVersion) {}

PluginManager::~PluginManager() = default;

void PluginManager::scan(const QStringList &dirs)
{
    for (const QString &dirPath : dirs) {
        dirs_.append(dirPath);
        const QDir dir(dirPath);
        if (!dir.exists())
            continue;
        const QFileInfoList files =
            dir.entryInfoList(QDir::Files | QDir::Readable, QDir::Name);
        for (const QFileInfo &fi : files) {
            if (!QLibrary::isLibrary(fi.fileName()))
                continue;
            specs_.push_back(inspect(fi.absoluteFilePath()));
        }
    }
}

PluginSpec PluginManager::inspect(const QString &path) const
{
    PluginSpec spec;
    spec.path = path;
    auto loader = std::make_shared<QPluginLoader>(path);
    // Resolve everything at load time: a plugin with a missing symbol must fail here, where it
    // is listed with its error, not crash the app when the symbol is first called.
    loader->setLoadHints(QLibrary::ResolveAllSymbolsHint);

    // Everything up to instance() reads the file's metadata section only; no plugin code runs.
    const QJsonObject raw = loader->metaData();
    if (raw.isEmpty()) {
        spec.error = QStringLiteral("not a Qt plugin: %1").arg(loader->errorString());
        return spec;
    }
    const QString iid = raw.value(QLatin1String("IID")).toString();
    if (iid != QLatin1String(DMASCOPE_INSTRUMENT_PLUGIN_IID)) {
        spec.error = QStringLiteral("not a dmascope instrument plugin (IID \"%1\", expected \"%2\")")
                         .arg(iid, QLatin1String(DMASCOPE_INSTRUMENT_PLUGIN_IID));
        return spec;
    }
    QString error;
    const auto meta =
        PluginMetadata::fromJson(raw.value(QLatin1String("MetaData")).toObject(), &error);
    if (!meta) {
        spec.error = QStringLiteral("corrupt metadata: %1").arg(error);
        return spec;
    }
    spec.metadata = *meta;
    if (meta->apiVersion != apiVersion_) {
        spec.error = QStringLiteral("built for plugin API version %1, this dmascope supports %2")
                         .arg(meta->apiVersion)
                         .arg(apiVersion_);
        return spec;
    }
    if (const PluginSpec *first = loadedPlugin(meta->id)) {
        spec.state = PluginSpec::State::Shadowed;
        spec.error = QStringLiteral("same id as %1, which comes first in the search path")
                         .arg(first->path);
        return spec;
    }

    QObject *instance = loader->instance();
    if (!instance) {
        spec.error = QStringLiteral("load failed: %1").arg(loader->errorString());
        return spec;
    }
    auto *plugin = qobject_cast<InstrumentPlugin *>(instance);
    if (!plugin) {
        spec.error = QStringLiteral("does not implement the instrument plugin interface");
        loader->unload();
        return spec;
    }
    spec.plugin = plugin;
    spec.loader = std::move(loader);
    spec.state = PluginSpec::State::Loaded;
    return spec;
}

const PluginSpec *PluginManager::loadedPlugin(const QString &id) const
{
    for (const PluginSpec &s : specs_)
        if (s.state == PluginSpec::State::Loaded && s.metadata.id == id)
            return &s;
    return nullptr;
}

QList<const PluginSpec *> PluginManager::pluginsFor(const DeviceDescription &device) const
{
    QList<const PluginSpec *> out;
    for (const PluginSpec &s : specs_) {
        if (s.state != PluginSpec::State::Loaded || !s.metadata.supportsKind(device.kind))
            continue;
        bool offers = false;
        try {
            offers = s.plugin->probe(device);
        } catch (const std::exception &e) {
            qWarning("plugin %s: probe threw: %s", qPrintable(s.metadata.id), e.what());
        } catch (...) {
            qWarning("plugin %s: probe threw", qPrintable(s.metadata.id));
        }
        if (offers)
            out.append(&s);
    }
    return out;
}

} // namespace dmascope::app

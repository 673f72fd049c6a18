#include "plugin_search_path.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

namespace dmascope::app {

namespace {

void appendSplit(QStringList &out, const QString &colonSeparated)
{
    for (const QString &p : colonSeparated.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        out.append(p);
}

} // namespace

QStringList pluginSearchPath(const PluginSearchPathSources &sources)
{
    QStringList raw;
    for (const QString &c : sources.commandLine)
        appendSplit(raw, c);
    appendSplit(raw, sources.environment);
    raw << sources.userDir << sources.buildDir << sources.installDir;

    QStringList out;
    for (const QString &p : raw) {
        if (p.trimmed().isEmpty())
            continue;
        const QString abs = QDir::cleanPath(QDir(p).absolutePath());
        if (!out.contains(abs))
            out.append(abs);
    }
    return out;
}

PluginSearchPathSources defaultPluginSearchPathSources(const QStringList &commandLine)
{
    PluginSearchPathSources s;
    s.commandLine = commandLine;
    s.environment = qEnvironmentVariable("DMASCOPE_PLUGIN_PATH");
    s.userDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/dmascope/plugins");

    const QString appDir = QDir::cleanPath(QCoreApplication::applicationDirPath());
    // The build tree's plugins are only right for the build tree's executable: an installed
    // dmascope must not pick up whatever a developer last compiled.
    const QString binaryDir = QDir::cleanPath(QStringLiteral(DMASCOPE_BINARY_DIR));
    if (appDir == binaryDir || appDir.startsWith(binaryDir + QLatin1Char('/')))
        s.buildDir = QStringLiteral(DMASCOPE_PLUGIN_BUILD_DIR);
    // Relative to the executable so a relocated installation (a tarball, an AppImage) works.
    s.installDir = QDir::cleanPath(appDir + QStringLiteral("/../")
                                   + QStringLiteral(DMASCOPE_PLUGIN_INSTALL_DIR));
    return s;
}

} // namespace dmascope::app

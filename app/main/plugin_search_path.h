// Where the app looks for instrument plugins, in priority order: what the user asked for on the
// command line, then DMASCOPE_PLUGIN_PATH, the user's plugin dir, the build tree (only when
// running from it) and the install dir. A plugin id found twice is taken from the first place,
// so a user can override an installed plugin without touching the installation.
#pragma once

#include <QString>
#include <QStringList>

namespace dmascope::app {

struct PluginSearchPathSources
{
    QStringList commandLine; // each --plugin-path value; may itself be colon-separated
    QString environment;     // DMASCOPE_PLUGIN_PATH, colon-separated
    QString userDir;         // ~/.local/share/dmascope/plugins
    QString buildDir;        // empty unless the executable runs from the build tree
    QString installDir;
};

// The ordered list of directories, absolute, cleaned, without empty entries or duplicates.
QStringList pluginSearchPath(const PluginSearchPathSources &sources);

// The sources for this process: environment, XDG data home, and build/install dirs derived
// from where the executable lives. Needs a QCoreApplication.
PluginSearchPathSources defaultPluginSearchPathSources(const QStringList &commandLine);

} // namespace dmascope::app

// dmascope's command line: --uri, --plugin-path (repeatable), --demo, --help, --version.
#pragma once

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace dmascope::app {

struct CommandLineOptions
{
    QString uri;             // context to start on; empty: restore the session / pick a default
    QStringList pluginPaths; // searched before every other plugin directory
    bool demo = false;       // start on sim: and ignore the saved session
};

enum class CommandLineResult { Ok, Error, HelpRequested, VersionRequested };

// Fills `parser` with dmascope's options and parses `arguments` (argv, program name first).
// On Error, *error says what was wrong; the caller prints it (or the help) and exits.
CommandLineResult parseCommandLine(QCommandLineParser &parser, const QStringList &arguments,
                                   CommandLineOptions *options, QString *error);

} // namespace dmascope::app

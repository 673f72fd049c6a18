#include "command_line.h"

#include <QCommandLineParser>

namespace dmascope::app {

CommandLineResult parseCommandLine(QCommandLineParser &parser, const QStringList &arguments,
                                   CommandLineOptions *options, QString *error)
{
    parser.setApplicationDescription(
        QStringLiteral("Oscilloscope and spectrum analyzer for Linux IIO devices."));
    const QCommandLineOption uri(
        QStringLiteral("uri"),
        QStringLiteral("Open the IIO context <uri> (local:, ip:HOST, usb:..., sim:) and start an "
                       "instrument on its first device."),
        QStringLiteral("uri"));
    const QCommandLineOption pluginPath(
        QStringLiteral("plugin-path"),
        QStringLiteral("Search <dir> for instrument plugins before the default places "
                       "(repeatable; colon-separated lists work too)."),
        QStringLiteral("dir"));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QStringLiteral("Start on the built-in demo device (sim:) and ignore the saved session."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addOption(uri);
    parser.addOption(pluginPath);
    parser.addOption(demo);

    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return CommandLineResult::Error;
    }
    if (parser.isSet(help))
        return CommandLineResult::HelpRequested;
    if (parser.isSet(version))
        return CommandLineResult::VersionRequested;
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first());
        return CommandLineResult::Error;
    }
    options->uri = parser.value(uri);
    options->pluginPaths = parser.values(pluginPath);
    options->demo = parser.isSet(demo);
    if (options->demo && !options->uri.isEmpty() && options->uri != QLatin1String("sim:")) {
        *error = QStringLiteral("--demo and --uri %1 contradict each other").arg(options->uri);
        return CommandLineResult::Error;
    }
    if (options->demo)
        options->uri = QStringLiteral("sim:");
    return CommandLineResult::Ok;
}

} // namespace dmascope::app

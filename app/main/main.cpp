// dmascope: the GUI. Parses the command line, loads the plugins, shows the main window.
#include "command_line.h"
#include "main_window.h"
#include "plugin_manager.h"
#include "plugin_search_path.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Parsed before QApplication exists, so --help and --version work without a display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    QCommandLineParser parser;
    dmascope::app::CommandLineOptions options;
    QString error;
    switch (dmascope::app::parseCommandLine(parser, arguments, &options, &error)) {
    case dmascope::app::CommandLineResult::Error:
        std::fprintf(stderr, "dmascope: %s\n\n%s", qPrintable(error), qPrintable(parser.helpText().replace(QStringLiteral("<executable_name>"), QStringLiteral("dmascope"))));
        return 2;
    case dmascope::app::CommandLineResult::HelpRequested:
        std::printf("%s", qPrintable(parser.helpText().replace(QStringLiteral("<executable_name>"), QStringLiteral("dmascope"))));
        return 0;
    case dmascope::app::CommandLineResult::VersionRequested:
        std::printf("dmascope %s\n", DMASCOPE_VERSION);
        return 0;
    case dmascope::app::CommandLineResult::Ok:
        break;
    }

    // Scale by the screen's exact factor (1.25, 1.5): plots and SVG icons draw at any scale, and
    // rounding to 1 or 2 would make everything too small or too large on laptop panels.
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(
        Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("dmascope"));
    QApplication::setApplicationName(QStringLiteral("dmascope"));
    QApplication::setApplicationVersion(QStringLiteral(DMASCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("dmascope"));

    dmascope::app::PluginManager plugins;
    plugins.scan(dmascope::app::pluginSearchPath(
        dmascope::app::defaultPluginSearchPathSources(options.pluginPaths)));
    for (const auto &spec : plugins.specs())
        if (spec.state != dmascope::app::PluginSpec::State::Loaded)
            std::fprintf(stderr, "dmascope: plugin %s %s: %s\n", qPrintable(spec.path),
                         qPrintable(toString(spec.state)), qPrintable(spec.error));

    dmascope::app::MainWindowOptions windowOptions;
    windowOptions.startUri = options.uri;
    windowOptions.restoreSession = !options.demo;
    dmascope::app::MainWindow window(plugins, windowOptions);
    window.show();
    window.start();
    return app.exec();
}

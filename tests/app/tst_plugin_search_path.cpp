// pluginSearchPath: the order in which plugin directories are searched.
#include "plugin_search_path.h"

#include <QCoreApplication>
#include <QDir>
#include <QTest>

using dmascope::app::pluginSearchPath;
using dmascope::app::PluginSearchPathSources;

class TstPluginSearchPath : public QObject
{
    Q_OBJECT

private slots:
    void ordersCommandLineEnvUserBuildInstall()
    {
        PluginSearchPathSources s;
        s.commandLine = {QStringLiteral("/cli/a:/cli/b"), QStringLiteral("/cli/c")};
        s.environment = QStringLiteral("/env/a::/env/b");
        s.userDir = QStringLiteral("/home/u/.local/share/dmascope/plugins");
        s.buildDir = QStringLiteral("/build/plugins/lib");
        s.installDir = QStringLiteral("/usr/lib/x86_64-linux-gnu/dmascope/plugins");
        const QStringList expected{QStringLiteral("/cli/a"), QStringLiteral("/cli/b"),
                                   QStringLiteral("/cli/c"), QStringLiteral("/env/a"),
                                   QStringLiteral("/env/b"), s.userDir, s.buildDir, s.installDir};
        QCOMPARE(pluginSearchPath(s), expected);
    }

    void dropsEmptyEntriesAndDuplicates()
    {
        PluginSearchPathSources s;
        s.commandLine = {QStringLiteral("/x/plugins/"), QString()};
        s.environment = QStringLiteral("/x/./plugins:/y");
        s.installDir = QStringLiteral("/y");
        QCOMPARE(pluginSearchPath(s), (QStringList{QStringLiteral("/x/plugins"),
                                                   QStringLiteral("/y")}));
    }

    void makesRelativeEntriesAbsolute()
    {
        PluginSearchPathSources s;
        s.commandLine = {QStringLiteral("rel/plugins")};
        QCOMPARE(pluginSearchPath(s),
                 QStringList{QDir::cleanPath(QDir::currentPath() + "/rel/plugins")});
    }

    void defaultsReadTheEnvironmentAndXdgDataHome()
    {
        qputenv("DMASCOPE_PLUGIN_PATH", "/from/env");
        qputenv("XDG_DATA_HOME", "/xdg/data");
        const auto s = dmascope::app::defaultPluginSearchPathSources({QStringLiteral("/cli")});
        QCOMPARE(s.commandLine, QStringList{QStringLiteral("/cli")});
        QCOMPARE(s.environment, QStringLiteral("/from/env"));
        QCOMPARE(s.userDir, QStringLiteral("/xdg/data/dmascope/plugins"));
        // This test runs from the build tree, so the build-tree plugin folder is searched.
        QVERIFY(!s.buildDir.isEmpty());
        QVERIFY(s.installDir.endsWith(QStringLiteral("/dmascope/plugins")));
    }
};

QTEST_GUILESS_MAIN(TstPluginSearchPath)
#include "tst_plugin_search_path.moc"

// parseCommandLine: dmascope's options and their contradictions.
#include "command_line.h"

#include <QCommandLineParser>
#include <QTest>

using dmascope::app::CommandLineOptions;
using dmascope::app::CommandLineResult;
using dmascope::app::parseCommandLine;

class TstCommandLine : public QObject
{
    Q_OBJECT

    static CommandLineResult parse(const QStringList &args, CommandLineOptions *o, QString *error)
    {
        QCommandLineParser p;
        return parseCommandLine(p, QStringList{QStringLiteral("dmascope")} + args, o, error);
    }

private slots:
    void defaults()
    {
        CommandLineOptions o;
        QString e;
        QCOMPARE(parse({}, &o, &e), CommandLineResult::Ok);
        QVERIFY(o.uri.isEmpty());
        QVERIFY(o.pluginPaths.isEmpty());
        QVERIFY(!o.demo);
    }

    void uriAndPluginPaths()
    {
        CommandLineOptions o;
        QString e;
        QCOMPARE(parse({"--uri", "ip:192.168.2.1", "--plugin-path", "/a:/b", "--plugin-path=/c"},
                       &o, &e),
                 CommandLineResult::Ok);
        QCOMPARE(o.uri, QStringLiteral("ip:192.168.2.1"));
        QCOMPARE(o.pluginPaths, (QStringList{"/a:/b", "/c"}));
    }

    void demoMeansSim()
    {
        CommandLineOptions o;
        QString e;
        QCOMPARE(parse({"--demo"}, &o, &e), CommandLineResult::Ok);
        QVERIFY(o.demo);
        QCOMPARE(o.uri, QStringLiteral("sim:"));
        QCOMPARE(parse({"--demo", "--uri", "sim:"}, &o, &e), CommandLineResult::Ok);
    }

    void contradictionsAndUnknownsAreErrors()
    {
        CommandLineOptions o;
        QString e;
        QCOMPARE(parse({"--demo", "--uri", "local:"}, &o, &e), CommandLineResult::Error);
        QVERIFY2(e.contains(QStringLiteral("contradict")), qPrintable(e));
        QCOMPARE(parse({"--frobnicate"}, &o, &e), CommandLineResult::Error);
        QCOMPARE(parse({"stray"}, &o, &e), CommandLineResult::Error);
        QVERIFY2(e.contains(QStringLiteral("stray")), qPrintable(e));
        QCOMPARE(parse({"--uri"}, &o, &e), CommandLineResult::Error); // missing value
    }

    void helpAndVersion()
    {
        CommandLineOptions o;
        QString e;
        QCOMPARE(parse({"--help"}, &o, &e), CommandLineResult::HelpRequested);
        QCOMPARE(parse({"-h"}, &o, &e), CommandLineResult::HelpRequested);
        QCOMPARE(parse({"--version"}, &o, &e), CommandLineResult::VersionRequested);
    }
};

QTEST_GUILESS_MAIN(TstCommandLine)
#include "tst_command_line.moc"

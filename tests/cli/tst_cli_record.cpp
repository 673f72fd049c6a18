// dmascope-cli record on the demo device sim: as users run it: a recording with a sample limit
// (files, output, --json), names that never overwrite, a duration limit, SIGHUP closing it
// cleanly, and the errors (missing folder, bad name pattern, unknown device, a rate out of
// range) with their exit codes.
#include "cli_runner.h"

#include "dmascope/record/sigmf_recording.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>

using namespace clitest;

class TstCliRecord : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;

    QStringList record(const QString &dir, const QStringList &extra) const
    {
        return QStringList{"--uri", "sim:", "record", "iio-sim-adc",
                           "--out", dir,    "--set",  "sampling_frequency=100000"} +
               extra;
    }

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void help()
    {
        const Run r = cli({"record", "--help"});
        EXPECT_EXIT(r, 0);
        QVERIFY2(r.out.startsWith("Usage: dmascope-cli record"), qPrintable(r.out));
        for (const char *o :
             {"--out", "--name", "--seconds", "--bytes", "--samples", "--channels", "--path"})
            QVERIFY2(r.out.contains(o), o);
    }

    void recordsASampleLimitAndNeverOverwrites()
    {
        const QString dir = tmp_.filePath("limit");
        QVERIFY(QDir().mkpath(dir));
        const Run r = cli(record(dir, {"--name", "take", "--samples", "50000", "--channels",
                                       "voltage0,voltage3", "--progress"}));
        EXPECT_EXIT(r, 0);
        QVERIFY2(r.out.contains("(iio-sim-adc) at 100000 Hz"), qPrintable(r.out));
        QVERIFY2(r.out.contains("sample limit reached"), qPrintable(r.out));
        QVERIFY2(r.out.contains(QDir(dir).filePath("take.sigmf-data")), qPrintable(r.out));
        const auto rec = dmascope::SigmfRecording::open(QDir(dir).filePath("take").toStdString());
        QCOMPARE(rec->frameCount(), std::uint64_t(50000));
        QCOMPARE(rec->meta().numChannels, 2u);
        QCOMPARE(rec->meta().sampleRate, 100000.0);
        QVERIFY(rec->meta().iio);
        QCOMPARE(QString::fromStdString(rec->meta().iio->channels.at(1).id), QString("voltage3"));
        // The device's attributes at the start are in the extension.
        bool haveRate = false;
        for (const auto &[name, value] : rec->meta().iio->deviceAttributes)
            haveRate |= name == "sampling_frequency" && value == "100000";
        QVERIFY(haveRate);

        // Again with the same name: a new file beside it, the first one untouched.
        const Run again = cli(record(dir, {"--name", "take", "--samples", "1000", "--json"}));
        EXPECT_EXIT(again, 0);
        const QJsonObject j = json(again).value("recording").toObject();
        QCOMPARE(j.value("state").toString(), QString("finished"));
        QCOMPARE(j.value("samples").toInteger(), 1000);
        QCOMPARE(j.value("metaPath").toString(), QDir(dir).filePath("take-1.sigmf-meta"));
        QCOMPARE(j.value("overruns").toInteger(), 0);
        QCOMPARE(
            dmascope::SigmfRecording::open(QDir(dir).filePath("take").toStdString())->frameCount(),
            std::uint64_t(50000));
    }

    void durationAndSizeLimits()
    {
        const QString dir = tmp_.filePath("limits");
        QVERIFY(QDir().mkpath(dir));
        const Run seconds = cli(record(dir, {"--name", "sec", "--seconds", "0.5", "--json"}));
        EXPECT_EXIT(seconds, 0);
        QCOMPARE(json(seconds).value("recording").toObject().value("samples").toInteger(), 50000);
        // 4 channels x 2 bytes: 80000 bytes are 10000 frames.
        const Run bytes = cli(record(dir, {"--name", "size", "--bytes", "80000", "--json"}));
        EXPECT_EXIT(bytes, 0);
        QCOMPARE(QFileInfo(QDir(dir).filePath("size.sigmf-data")).size(), 80000);
    }

    void errorsHaveTheirExitCodes()
    {
        const Run missing = cli(record(tmp_.filePath("no/such/dir"), {"--samples", "10"}));
        EXPECT_EXIT(missing, 1);
        QVERIFY2(missing.err.contains(tmp_.filePath("no/such/dir")), qPrintable(missing.err));
        QVERIFY(!QDir(tmp_.filePath("no")).exists());

        const Run pattern = cli(record(tmp_.path(), {"--name", "{bogus}", "--samples", "10"}));
        EXPECT_EXIT(pattern, 2);
        QVERIFY2(pattern.err.contains("{bogus}"), qPrintable(pattern.err));

        const Run device = cli({"--uri", "sim:", "record", "no-such-device", "--out", tmp_.path()});
        EXPECT_EXIT(device, 3);

        const Run badLimit = cli(record(tmp_.path(), {"--samples", "-4"}));
        EXPECT_EXIT(badLimit, 2);

        // A rate no reader would accept is refused before anything is written.
        const QString rateDir = tmp_.filePath("rate");
        QVERIFY(QDir().mkpath(rateDir));
        const Run badRate = cli(record(rateDir, {"--samples", "10", "--rate", "2e12"}));
        EXPECT_EXIT(badRate, 2);
        QVERIFY2(badRate.err.contains("at most 1e12"), qPrintable(badRate.err));
        QVERIFY(QDir(rateDir).isEmpty());
    }

    void hangupEndsTheRecordingCleanly()
    {
        // A closed terminal or ssh session sends SIGHUP: the recording must be closed as on
        // Ctrl-C (final metadata describing every sample written), not cut off.
        const QString dir = tmp_.filePath("hup");
        QVERIFY(QDir().mkpath(dir));
        QProcess p;
        p.start(DMASCOPE_CLI, record(dir, {"--name", "hup"}));
        QVERIFY(p.waitForStarted());
        QByteArray printed;
        QTRY_VERIFY_WITH_TIMEOUT((printed += p.readAllStandardOutput()).startsWith("recording "),
                                 30000);
        QTest::qWait(300);
        QCOMPARE(::kill(static_cast<pid_t>(p.processId()), SIGHUP), 0);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0); // no limit: a signal is how it ends
        const auto rec = dmascope::SigmfRecording::open(QDir(dir).filePath("hup").toStdString());
        QVERIFY(rec->frameCount() > 0);
        QVERIFY(rec->meta().iio && rec->meta().iio->sampleCount);
        QCOMPARE(*rec->meta().iio->sampleCount, rec->frameCount()); // the final update
        QVERIFY(rec->warnings().empty());
    }
};

QTEST_GUILESS_MAIN(TstCliRecord)
#include "tst_cli_record.moc"

// dmascope-cli play on recordings made with dmascope-cli record from sim:: the description, a
// full playback as fast as possible (every sample), --seek, --loop with --seconds, the WAV and
// CSV exports of a range, an empty recording, SIGTERM during playback and during an export (no
// partial file), and the errors for malformed recordings, bad options and what a recording
// cannot satisfy.
#include "cli_runner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace clitest;

class TstCliPlay : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;
    QString rec_; // 20000 frames of voltage0 and voltage3 at 10 kS/s

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        const Run r = cli({"--uri", "sim:", "record", "iio-sim-adc", "--out", tmp_.path(), "--name",
                           "play", "--channels", "voltage0,voltage3", "--samples", "20000", "--set",
                           "sampling_frequency=10000"});
        EXPECT_EXIT(r, 0);
        rec_ = QDir(tmp_.path()).filePath("play.sigmf-meta");
    }

    void help()
    {
        const Run r = cli({"play", "--help"});
        EXPECT_EXIT(r, 0);
        QVERIFY2(r.out.startsWith("Usage: dmascope-cli play"), qPrintable(r.out));
        for (const char *o : {"--speed", "--loop", "--seconds", "--export", "--range"})
            QVERIFY2(r.out.contains(o), o);
    }

    void describesAndPlaysEverySample()
    {
        const Run text = cli({"play", rec_, "--speed", "0"});
        EXPECT_EXIT(text, 0);
        QVERIFY2(text.out.contains("ri16_le") && text.out.contains("10000 Hz") &&
                     text.out.contains("20000 samples"),
                 qPrintable(text.out));
        QVERIFY2(text.out.contains("played 20000 samples"), qPrintable(text.out));

        const Run j = cli({"play", rec_, "--speed", "0", "--json"});
        EXPECT_EXIT(j, 0);
        const QJsonObject o = json(j);
        QCOMPARE(o.value("played").toInteger(), 20000);
        QCOMPARE(o.value("recording").toObject().value("samples").toInteger(), 20000);
        QCOMPARE(o.value("recording").toObject().value("channels").toArray().size(), 2);
        QCOMPARE(o.value("stats").toObject().value("path").toString(), QString("playback"));

        const Run seek = cli({"play", rec_, "--speed", "0", "--seek", "15000", "--json"});
        EXPECT_EXIT(seek, 0);
        QCOMPARE(json(seek).value("played").toInteger(), 5000);
    }

    void loopsUntilTheTimeLimit()
    {
        // 2 s of recording at 10x: one pass takes 0.2 s, so 1 s loops several times.
        const Run r = cli({"play", rec_, "--speed", "10", "--loop", "--seconds", "1", "--json"});
        EXPECT_EXIT(r, 0);
        const QJsonObject o = json(r);
        QVERIFY2(o.value("loops").toInteger() >= 2, qPrintable(r.out));
        QVERIFY(o.value("played").toInteger() > 20000);
    }

    void exportsARangeAsCsvAndWav()
    {
        const QString csv = tmp_.filePath("range.csv");
        const Run c = cli({"play", rec_, "--export", "csv", "--range", "100:10", "--out", csv});
        EXPECT_EXIT(c, 0);
        QVERIFY2(c.out.contains("exported 10 samples"), qPrintable(c.out));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 11); // header + 10 frames
        QVERIFY2(lines[1].startsWith("100,"), lines[1].constData());

        const QString wav = tmp_.filePath("all.wav");
        const Run w = cli({"play", rec_, "--export", "wav", "--out", wav, "--json"});
        EXPECT_EXIT(w, 0);
        QCOMPARE(json(w).value("samples").toInteger(), 20000);
        QFile wf(wav);
        QVERIFY(wf.open(QIODevice::ReadOnly));
        QCOMPARE(wf.read(4), QByteArray("RIFF"));
        QCOMPARE(wf.size(), 44 + 20000 * 2 * 2); // PCM16, 2 channels
    }

    void errors()
    {
        const QString bad = tmp_.filePath("bad.sigmf-meta");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"global\": {\"core:datatype\": \"ri16_le\", \"core:version\": \"1.2.5\", "
                "\"core:num_channels\": 0}, \"captures\": [], \"annotations\": []}");
        f.close();
        QFile(tmp_.filePath("bad.sigmf-data")).open(QIODevice::WriteOnly);
        const Run malformed = cli({"play", bad});
        EXPECT_EXIT(malformed, 1);
        QVERIFY2(malformed.err.contains("core:num_channels"), qPrintable(malformed.err));

        const Run missing = cli({"play", tmp_.filePath("nothing")});
        EXPECT_EXIT(missing, 1);
        QVERIFY2(missing.err.contains("nothing"), qPrintable(missing.err));

        EXPECT_EXIT(cli({"play", rec_, "--speed", "fast"}), 2);
        EXPECT_EXIT(cli({"play", rec_, "--export", "mp3", "--out", tmp_.filePath("x")}), 2);
        EXPECT_EXIT(cli({"play", rec_, "--export", "csv"}), 2); // no --out
        EXPECT_EXIT(
            cli({"play", rec_, "--export", "csv", "--range", "5", "--out", tmp_.filePath("y")}), 2);
        EXPECT_EXIT(cli({"play", rec_, "--seconds", "nan"}), 2);

        // Well-formed command lines the recording cannot satisfy: failures (1), not usage.
        const Run seek = cli({"play", rec_, "--seek", "20000"});
        EXPECT_EXIT(seek, 1);
        QVERIFY2(seek.err.contains("--seek: sample 20000 is past the end of the recording "
                                   "(20000 samples)") &&
                     !seek.err.contains("Try"),
                 qPrintable(seek.err));
        const Run range = cli(
            {"play", rec_, "--export", "csv", "--range", "30000:", "--out", tmp_.filePath("z")});
        EXPECT_EXIT(range, 1);
        QVERIFY2(range.err.contains("cannot export: the range starts at frame 30000"),
                 qPrintable(range.err));
        QVERIFY(!QFileInfo::exists(tmp_.filePath("z")));
    }

    void aRecordingWithoutSamplesHasNothingToPlay()
    {
        // What a recording stopped before its first block leaves: valid, just empty.
        const QString meta = tmp_.filePath("empty.sigmf-meta");
        QVERIFY(QFile::copy(rec_, meta));
        QFile(tmp_.filePath("empty.sigmf-data")).open(QIODevice::WriteOnly);
        const Run text = cli({"play", meta});
        EXPECT_EXIT(text, 0);
        QVERIFY2(text.out.contains("0 samples") &&
                     text.out.contains("nothing to play: the recording holds no samples"),
                 qPrintable(text.out));
        const Run j = cli({"play", meta, "--json"});
        EXPECT_EXIT(j, 0);
        QCOMPARE(json(j).value("played").toInteger(), 0);
    }

    void interruptedPlaybackSaysSo()
    {
        // 2 s of recording at its own rate: SIGTERM half-way stops it before the end (130);
        // an endless --loop has no end but the signal (0).
        for (const bool endless : {false, true}) {
            QProcess p;
            QStringList args{"play", rec_};
            if (endless)
                args << "--loop";
            p.start(DMASCOPE_CLI, args);
            QVERIFY(p.waitForStarted());
            QByteArray printed;
            QTRY_VERIFY_WITH_TIMEOUT((printed += p.readAllStandardOutput()).contains("gap(s)"),
                                     30000);
            QTest::qWait(300);
            p.terminate();
            QVERIFY(p.waitForFinished(30000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), endless ? 0 : 130);
            printed += p.readAllStandardOutput();
            QVERIFY2(printed.contains("\nplayed "), printed.constData());
        }
    }

    void interruptedExportLeavesNoPartialFile()
    {
        // A large recording (a sparse data file: 40 M frames of zeros) whose CSV export takes
        // seconds; SIGTERM during it leaves the previous file and no temporary one.
        QTemporaryDir dir;
        const QString meta = dir.filePath("big.sigmf-meta");
        QVERIFY(QFile::copy(rec_, meta));
        QFile data(dir.filePath("big.sigmf-data"));
        QVERIFY(data.open(QIODevice::WriteOnly) && data.resize(qint64{40'000'000} * 4));
        data.close();
        const QString csv = dir.filePath("big.csv");
        QFile old(csv);
        QVERIFY(old.open(QIODevice::WriteOnly) && old.write("previous\n") == 9);
        old.close();
        QProcess p;
        p.start(DMASCOPE_CLI, {"play", meta, "--export", "csv", "--out", csv});
        QVERIFY(p.waitForStarted());
        // Its temporary file appears next to the destination once the export is under way.
        QTRY_VERIFY_WITH_TIMEOUT(QDir(dir.path()).entryList(QDir::Files).size() == 4, 30000);
        p.terminate();
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(p.readAllStandardError().contains("the export was interrupted"), "no message");
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
                 QStringList({"big.csv", "big.sigmf-data", "big.sigmf-meta"}));
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("previous\n"));
    }
};

QTEST_GUILESS_MAIN(TstCliPlay)
#include "tst_cli_play.moc"

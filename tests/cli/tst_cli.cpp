// dmascope-cli as users run it: every subcommand against the demo device sim:, its output (text
// and --json) and its documented exit codes.
#include "cli_runner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <cmath>

using namespace clitest;

class TstCli : public QObject
{
    Q_OBJECT

private slots:
    void helpOnEveryCommand()
    {
        const Run main = cli({"--help"});
        EXPECT_EXIT(main, 0);
        QVERIFY(main.out.contains("Exit codes:"));
        for (const char *cmd :
             {"list", "info", "attr", "stream", "check", "bench", "spectrum", "relay"}) {
            const Run r = cli({cmd, "--help"});
            EXPECT_EXIT(r, 0);
            QVERIFY2(r.out.startsWith(QString("Usage: dmascope-cli %1").arg(cmd)), qPrintable(r.out));
            QVERIFY(r.out.contains("--uri"));
        }
    }

    void usageErrorsExitTwo()
    {
        EXPECT_EXIT(cli({}), 2);
        const Run unknown = cli({"frobnicate"});
        EXPECT_EXIT(unknown, 2);
        QVERIFY(unknown.err.contains("unknown command 'frobnicate'"));
        EXPECT_EXIT(cli({"--uri", "sim:", "info"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "info", "iio-sim-adc", "extra"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "stream", "iio-sim-adc", "--block-size", "0"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "stream", "iio-sim-adc", "--path", "carrier-pigeon"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "attr", "iio-sim-adc", "a/b/c"}), 2);
        // The relay shares DMABUFs between two local buffers: nothing to relay on sim:.
        const Run relay = cli({"--uri", "sim:", "relay", "iio-sim-adc", "iio-sim-adc"});
        EXPECT_EXIT(relay, 2);
        QVERIFY(relay.err.contains("local devices only"));
        EXPECT_EXIT(cli({"--uri", "sim:", "relay", "iio-sim-adc"}), 2);
        const Run uri = cli({"--uri", "bogus:", "list"});
        EXPECT_EXIT(uri, 2);
        QVERIFY(uri.err.contains("ip:HOST[:PORT]"));
    }

    void listShowsSimAndParsesAsJson()
    {
        const Run text = cli({"list"});
        EXPECT_EXIT(text, 0);
        QVERIFY(text.out.contains("sim:"));
        QVERIFY(text.out.contains("iio:device0     iio-sim-adc       input, buffer  in: voltage0 "
                                  "voltage1 voltage2 voltage3"));

        const QJsonObject o = json(cli({"list", "--json"}));
        bool sawSim = false;
        for (const QJsonValue &c : o["contexts"].toArray()) {
            if (c["uri"].toString() != "sim:")
                continue;
            sawSim = true;
            const QJsonArray devices = c["devices"].toArray();
            QCOMPARE(devices.size(), 1);
            QCOMPARE(devices[0].toObject()["name"].toString(), QString("iio-sim-adc"));
            QCOMPARE(devices[0].toObject()["channels"].toArray().size(), 4);
        }
        QVERIFY(sawSim);
    }

    void infoShowsChannelsAndAttributes()
    {
        const Run text = cli({"--uri", "sim:", "info", "iio-sim-adc"});
        EXPECT_EXIT(text, 0);
        QVERIFY(text.out.contains("in_voltage3       index  3  le:s12/16>>4"));
        QVERIFY(text.out.contains("voltage3/waveform = counter"));
        QVERIFY(text.out.contains("sampling_frequency = 1000000"));

        const QJsonObject o = json(cli({"info", "iio:device0", "--uri", "sim:", "--json"}));
        QCOMPARE(o["kind"].toString(), QString("input"));
        QCOMPARE(o["channels"].toArray()[2].toObject()["format"].toString(), QString("le:s12/16>>4"));
        QCOMPARE(o["attributes"]["voltage0/waveform"].toString(), QString("sine"));
    }

    void unknownDeviceExitsThree()
    {
        const Run r = cli({"--uri", "sim:", "info", "ad9361-phy"});
        EXPECT_EXIT(r, 3);
        QVERIFY(r.err.contains("no device 'ad9361-phy' in sim:; devices: iio:device0 (iio-sim-adc)"));
        const QJsonObject o = json(cli({"--uri", "sim:", "--json", "attr", "nope"}));
        QCOMPARE(o["exitCode"].toInt(), 3);
        EXPECT_EXIT(cli({"--uri", "sim:", "attr", "iio-sim-adc", "voltage3/colour"}), 3);
        EXPECT_EXIT(cli({"--uri", "sim:", "check", "iio-sim-adc", "--channel", "voltage9"}), 3);
    }

    void attrReadsWritesAndExplainsRefusals()
    {
        const Run read = cli({"--uri", "sim:", "attr", "iio-sim-adc", "voltage3/waveform"});
        EXPECT_EXIT(read, 0);
        QCOMPARE(read.out, QString("counter\n"));
        // Each run opens a fresh sim: context, so a write is checked by its read-back.
        const Run write = cli({"--uri", "sim:", "attr", "iio-sim-adc", "voltage0/frequency", "2500"});
        EXPECT_EXIT(write, 0);
        QCOMPARE(write.out, QString("2500.000000\n"));
        const Run refused = cli({"--uri", "sim:", "attr", "iio-sim-adc", "voltage0/frequency", "9e9"});
        EXPECT_EXIT(refused, 1);
        QCOMPARE(refused.err, QString("dmascope-cli: iio-sim-adc: in_voltage0_frequency: value "
                                      "'9e9' refused: Invalid argument (errno 22)\n"));
        const Run negative =
            cli({"--uri", "sim:", "attr", "iio-sim-adc", "voltage0/dc_offset", "-200"});
        EXPECT_EXIT(negative, 0);
        QCOMPARE(negative.out, QString("-200.000000\n"));
        const QJsonObject all = json(cli({"--uri", "sim:", "attr", "iio-sim-adc", "--json"}));
        QCOMPARE(all["attributes"]["throughput_mode"].toString(), QString("0"));
    }

    void streamPrintsStatsEverySecond()
    {
        const Run r = cli({"--uri", "sim:", "stream", "iio-sim-adc", "--seconds", "2.5",
                           "--channels", "voltage0,voltage3", "--block-size", "1024",
                           "--blocks", "64"});
        EXPECT_EXIT(r, 0);
        QVERIFY(r.out.startsWith("streaming iio:device0 (iio-sim-adc) at sim:, path sim"));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        // Header, two per-second lines, the total.
        QCOMPARE(lines.size(), 4);
        // Overruns depend on the machine's load: only their presence is checked here.
        QVERIFY2(lines[1].contains(" MB/s ") && lines[1].contains(" MS/s ") &&
                     lines[1].contains(" overruns ") && lines[1].contains(" path sim"),
                 qPrintable(lines[1]));
        QVERIFY(lines[3].startsWith("total"));

        const QJsonObject o = json(cli({"--uri", "sim:", "stream", "iio-sim-adc", "--seconds",
                                        "1.2", "--json"}));
        const QJsonObject stats = o["stats"].toObject();
        QCOMPARE(stats["path"].toString(), QString("sim"));
        QCOMPARE(stats["state"].toString(), QString("stopped"));
        // The demo device runs at 1 MS/s: 1.2 s give about 1.2 M frames.
        QVERIFY2(stats["samples"].toDouble() > 0.8e6, qPrintable(r.out));
        QCOMPARE(o["intervals"].toArray().size(), 1);
    }

    void streamUntilInterruptedEndsCleanly()
    {
        QProcess p;
        p.start(DMASCOPE_CLI, {"--uri", "sim:", "stream", "iio-sim-adc", "--seconds", "0"});
        QVERIFY(p.waitForStarted());
        QTest::qWait(1500);
        p.terminate(); // SIGTERM, as Ctrl-C's SIGINT: stop, print the total, exit 0
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(QString::fromUtf8(p.readAllStandardOutput()).contains("\ntotal "));
    }

    void checkPassesOnTheCounter()
    {
        // 100 kS/s and 32 blocks of 4096: 1.3 s of buffering, so a loaded machine (CI runs
        // tests in parallel) cannot make the device drop samples.
        const QStringList slow{"--set", "sampling_frequency=100000", "--blocks", "32"};
        const Run r = cli(QStringList{"--uri", "sim:", "check", "iio-sim-adc", "--seconds", "1",
                                      "--channels", "voltage0,voltage1"} + slow);
        EXPECT_EXIT(r, 0);
        QVERIFY(r.out.contains(", 0 lost (0 reported by the stream, 0 gaps), 0 duplicated, "
                               "0 reordered"));
        QVERIFY(r.out.endsWith("OK\n"));
        const QJsonObject o = json(cli(QStringList{"--uri", "sim:", "check", "iio-sim-adc",
                                                   "--seconds", "0.5", "--json"} + slow));
        QVERIFY(o["ok"].toBool());
        QVERIFY(o["samples"].toDouble() > 0);
        QCOMPARE(o["deviceDropped"].toInt(), 0);
    }

    void progressLineOnRequest()
    {
        // stderr is a pipe here: no progress line unless asked for.
        const QStringList args{"--uri", "sim:", "check", "iio-sim-adc", "--seconds", "0.6",
                               "--set", "sampling_frequency=100000", "--blocks", "32"};
        const Run quiet = cli(args);
        EXPECT_EXIT(quiet, 0);
        QVERIFY2(!quiet.err.contains("check: "), qPrintable(quiet.err));
        const Run shown = cli(args + QStringList{"--progress"});
        EXPECT_EXIT(shown, 0);
        QVERIFY2(shown.err.contains("check: 0.") && shown.err.contains(" samples, 0 lost"),
                 qPrintable(shown.err));
    }

    void checkFailsOnBrokenCountingWithExitFour()
    {
        // Throughput mode stamps the counter once per 4 KiB page only: the samples in between
        // are not a count, which is exactly what the check must catch.
        const Run r = cli({"--uri", "sim:", "check", "iio-sim-adc", "--seconds", "0.5",
                           "--set", "throughput_mode=1"});
        EXPECT_EXIT(r, 4);
        QVERIFY(r.out.contains("first problem: sample "));
        QVERIFY(r.out.endsWith("FAILED\n"));
    }

    void checkRefusesANonCounterChannel()
    {
        const Run r = cli({"--uri", "sim:", "check", "iio-sim-adc", "--channel", "voltage0"});
        EXPECT_EXIT(r, 1);
        QVERIFY(r.err.contains("voltage0's waveform is 'sine', not 'counter'"));
    }

    void benchPrintsATable()
    {
        const Run r = cli({"--uri", "sim:", "bench", "iio-sim-adc", "--seconds", "0.3",
                           "--block-sizes", "1024,8192"});
        EXPECT_EXIT(r, 0);
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].contains("MB/s") && lines[0].contains("taken"));
        QVERIFY(lines[1].startsWith("auto        1024"));
        QVERIFY(lines[2].startsWith("auto        8192"));
        QVERIFY(lines[2].endsWith("sim"));

        const QJsonObject o = json(cli({"--uri", "sim:", "bench", "iio-sim-adc", "--seconds",
                                        "0.2", "--block-sizes", "4096", "--json"}));
        const QJsonArray rows = o["rows"].toArray();
        QCOMPARE(rows.size(), 1);
        QVERIFY(rows[0].toObject()["stats"].toObject()["megabytesPerSecond"].toDouble() > 0);
    }

    // The demo device's sine at a frequency set with --set: the peak and the tone read it (to
    // a bin, and between bins from the lobe's centre), at the level the amplitude gives, and
    // a 16-bit sine has the SNR and SFDR of 16 bits, in text and JSON.
    void spectrumReadsTheTone()
    {
        const Run r = cli({"--uri", "sim:", "spectrum", "iio-sim-adc", "--channel", "voltage0",
                           "--fft-size", "16384", "--averages", "4", "--window", "flattop",
                           "--set", "voltage0/frequency=23456", "--set",
                           "voltage0/amplitude=250"});
        EXPECT_EXIT(r, 0);
        QVERIFY2(r.out.contains("peak") && r.out.contains("SNR") && r.out.contains("ENOB"),
                 qPrintable(r.out));
        const Run j = cli({"--uri", "sim:", "--json", "spectrum", "iio-sim-adc", "--channel",
                           "voltage0", "--fft-size", "16384", "--averages", "4", "--window",
                           "flattop", "--set", "voltage0/frequency=23456", "--set",
                           "voltage0/amplitude=250"});
        EXPECT_EXIT(j, 0);
        const QJsonObject o = json(j);
        const double bin = o.value("binWidth").toDouble();
        QCOMPARE(bin, 1e6 / 16384);
        QVERIFY(std::abs(o.value("peakFrequency").toDouble() - 23456) <= bin);
        QVERIFY2(std::abs(o.value("fundamentalFrequency").toDouble() - 23456) < 0.2 * bin,
                 qPrintable(QString::number(o.value("fundamentalFrequency").toDouble())));
        QVERIFY(std::abs(o.value("peakLevel").toDouble() - 20 * std::log10(0.25)) < 0.1);
        QVERIFY(std::abs(o.value("fundamentalDbfs").toDouble() - 20 * std::log10(0.25)) < 0.1);
        QVERIFY(o.value("snr").toDouble() > 70);
        QVERIFY(o.value("sfdr").toDouble() > 70);
        QVERIFY(o.value("enob").toDouble() > 11);
        QCOMPARE(o.value("unit").toString(), QStringLiteral("dBFS"));
    }

    // Without --window the figures are the signal's, not the window's: the demo device's sine
    // (16-bit, SNR ~92 dB) reads ~86 dB of SNR through Blackman-Harris, whose sidelobes (-92 dB)
    // count as noise, and its worst "spur" is then a sidelobe a few bins from the tone.
    void spectrumDefaultWindowLeaksNothingIntoTheFigures()
    {
        const Run r = cli({"--uri", "sim:", "--json", "spectrum", "iio-sim-adc", "--channel",
                           "voltage0", "--fft-size", "16384", "--averages", "4"});
        EXPECT_EXIT(r, 0);
        const QJsonObject o = json(r);
        QCOMPARE(o.value("window").toString(), QStringLiteral("kaiser:20"));
        QVERIFY2(o.value("snr").toDouble() > 90,
                 qPrintable(QString::number(o.value("snr").toDouble())));
        const double spurBins = std::abs(o.value("worstSpurFrequency").toDouble() -
                                         o.value("fundamentalFrequency").toDouble()) /
                                o.value("binWidth").toDouble();
        QVERIFY2(spurBins > 16, qPrintable(QString::number(spurBins))); // Kaiser 20: lobe ±9
        QCOMPARE(o.value("windowLimited").toBool(), false);

        // Through Blackman-Harris the figures are its own, and the CLI says so.
        const Run bh =
            cli({"--uri", "sim:", "spectrum", "iio-sim-adc", "--channel", "voltage0", "--fft-size",
                 "16384", "--averages", "4", "--window", "blackman-harris"});
        EXPECT_EXIT(bh, 0);
        QVERIFY2(bh.out.contains("these figures are the window's"), qPrintable(bh.out));
    }

    void spectrumOfAnIqPairAndBadInput()
    {
        // I = cosine (phase 90), Q = sine: a positive frequency; the pair has no tone figures.
        const Run r = cli({"--uri", "sim:", "--json", "spectrum", "iio-sim-adc", "--channel",
                           "voltage0", "--q-channel", "voltage1", "--fft-size", "4096",
                           "--averages", "2", "--set", "voltage0/waveform=sine", "--set",
                           "voltage1/waveform=sine", "--set", "voltage0/phase=90", "--set",
                           "voltage0/frequency=50000", "--set", "voltage1/frequency=50000"});
        EXPECT_EXIT(r, 0);
        const QJsonObject o = json(r);
        QVERIFY2(std::abs(o.value("peakFrequency").toDouble() - 50000) <= 1e6 / 4096,
                 qPrintable(QString::number(o.value("peakFrequency").toDouble())));
        QVERIFY(o.value("metricsError").toString().contains("real"));
        EXPECT_EXIT(cli({"--uri", "sim:", "spectrum", "iio-sim-adc", "--window", "gauss"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "spectrum", "iio-sim-adc", "--fft-size", "8"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "spectrum", "iio-sim-adc", "--unit", "furlongs"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "spectrum", "iio-sim-adc", "--q-channel", "voltage1"}), 2);
        EXPECT_EXIT(cli({"--uri", "sim:", "spectrum", "no-such-device"}), 3);
    }

    void unreachableRemoteIsARuntimeFailure()
    {
        const Run r = cli({"--uri", "ip:127.0.0.1:1", "info", "iio-sim-adc"});
        EXPECT_EXIT(r, 1);
        QVERIFY(r.err.contains("Connection refused"));
    }
};

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"

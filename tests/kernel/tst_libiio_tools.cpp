// Debian's own libiio tools (a client we did not write) see iio_sim: iio_info lists both devices
// with their channels, and iio_readdev reads samples whose counter checks out.
#include "iio_sim_fixture.h"

#include <QProcess>
#include <QTest>

class TstLibiioTools : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

    static QByteArray run(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.start(program, args);
        if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit ||
            p.exitCode() != 0) {
            qWarning("%s failed: %s", qPrintable(program), p.readAllStandardError().constData());
            return {};
        }
        return p.readAllStandardOutput();
    }

private slots:
    void init() { simtest::resetAdc(devs_.adc); }
    void cleanupTestCase() { simtest::resetAdc(devs_.adc); }

    void iioInfoListsBothDevices()
    {
        const QString out = QString::fromUtf8(run("iio_info", {"-u", "local:"}));
        QVERIFY2(!out.isEmpty(), "iio_info printed nothing");
        QVERIFY2(out.contains("iio-sim-adc") && out.contains("iio-sim-dac"), qPrintable(out));
        for (const char *ch : {"voltage0: (input, index: 0, format: le:S16/16>>0)",
                               "voltage2: (input, index: 2, format: le:S12/16>>4)",
                               "voltage3: (input, index: 3, format: le:S12/16>>4)",
                               "voltage0: (output, index: 0, format: le:S16/16>>0)"})
            QVERIFY2(out.contains(ch), ch);
        QVERIFY(out.contains("sampling_frequency"));
        QVERIFY(out.contains("waveform"));
    }

    void iioReaddevCounterChecksOut()
    {
        // voltage3 is the s12 counter by default.
        const QByteArray data =
            run("iio_readdev", {"-u", "local:", "-b", "4096", "-s", "65536", "iio-sim-adc",
                                "voltage3"});
        QCOMPARE(data.size(), 65536 * 2);
        simtest::CounterChecker counter(12, 4, 0, 2);
        QVERIFY2(counter.feed(reinterpret_cast<const std::uint8_t *>(data.constData()),
                              std::size_t(data.size())),
                 counter.error().c_str());
        QCOMPARE(counter.missing(), std::uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TstLibiioTools)
#include "tst_libiio_tools.moc"

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

    // libiio prints the sign letter in upper case when the sample fills its storage
    // ("fully defined") and in lower case otherwise.
    void iioInfoListsBothDevices()
    {
        const QString out = QString::fromUtf8(run("iio_info", {"-u", "local:"}));
        QVERIFY2(!out.isEmpty(), "iio_info printed nothing");
        QVERIFY2(out.contains("iio-sim-adc") && out.contains("iio-sim-dac"), qPrintable(out));
        for (const char *ch : {"voltage0:  (input, index: 0, format: le:S16/16>>0)",
                               "voltage2:  (input, index: 2, format: le:s12/16>>4)",
                               "voltage3:  (input, index: 3, format: le:s12/16>>4)",
                               "voltage0:  (output, index: 0, format: le:S16/16>>0)"})
            QVERIFY2(out.contains(ch), ch);
        QVERIFY(out.contains("sampling_frequency"));
        QVERIFY(out.contains("waveform"));
    }

    void iioReaddevCounterChecksOut()
    {
        // 100 kS/s on a 16-bit counter: iio_readdev's small buffers keep up, and a drop (a
        // descheduled guest) stays inside the counter's unambiguous range.
        devs_.adc.write("sampling_frequency", "100000");
        devs_.adc.write("in_voltage1_waveform", "counter");
        const QByteArray data =
            run("iio_readdev", {"-u", "local:", "-b", "4096", "-s", "65536", "iio-sim-adc",
                                "voltage1"});
        QCOMPARE(data.size(), 65536 * 2);
        simtest::CounterChecker counter(16, 0, 0, 2);
        QVERIFY2(counter.feed(reinterpret_cast<const std::uint8_t *>(data.constData()),
                              std::size_t(data.size())),
                 counter.error().c_str());
        // iio_readdev has disabled the buffer: the count covers its whole run.
        const long long dropped = simtest::readNumber(devs_.adc, "dropped_samples");
        QVERIFY(static_cast<long long>(counter.missing()) <= dropped);
        QVERIFY2(counter.missing() < counter.samples() / 10, "most samples were lost");
    }
};

QTEST_GUILESS_MAIN(TstLibiioTools)
#include "tst_libiio_tools.moc"

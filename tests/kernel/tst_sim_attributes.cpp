// Every iio_sim attribute takes its documented range, refuses out-of-range and garbage values
// with EINVAL, and keeps its old value when it refuses.
#include "iio_sim_fixture.h"

#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>
#include <cmath>

using dmascope::IioSysfsDevice;
using dmascope::SystemError;

namespace {
double readDouble(const IioSysfsDevice &dev, const std::string &attr)
{
    return std::stod(dev.readOrThrow(attr));
}

// Writes `value` and expects EINVAL with the attribute unchanged.
void expectRefused(const IioSysfsDevice &dev, const std::string &attr, const std::string &value)
{
    const std::string before = dev.readOrThrow(attr);
    try {
        dev.write(attr, value);
        QFAIL(qPrintable(QString::fromStdString(attr + " accepted '" + value + "'")));
    } catch (const SystemError &e) {
        QVERIFY2(e.code() == EINVAL, e.what());
    }
    QCOMPARE(dev.readOrThrow(attr), before);
}

// (An empty write never reaches the driver: sysfs drops zero-length writes.)
const char *const kGarbage[] = {"abc", "1e99", "99999999999999999999999", "--1", "1.2.3",
                                "0x", "\x01\x02"};
} // namespace

class TstSimAttributes : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

private slots:
    void init() { simtest::resetAdc(devs_.adc); simtest::resetDac(devs_.dac); }
    void cleanupTestCase() { simtest::resetAdc(devs_.adc); simtest::resetDac(devs_.dac); }

    void channelsAndScanTypes()
    {
        const auto &adc = devs_.adc;
        QCOMPARE(adc.readOrThrow("buffer0/in_voltage0_type"), std::string("le:s16/16>>0"));
        QCOMPARE(adc.readOrThrow("buffer0/in_voltage1_type"), std::string("le:s16/16>>0"));
        QCOMPARE(adc.readOrThrow("buffer0/in_voltage2_type"), std::string("le:s12/16>>4"));
        QCOMPARE(adc.readOrThrow("buffer0/in_voltage3_type"), std::string("le:s12/16>>4"));
        // mV per LSB for a +-1000 mV full scale, printed with nine decimals (IIO_VAL_INT_PLUS_NANO)
        QVERIFY(std::fabs(readDouble(adc, "in_voltage0_scale") - 1000.0 / 32768) < 1e-9);
        QVERIFY(std::fabs(readDouble(adc, "in_voltage2_scale") - 1000.0 / 2048) < 1e-9);
        QCOMPARE(readDouble(adc, "in_voltage0_offset"), 0.0);
        const auto &dac = devs_.dac;
        QCOMPARE(dac.readOrThrow("buffer0/out_voltage0_type"), std::string("le:s16/16>>0"));
        QCOMPARE(dac.readOrThrow("buffer0/out_voltage1_type"), std::string("le:s16/16>>0"));
    }

    void samplingFrequencyRange()
    {
        for (const auto *dev : {&devs_.adc, &devs_.dac}) {
            QCOMPARE(dev->readOrThrow("sampling_frequency_available"),
                     std::string("[1000 1 100000000]"));
            dev->write("sampling_frequency", "1000");
            QCOMPARE(simtest::readNumber(*dev, "sampling_frequency"), 1000ll);
            dev->write("sampling_frequency", "100000000");
            QCOMPARE(simtest::readNumber(*dev, "sampling_frequency"), 100000000ll);
            expectRefused(*dev, "sampling_frequency", "999");
            expectRefused(*dev, "sampling_frequency", "100000001");
            expectRefused(*dev, "sampling_frequency", "-5");
            for (const char *g : kGarbage)
                expectRefused(*dev, "sampling_frequency", g);
        }
    }

    void samplingFrequencyIsFixedWhileStreaming()
    {
        const auto &adc = devs_.adc;
        simtest::selectChannels(adc, {"in_voltage0"});
        adc.setBufferLength(0, 4096);
        adc.setBufferEnabled(0, true);
        try {
            adc.write("sampling_frequency", "2000");
            QFAIL("sampling_frequency changed while the buffer is enabled");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), EBUSY);
        }
        adc.setBufferEnabled(0, false);
    }

    void waveformChoice()
    {
        const auto &adc = devs_.adc;
        QCOMPARE(adc.readOrThrow("in_voltage0_waveform_available"),
                 std::string("sine square triangle sawtooth noise dc counter loopback"));
        for (const char *w : {"sine", "square", "triangle", "sawtooth", "noise", "dc", "counter",
                              "loopback"}) {
            adc.write("in_voltage2_waveform", w);
            QCOMPARE(adc.readOrThrow("in_voltage2_waveform"), std::string(w));
        }
        for (const char *bad : {"cosine", "SINE ", "sine\nsquare"})
            expectRefused(adc, "in_voltage2_waveform", bad);
    }

    void generatorParameterRanges_data()
    {
        QTest::addColumn<QString>("attr");
        QTest::addColumn<QString>("low");
        QTest::addColumn<QString>("high");
        QTest::addColumn<QString>("belowLow");
        QTest::addColumn<QString>("aboveHigh");
        QTest::newRow("amplitude") << "amplitude" << "0" << "1000" << "-0.5" << "1000.5";
        QTest::newRow("dc_offset") << "dc_offset" << "-1000" << "1000" << "-1000.5" << "1001";
        QTest::newRow("phase") << "phase" << "0" << "360" << "-1" << "360.5";
        QTest::newRow("noise") << "noise" << "0" << "1000" << "-1" << "1001";
        QTest::newRow("frequency") << "frequency" << "0" << "50000000" << "-1" << "50000001";
    }

    void generatorParameterRanges()
    {
        QFETCH(QString, attr);
        QFETCH(QString, low);
        QFETCH(QString, high);
        QFETCH(QString, belowLow);
        QFETCH(QString, aboveHigh);
        const auto &adc = devs_.adc;
        for (int ch = 0; ch < 4; ++ch) {
            const std::string a = "in_voltage" + std::to_string(ch) + "_" + attr.toStdString();
            adc.write(a, low.toStdString());
            QCOMPARE(readDouble(adc, a), low.toDouble());
            adc.write(a, high.toStdString());
            QCOMPARE(readDouble(adc, a), high.toDouble());
            adc.write(a, "12.5");
            QCOMPARE(readDouble(adc, a), 12.5);
            expectRefused(adc, a, belowLow.toStdString());
            expectRefused(adc, a, aboveHigh.toStdString());
            for (const char *g : kGarbage)
                expectRefused(adc, a, g);
        }
    }

    // buffer-dma splits buffer/length into two read() blocks allocated contiguously: the driver
    // clamps the length so that a block stays allocatable (4 MiB), instead of letting the page
    // allocator WARN at enable.
    void hugeBufferLengthIsClamped()
    {
        const auto &adc = devs_.adc;
        simtest::selectChannels(adc, {"in_voltage0", "in_voltage1", "in_voltage2", "in_voltage3"});
        adc.setBufferLength(0, 100000000);
        QCOMPARE(simtest::readNumber(adc, "buffer0/length"), 1048576ll);
        adc.setBufferEnabled(0, true);
        adc.setBufferEnabled(0, false);
        devs_.dac.setBufferLength(0, 100000000);
        QCOMPARE(simtest::readNumber(devs_.dac, "buffer0/length"), 2097152ll);
    }

    void modeSwitches()
    {
        for (const auto *dev : {&devs_.adc, &devs_.dac}) {
            dev->write("throughput_mode", "1");
            QCOMPARE(dev->readOrThrow("throughput_mode"), std::string("1"));
            dev->write("throughput_mode", "0");
            for (const char *bad : {"2", "-1", "maybe"})
                expectRefused(*dev, "throughput_mode", bad);
        }
        QCOMPARE(simtest::readNumber(devs_.adc, "dropped_samples") >= 0, true);
    }
};

QTEST_GUILESS_MAIN(TstSimAttributes)
#include "tst_sim_attributes.moc"

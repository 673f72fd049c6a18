// IioSysfsDevice against a sysfs-shaped directory tree (the layout the kernel creates).
#include "dmascope/iio_sysfs.h"
#include "dmascope/system_error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using dmascope::IioSysfsDevice;

class TstIioSysfs : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;

    void put(const QString &rel, const QByteArray &content)
    {
        const QString path = tmp_.path() + "/" + rel;
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
    }
    std::string root() const { return tmp_.path().toStdString(); }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        put("iio:device10/name", "iio-sim-dac\n");
        put("iio:device2/name", "iio-sim-adc\n");
        put("iio:device2/sampling_frequency", "1000000\n");
        put("iio:device2/buffer0/in_voltage0_en", "0\n");
        put("iio:device2/buffer0/in_voltage1_en", "1\n");
        put("iio:device2/buffer0/enable", "0\n");
        put("iio:device2/buffer0/length", "4096\n");
        put("trigger0/name", "not-a-device\n");
    }

    void listsDevicesInNumericOrder()
    {
        const auto devs = IioSysfsDevice::list(root());
        QCOMPARE(devs.size(), 2u);
        QCOMPARE(devs[0].id(), std::string("iio:device2"));
        QCOMPARE(devs[1].id(), std::string("iio:device10"));
        QCOMPARE(devs[1].devNode(), std::string("/dev/iio:device10"));
    }

    void findsByNameOrId()
    {
        QCOMPARE(IioSysfsDevice::find("iio-sim-adc", root()).id(), std::string("iio:device2"));
        QCOMPARE(IioSysfsDevice::find("iio:device10", root()).name(), std::string("iio-sim-dac"));
    }

    void unknownDeviceNamesWhatExists()
    {
        try {
            IioSysfsDevice::find("ad9361-phy", root());
            QFAIL("expected an error");
        } catch (const std::runtime_error &e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("ad9361-phy") && msg.contains("iio-sim-adc") &&
                         msg.contains("iio:device10"),
                     e.what());
        }
    }

    void readsTrimmedAndWrites()
    {
        const auto dev = IioSysfsDevice::find("iio-sim-adc", root());
        QCOMPARE(dev.read("sampling_frequency").value(), std::string("1000000"));
        QVERIFY(!dev.read("no_such_attr").has_value());
        dev.write("sampling_frequency", "2000");
        QCOMPARE(dev.readOrThrow("sampling_frequency"), std::string("2000"));
    }

    void missingAttributeIsAClearError()
    {
        const auto dev = IioSysfsDevice::find("iio-sim-adc", root());
        try {
            dev.readOrThrow("bogus");
            QFAIL("expected an error");
        } catch (const dmascope::SystemError &e) {
            QCOMPARE(e.code(), ENOENT);
            QVERIFY2(QString(e.what()).contains("no such attribute"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(dmascope::SystemError, dev.write("bogus", "1"));
    }

    void configuresBuffer()
    {
        const auto dev = IioSysfsDevice::find("iio-sim-adc", root());
        dev.disableAllScanElements(0);
        QCOMPARE(dev.readOrThrow("buffer0/in_voltage1_en"), std::string("0"));
        dev.enableScanElement(0, "in_voltage0", true);
        QCOMPARE(dev.readOrThrow("buffer0/in_voltage0_en"), std::string("1"));
        QCOMPARE(dev.readOrThrow("buffer0/enable"), std::string("0"));
        dev.setBufferLength(0, 8192);
        QCOMPARE(dev.readOrThrow("buffer0/length"), std::string("8192"));
        dev.setBufferEnabled(0, true);
        QVERIFY(dev.bufferEnabled(0));
    }
};

QTEST_GUILESS_MAIN(TstIioSysfs)
#include "tst_iio_sysfs.moc"

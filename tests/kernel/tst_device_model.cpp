// The device model against the real driver, inside the guest: the local: context (libiio's local
// backend over sysfs) sees iio_sim's ADC and DAC with the channels, scan types and scales the
// driver declares, and attribute writes the driver refuses come back with its errno.
#include "iio_sim_fixture.h"

#include "dmascope/attribute_path.h"
#include "dmascope/context.h"
#include "dmascope/counter_check.h"
#include "dmascope/stream.h"
#include "dmascope/not_found_error.h"
#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;

class TstDeviceModel : public QObject
{
    Q_OBJECT

    simtest::SimDevices devs_ = simtest::SimDevices::find();
    std::unique_ptr<Context> ctx_;

    std::string read(const char *device, const char *path)
    {
        const DeviceInfo &d = ctx_->device(device);
        return ctx_->readAttribute(parseAttributePath(d, path));
    }
    void write(const char *device, const char *path, const std::string &value)
    {
        const DeviceInfo &d = ctx_->device(device);
        ctx_->writeAttribute(parseAttributePath(d, path), value);
    }

private slots:
    void initTestCase()
    {
        simtest::resetAdc(devs_.adc);
        simtest::resetDac(devs_.dac);
        ctx_ = Context::open("local:");
    }
    void cleanupTestCase()
    {
        simtest::resetAdc(devs_.adc);
        simtest::resetDac(devs_.dac);
    }

    void localIsListedFirstAndIsTheDefault()
    {
        QCOMPARE(Context::defaultUri(), std::string("local:"));
        const auto list = Context::list();
        QVERIFY(list.size() >= 2);
        QCOMPARE(list[0].uri, std::string("local:"));
        QCOMPARE(list[1].uri, std::string("sim:"));
        QVERIFY(ctx_->kind() == ContextKind::Local);
    }

    void adcHasTheDriversChannels()
    {
        const DeviceInfo &adc = ctx_->device("iio-sim-adc");
        QCOMPARE(adc.id, devs_.adc.id());
        QVERIFY(adc.kind == DeviceKind::Input);
        QVERIFY(adc.bufferCapable);
        QCOMPARE(adc.scanChannels().size(), 4u);
        const char *formats[] = {"le:s16/16>>0", "le:s16/16>>0", "le:s12/16>>4", "le:s12/16>>4"};
        const double scales[] = {1000.0 / 32768, 1000.0 / 32768, 1000.0 / 2048, 1000.0 / 2048};
        for (int i = 0; i < 4; ++i) {
            const std::string id = "voltage" + std::to_string(i);
            const ChannelInfo *ch = adc.findChannel(id);
            QVERIFY2(ch, id.c_str());
            QVERIFY(ch->direction == ChannelDirection::Input);
            QCOMPARE(ch->index, long(i));
            QCOMPARE(ch->format(), std::string(formats[i]));
            // sysfs prints the scale with 9 decimals.
            QVERIFY2(qAbs(ch->scale - scales[i]) < 1e-9, qPrintable(QString::number(ch->scale)));
            QCOMPARE(ch->offset, 0.0);
            for (const char *attr : {"waveform", "frequency", "amplitude", "raw", "scale"})
                QVERIFY2(ch->hasAttribute(attr), attr);
        }
        for (const char *attr : {"sampling_frequency", "throughput_mode", "dropped_samples"})
            QVERIFY2(std::find(adc.attributes.begin(), adc.attributes.end(), attr) !=
                         adc.attributes.end(),
                     attr);
        // libiio 0.24 keeps length/enable/watermark to itself: the rest of buffer/ is listed.
        QVERIFY(std::find(adc.bufferAttributes.begin(), adc.bufferAttributes.end(),
                          "data_available") != adc.bufferAttributes.end());
    }

    void dacHasItsOutputChannels()
    {
        const DeviceInfo &dac = ctx_->device("iio-sim-dac");
        QVERIFY(dac.kind == DeviceKind::Output);
        QVERIFY(dac.bufferCapable);
        QCOMPARE(dac.scanChannels().size(), 2u);
        const ChannelInfo *out1 = dac.findChannel("out_voltage1");
        QVERIFY(out1);
        QCOMPARE(out1->format(), std::string("le:s16/16>>0"));
        QCOMPARE(out1->index, 1L);
    }

    void attributesReadWhatSysfsHas()
    {
        QCOMPARE(read("iio-sim-adc", "sampling_frequency"),
                 devs_.adc.readOrThrow("sampling_frequency"));
        QCOMPARE(read("iio-sim-adc", "voltage3/waveform"), std::string("counter"));
        QCOMPARE(read("iio-sim-adc", "buffer/direction"), std::string("in"));
        QCOMPARE(read("iio-sim-dac", "buffer/direction"), std::string("out"));
    }

    void writesReachTheDriver()
    {
        write("iio-sim-adc", "voltage0/frequency", "2500");
        QCOMPARE(devs_.adc.readOrThrow("in_voltage0_frequency"),
                 read("iio-sim-adc", "voltage0/frequency"));
        QVERIFY(QString::fromStdString(read("iio-sim-adc", "voltage0/frequency")).startsWith("2500"));
        write("iio-sim-adc", "sampling_frequency", "200000");
        QCOMPARE(devs_.adc.readOrThrow("sampling_frequency"), std::string("200000"));
    }

    void garbageGetsTheDriversErrno_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("file");
        QTest::newRow("frequency 9e9") << "voltage0/frequency" << "9e9" << "in_voltage0_frequency";
        QTest::newRow("frequency text") << "voltage1/frequency" << "fast" << "in_voltage1_frequency";
        QTest::newRow("waveform") << "voltage3/waveform" << "zigzag" << "in_voltage3_waveform";
        QTest::newRow("rate overflow") << "sampling_frequency" << "99999999999" << "sampling_frequency";
    }
    void garbageGetsTheDriversErrno()
    {
        QFETCH(QString, path);
        QFETCH(QString, value);
        QFETCH(QString, file);
        const std::string before = read("iio-sim-adc", qPrintable(path));
        try {
            write("iio-sim-adc", qPrintable(path), value.toStdString());
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), EINVAL);
            QCOMPARE(QString(e.what()),
                     QString("iio-sim-adc: %1: value '%2' refused: Invalid argument (errno 22)")
                         .arg(file, value));
        }
        QCOMPARE(read("iio-sim-adc", qPrintable(path)), before);
    }

    void localStreamIsZeroCopyAndComplete()
    {
        simtest::resetAdc(devs_.adc);
        // The context's factory picks DmabufStream for local: devices.
        const std::unique_ptr<Stream> stream = ctx_->createStream(ctx_->device("iio-sim-adc"));
        StreamConfig config;
        config.channels = {"voltage1", "voltage3"};
        config.samplesPerBlock = 4096;
        config.blockCount = 16;
        auto sub = stream->subscribe(SubscriptionKind::Lossless, 16);
        stream->start(config);
        const auto layout = stream->layout();
        CounterCheck check(*layout->find("voltage3"), layout->frameBytes);
        for (int i = 0; i < 32; ++i) {
            auto d = sub->pop(10000);
            QVERIFY2(d.has_value(), stream->stats().error.c_str());
            check.feed(*d->block);
        }
        stream->stop();
        const StreamStats stats = stream->stats();
        QCOMPARE(stats.path, std::string("dmabuf-heap"));
        QVERIFY2(stats.fallbackReason.empty(), stats.fallbackReason.c_str());
        QCOMPARE(check.report().samples, std::uint64_t(32 * 4096));
        QVERIFY2(check.report().ok(), check.report().firstProblem.c_str());
    }

    void missingThingsAreNotFound()
    {
        QVERIFY_THROWS_EXCEPTION(NotFoundError, ctx_->device("ad9361-phy"));
        QVERIFY_THROWS_EXCEPTION(NotFoundError, read("iio-sim-dac", "voltage3/waveform"));
    }
};

QTEST_GUILESS_MAIN(TstDeviceModel)
#include "tst_device_model.moc"

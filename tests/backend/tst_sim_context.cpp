// The demo context sim: through the device model: what it describes matches SimDevice, attribute
// access and errors read like libiio's, and its stream shares the context's device.
#include "dmascope/attribute_path.h"
#include "dmascope/context.h"
#include "dmascope/not_found_error.h"
#include "dmascope/stream.h"
#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;

class TstSimContext : public QObject
{
    Q_OBJECT

    std::unique_ptr<Context> ctx_;

private slots:
    void init() { ctx_ = Context::open("sim:"); }

    void describesTheDemoAdc()
    {
        QVERIFY(ctx_->kind() == ContextKind::Sim);
        QCOMPARE(ctx_->uri(), std::string("sim:"));
        QCOMPARE(ctx_->devices().size(), 1u);
        const DeviceInfo &adc = ctx_->device("iio-sim-adc");
        QCOMPARE(adc.id, std::string("iio:device0"));
        QVERIFY(adc.kind == DeviceKind::Input);
        QVERIFY(adc.bufferCapable);
        QCOMPARE(adc.channels.size(), 4u);
        // Same scan types as the kernel driver: 16-bit on 0/1, 12-bit shifted by 4 on 2/3.
        QCOMPARE(adc.findChannel("voltage0")->format(), std::string("le:s16/16>>0"));
        QCOMPARE(adc.findChannel("voltage3")->format(), std::string("le:s12/16>>4"));
        QCOMPARE(adc.findChannel("voltage3")->index, 3L);
        QCOMPARE(adc.findChannel("voltage2")->scale, 1000.0 / 2048);
        QVERIFY(adc.findChannel("voltage3")->hasAttribute("waveform"));
        QVERIFY(std::find(adc.attributes.begin(), adc.attributes.end(), "sampling_frequency") !=
                adc.attributes.end());
        QVERIFY(std::find(adc.attributes.begin(), adc.attributes.end(), "name") ==
                adc.attributes.end());
    }

    void readsAndWritesThroughAttributePaths()
    {
        const DeviceInfo &adc = ctx_->device("iio:device0");
        QCOMPARE(ctx_->readAttribute(parseAttributePath(adc, "voltage3/waveform")),
                 std::string("counter"));
        const AttributeRef freq = parseAttributePath(adc, "voltage0/frequency");
        ctx_->writeAttribute(freq, "2500");
        QCOMPARE(ctx_->readAttribute(freq), std::string("2500.000000"));
    }

    void refusedValueNamesDeviceFileValueAndErrno()
    {
        const AttributeRef freq =
            parseAttributePath(ctx_->device("iio-sim-adc"), "voltage0/frequency");
        try {
            ctx_->writeAttribute(freq, "9e9");
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), EINVAL);
            QCOMPARE(QString(e.what()),
                     QString("iio-sim-adc: in_voltage0_frequency: value '9e9' refused: "
                             "Invalid argument (errno 22)"));
        }
    }

    void unknownAttributeIsNotFound()
    {
        QVERIFY_THROWS_EXCEPTION(NotFoundError,
                                 ctx_->readAttribute({"iio:device0", AttributeRef::Scope::Buffer,
                                                      {}, "length"}));
    }

    void streamSharesTheContextsDevice()
    {
        const DeviceInfo &adc = ctx_->device("iio-sim-adc");
        const std::unique_ptr<Stream> stream = ctx_->createStream(adc);
        StreamConfig config;
        config.channels = {"voltage3"};
        config.samplesPerBlock = 256;
        config.blockCount = 4;
        auto sub = stream->subscribe(SubscriptionKind::Lossless, 4);
        stream->start(config);
        QVERIFY(sub->pop(5000).has_value());
        QCOMPARE(stream->stats().path, std::string("sim"));
        // While the stream runs the device refuses raw reads: proof that it is the same device.
        try {
            ctx_->readAttribute(parseAttributePath(adc, "voltage3/raw"));
            QFAIL("expected EBUSY");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), EBUSY);
            QVERIFY2(QString(e.what()).startsWith("iio-sim-adc: in_voltage3_raw: cannot read"),
                     e.what());
        }
        stream->stop();
        QVERIFY(stream->state() == StreamState::Stopped);
    }
};

QTEST_GUILESS_MAIN(TstSimContext)
#include "tst_sim_context.moc"

// RemoteStream against iiod in the guest, from the host (tests/kernel/with_guest_iiod sets
// DMASCOPE_IIOD_URI): the device model over ip: matches the driver, attribute writes travel
// through iiod, and the counter channel arrives complete and in order.
#include "dmascope/attribute_path.h"
#include "dmascope/context.h"
#include "dmascope/counter_check.h"
#include "dmascope/not_found_error.h"
#include "dmascope/remote_stream.h"
#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;

class TstRemoteStream : public QObject
{
    Q_OBJECT

    std::string uri_;
    std::unique_ptr<Context> ctx_;

    void set(const char *path, const char *value)
    {
        const DeviceInfo &adc = ctx_->device("iio-sim-adc");
        ctx_->writeAttribute(parseAttributePath(adc, path), value);
    }
    long long dropped()
    {
        const DeviceInfo &adc = ctx_->device("iio-sim-adc");
        return std::stoll(ctx_->readAttribute(parseAttributePath(adc, "dropped_samples")));
    }

    // Streams `channels` for `blocks` blocks and runs the counter check on voltage3.
    CounterReport streamCounter(const std::vector<std::string> &channels, std::size_t blockSize,
                                int blocks, StreamStats *stats)
    {
        const std::unique_ptr<Stream> stream = ctx_->createStream(ctx_->device("iio-sim-adc"));
        StreamConfig config;
        config.channels = channels;
        config.samplesPerBlock = blockSize;
        config.blockCount = 16;
        auto sub = stream->subscribe(SubscriptionKind::Lossless, 16);
        stream->start(config);
        const auto layout = stream->layout();
        CounterCheck check(*layout->find("voltage3"), layout->frameBytes);
        for (int i = 0; i < blocks; ++i) {
            auto d = sub->pop(30000);
            if (!d) {
                qWarning("no block %d: %s", i, stream->stats().error.c_str());
                break;
            }
            check.feed(*d->block);
        }
        stream->stop();
        *stats = stream->stats();
        return check.report();
    }

private slots:
    void initTestCase()
    {
        const QByteArray uri = qgetenv("DMASCOPE_IIOD_URI");
        if (uri.isEmpty())
            QFAIL("DMASCOPE_IIOD_URI is not set: run through tests/kernel/with_guest_iiod");
        uri_ = uri.toStdString();
        ctx_ = Context::open(uri_);
        // A rate iiod and the TCG guest sustain without dropping even on a loaded host (a
        // block of 4096 lasts 160 ms, 16 kernel buffers give 2.6 s of slack): the test is
        // about correctness; throughput is bench's business.
        set("sampling_frequency", "25000");
        set("voltage3/waveform", "counter");
    }

    void deviceModelOverTheNetwork()
    {
        QVERIFY(ctx_->kind() == ContextKind::Network);
        const DeviceInfo &adc = ctx_->device("iio-sim-adc");
        QVERIFY(adc.bufferCapable);
        QCOMPARE(adc.findChannel("voltage3")->format(), std::string("le:s12/16>>4"));
        QCOMPARE(ctx_->device("iio-sim-dac").kind == DeviceKind::Output, true);
        try {
            set("voltage0/frequency", "9e9");
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            // iiod passes the driver's errno through.
            QCOMPARE(e.code(), EINVAL);
            QCOMPARE(QString(e.what()), QString("iio-sim-adc: in_voltage0_frequency: value '9e9' "
                                                "refused: Invalid argument (errno 22)"));
        }
    }

    void counterArrivesCompleteAndInOrder()
    {
        const long long droppedBefore = dropped();
        StreamStats stats;
        const CounterReport r = streamCounter({"voltage3"}, 4096, 12, &stats);
        QCOMPARE(stats.path, std::string("remote"));
        QVERIFY2(stats.state == StreamState::Stopped, stats.error.c_str());
        QCOMPARE(r.samples, std::uint64_t(12 * 4096));
        QVERIFY2(r.ok(), r.firstProblem.c_str());
        QCOMPARE(dropped() - droppedBefore, 0LL);
    }

    void counterAtAnOffsetInTheFrame()
    {
        // voltage3 behind three other channels: the frame layout must match libiio's.
        StreamStats stats;
        const CounterReport r =
            streamCounter({"voltage0", "voltage1", "voltage2", "voltage3"}, 2048, 20, &stats);
        QCOMPARE(r.samples, std::uint64_t(20 * 2048));
        QVERIFY2(r.ok(), r.firstProblem.c_str());
        // Whole blocks of 8-byte frames; the stream may publish one or two more before it stops.
        QVERIFY(stats.bytes >= std::uint64_t(20 * 2048 * 8));
        QCOMPARE(stats.bytes % (2048 * 8), std::uint64_t(0));
    }

    void restartsOnTheSameStream()
    {
        RemoteStream stream(uri_, "iio-sim-adc");
        StreamConfig config;
        config.channels = {"voltage3"};
        config.samplesPerBlock = 1024;
        for (int run = 0; run < 2; ++run) {
            // Subscribe after start(): between runs Stream hands out ended subscriptions.
            stream.start(config);
            auto sub = stream.subscribe(SubscriptionKind::Lossless, 8);
            QVERIFY2(sub->pop(30000).has_value(), stream.stats().error.c_str());
            stream.stop();
            QVERIFY(stream.state() == StreamState::Stopped);
        }
    }

    void unknownChannelIsNotFound()
    {
        RemoteStream stream(uri_, "iio-sim-adc");
        StreamConfig config;
        config.channels = {"voltage7"};
        QVERIFY_THROWS_EXCEPTION(NotFoundError, stream.start(config));
    }

    void cleanupTestCase()
    {
        if (ctx_)
            set("sampling_frequency", "1000000");
    }
};

QTEST_GUILESS_MAIN(TstRemoteStream)
#include "tst_remote_stream.moc"

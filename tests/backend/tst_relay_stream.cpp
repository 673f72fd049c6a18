// RelayStream on the fake kernel (fake_iio_kernel.h), which completes every transfer at once:
// each DMABUF is attached to both buffers before anything is enqueued, every input block goes
// to the output and back, failed input transfers are not relayed and show as gaps, failed
// output transfers are counted, configuration errors are clear, and a device that is gone
// (ENQUEUE fails, or nothing completes and its sysfs directory vanished) ends the stream with
// ENODEV. The real relay through iio_sim's loopback is tests/kernel/tst_relay_loopback.
#include "dmascope/relay_stream.h"
#include "dmascope/system_error.h"
#include "fake_iio_kernel.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;
using faketest::FakeIioKernel;
using faketest::FakeKernelScope;
using faketest::FakeSysfs;

namespace {
constexpr std::size_t kFrames = 128;
constexpr unsigned kBlocks = 4;

// fake-adc's two channels (s16 + s12 in 16 bits) make 4-byte frames, as fake-dac's two s16.
StreamConfig config()
{
    StreamConfig c;
    c.channels = {"voltage0", "voltage1"};
    c.samplesPerBlock = kFrames;
    c.blockCount = kBlocks;
    return c;
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

// Pops `count` deliveries, letting each go at once.
bool popBlocks(Subscription &sub, int count)
{
    for (int n = 0; n < count; ++n)
        if (!sub.pop(5000))
            return false;
    return true;
}
} // namespace

class TstRelayStream : public QObject
{
    Q_OBJECT

private slots:
    void relaysEveryBlockToTheOutputAndBack()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        auto sub = relay.subscribe(SubscriptionKind::Lossless, 64);
        relay.start(config());
        QCOMPARE(relay.stats().path, std::string("dmabuf-heap"));
        QCOMPARE(sysfs.get("iio:device0/buffer0/enable"), QByteArray("1"));
        QCOMPARE(sysfs.get("iio:device1/buffer0/out_voltage0_en"), QByteArray("1"));
        QCOMPARE(sysfs.get("iio:device1/buffer0/out_voltage1_en"), QByteArray("1"));
        QVERIFY(popBlocks(*sub, 50));
        QTRY_VERIFY(relay.relayStats().blocks >= 50);
        // The output was enabled once its prefill was queued.
        QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("1"));
        relay.stop();
        const RelayStats r = relay.relayStats();
        QCOMPARE(r.bytes, r.blocks * kFrames * 4);
        QCOMPARE(r.failedTransfers, std::uint64_t{0});
        // Only blocks the input filled were played, and every played block went back.
        QVERIFY(FakeIioKernel::outputEnqueues.load() <= FakeIioKernel::inputEnqueues.load());
        QVERIFY(std::uint64_t(FakeIioKernel::outputEnqueues.load()) >= r.blocks);
        // One probe, then each DMABUF on both buffers, all before the first ENQUEUE; all
        // detached again; both buffers off.
        QCOMPARE(FakeIioKernel::attachCalls.load(), 1 + 2 * int(kBlocks));
        QCOMPARE(FakeIioKernel::attachesAfterEnqueue.load(), 0);
        QCOMPARE(FakeIioKernel::detachCalls.load(), FakeIioKernel::attachCalls.load());
        QCOMPARE(sysfs.get("iio:device0/buffer0/enable"), QByteArray("0"));
        QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("0"));
        const StreamStats s = relay.stats();
        QCOMPARE(s.state, StreamState::Stopped);
        QCOMPARE(s.lostSamples, std::uint64_t{0});
    }

    void aHeldBlockReturnsToTheInputOnlyWhenReleased()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        auto sub = relay.subscribe(SubscriptionKind::Lossless, 64);
        relay.start(config());
        auto held = sub->pop(5000);
        QVERIFY(held);
        const unsigned char *data = held->block->data;
        // The output plays it and the relay goes on with the other buffers; the held one
        // never comes back as a new block while it is held.
        for (int n = 0; n < 40; ++n) {
            auto d = sub->pop(5000);
            QVERIFY(d);
            QVERIFY(d->block->data != data);
        }
        held.reset();
        bool reused = false;
        for (int n = 0; n < 40 && !reused; ++n) {
            auto d = sub->pop(5000);
            QVERIFY(d);
            reused = d->block->data == data;
        }
        QVERIFY2(reused, "the released buffer never went back to the input");
    }

    void failedInputTransfersAreNotRelayed()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::failEveryOtherInputTransfer = true;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        auto sub = relay.subscribe(SubscriptionKind::Lossless, 64);
        relay.start(config());
        auto first = sub->pop(5000);
        QVERIFY(first);
        QCOMPARE(first->block->firstSample, std::uint64_t{0});
        first.reset();
        for (int n = 0; n < 20; ++n) {
            auto d = sub->pop(5000);
            QVERIFY(d);
            QVERIFY(d->block->discontinuity); // a failed transfer before each later block
        }
        relay.stop();
        // Half the input transfers failed; none of those reached the output.
        QVERIFY(FakeIioKernel::outputEnqueues.load() <= (FakeIioKernel::inputEnqueues.load() + 1) / 2);
        const StreamStats s = relay.stats();
        QVERIFY(s.sourceOverruns >= 20);
        QCOMPARE(s.lostSamples % kFrames, std::uint64_t{0});
        QCOMPARE(relay.relayStats().failedTransfers, std::uint64_t{0});
    }

    void failedOutputTransfersAreCounted()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::failEveryOtherOutputTransfer = true;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        auto sub = relay.subscribe(SubscriptionKind::Lossless, 64);
        relay.start(config());
        QVERIFY(popBlocks(*sub, 40));
        QTRY_VERIFY(relay.relayStats().failedTransfers >= 10);
        relay.stop();
        const RelayStats r = relay.relayStats();
        // Played and failed alternate; the buffers of both kinds go back to the input.
        QVERIFY(r.blocks + 1 >= r.failedTransfers && r.failedTransfers + 1 >= r.blocks);
        QCOMPARE(relay.stats().state, StreamState::Stopped);
    }

    void framesOfDifferentSizesAreRefused()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        StreamConfig c = config();
        c.channels = {"voltage0"}; // 2-byte frames against the output's 4
        try {
            relay.start(c);
            QFAIL("started with frames of different sizes");
        } catch (const std::invalid_argument &e) {
            QVERIFY2(contains(e.what(), "2 bytes in, 4 bytes out"), e.what());
        }
        QCOMPARE(relay.state(), StreamState::Idle);
        QCOMPARE(FakeIioKernel::enqueueCalls.load(), 0);
    }

    void withoutDmabufThereIsNoRelay()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::attachErrno = EPERM;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        try {
            relay.start(config());
            QFAIL("relay started without DMABUF");
        } catch (const std::runtime_error &e) {
            QVERIFY2(contains(e.what(), "zero-copy relay is not possible"), e.what());
            QVERIFY2(contains(e.what(), "buffer-dma"), e.what());
        }
        StreamConfig c = config();
        c.path = PathPreference::Fileio;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, relay.start(c));
        RelayStream noPrefill("fake-adc", "fake-dac", sysfs.options(), {{}, kBlocks});
        FakeIioKernel::attachErrno = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, noPrefill.start(config()));
        QCOMPARE(sysfs.get("iio:device0/buffer0/enable"), QByteArray("0"));
        QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("0"));
    }

    // An ENQUEUE refused with ENODEV, or with any error while the driver tears down (iio_sim's
    // DAC says EINVAL once its scan is gone): either way the device is gone.
    void aDeviceGoneAtEnqueueEndsTheRelay_data()
    {
        QTest::addColumn<int>("enqueueErrno");
        QTest::addColumn<bool>("removeOutput");
        QTest::newRow("ENODEV") << ENODEV << false;
        QTest::newRow("EINVAL during removal") << EINVAL << true;
    }
    void aDeviceGoneAtEnqueueEndsTheRelay()
    {
        QFETCH(int, enqueueErrno);
        QFETCH(bool, removeOutput);
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        auto sub = relay.subscribe(SubscriptionKind::Lossless, 64);
        relay.start(config());
        QVERIFY(popBlocks(*sub, 5));
        if (removeOutput)
            sysfs.remove("iio:device1");
        FakeIioKernel::enqueueErrno = enqueueErrno;
        while (sub->pop(5000)) {
        }
        QTRY_COMPARE(relay.state(), StreamState::Failed);
        const std::string error = relay.stats().error;
        QVERIFY2(contains(error, describeErrno(ENODEV)), error.c_str());
        QVERIFY2(contains(error, "removed"), error.c_str());
        QCOMPARE(sub->endReason(), error);
        relay.stop();
        QCOMPARE(FakeIioKernel::detachCalls.load(), FakeIioKernel::attachCalls.load());
    }

    void anOutputThatVanishedEndsTheRelay()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        // The orphaned buffers take ENQUEUE and never complete: only the timeout's sysfs
        // check finds out.
        FakeIioKernel::fencesNeverSignal = true;
        RelayStream relay("fake-adc", "fake-dac", sysfs.options());
        auto sub = relay.subscribe(SubscriptionKind::Lossless, 64);
        relay.start(config());
        sysfs.remove("iio:device1");
        QVERIFY(!sub->pop(10000));
        QTRY_COMPARE(relay.state(), StreamState::Failed);
        const std::string error = relay.stats().error;
        QVERIFY2(contains(error, describeErrno(ENODEV)), error.c_str());
        QVERIFY2(contains(error, "removed"), error.c_str());
    }
};

QTEST_GUILESS_MAIN(TstRelayStream)
#include "tst_relay_stream.moc"

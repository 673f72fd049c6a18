// DmabufStream's path choice with failures injected at the system-call boundary
// (fake_iio_kernel.h): the system heap, udmabuf when the heap is missing, read() when no
// allocator works or the driver refuses ATTACH, each fallback with its reason; the forced
// paths; transfers whose fence reports an error are never delivered. The real kernel path is
// exercised in the VM (tests/kernel).
#include "dmascope/dmabuf_stream.h"
#include "dmascope/system_error.h"
#include "fake_iio_kernel.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;
using faketest::FakeIioKernel;
using faketest::FakeKernelScope;
using faketest::FakeSysfs;

namespace {
StreamConfig config(PathPreference path = PathPreference::Auto)
{
    StreamConfig c;
    c.samplesPerBlock = 256;
    c.blockCount = 4;
    c.path = path;
    return c;
}

bool contains(const std::string &text, const char *part)
{
    return text.find(part) != std::string::npos;
}
} // namespace

class TstDmabufStream : public QObject
{
    Q_OBJECT

private slots:
    void usesTheSystemHeapWhenEverythingWorks()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        DmabufStream stream("fake-adc", sysfs.options());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        stream.start(config());
        QCOMPARE(stream.stats().path, std::string("dmabuf-heap"));
        QVERIFY(stream.stats().fallbackReason.empty());
        auto d = sub->pop(5000);
        QVERIFY(d);
        QCOMPARE(d->block->bytes, std::size_t{256 * 4});
        QVERIFY(!d->discontinuity);
        d.reset();
        stream.stop();
        // One probe attach plus one per buffer; every buffer detached again.
        QCOMPARE(FakeIioKernel::attachCalls.load(), 5);
        QCOMPARE(FakeIioKernel::detachCalls.load(), 5);
        QVERIFY(FakeIioKernel::enqueueCalls.load() >= 4);
        QVERIFY(FakeIioKernel::syncCalls.load() >= 1); // DMA_BUF_IOCTL_SYNC around CPU access
        QCOMPARE(sysfs.get("iio:device0/buffer0/enable"), QByteArray("0"));
    }

    void fallsBackToUdmabufWithoutTheHeap()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::heapOpenErrno = ENOENT;
        DmabufStream stream("fake-adc", sysfs.options());
        stream.start(config());
        const StreamStats s = stream.stats();
        QCOMPARE(s.path, std::string("dmabuf-udmabuf"));
        QVERIFY2(contains(s.fallbackReason, "no system DMA heap"), s.fallbackReason.c_str());
        QVERIFY2(contains(s.fallbackReason, "No such file or directory"), s.fallbackReason.c_str());
        QVERIFY2(contains(s.fallbackReason, "CONFIG_DMABUF_HEAPS_SYSTEM"), s.fallbackReason.c_str());
    }

    void fallsBackToReadWithoutAnyAllocator()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::heapOpenErrno = ENOENT;
        FakeIioKernel::udmabufOpenErrno = EACCES;
        DmabufStream stream("fake-adc", sysfs.options());
        stream.start(config());
        const StreamStats s = stream.stats();
        QCOMPARE(s.path, std::string("fileio"));
        QVERIFY2(contains(s.fallbackReason, "no DMABUF allocator"), s.fallbackReason.c_str());
        QVERIFY2(contains(s.fallbackReason, "/fake/udmabuf"), s.fallbackReason.c_str());
        QVERIFY2(contains(s.fallbackReason, "read()"), s.fallbackReason.c_str());
        QCOMPARE(FakeIioKernel::attachCalls.load(), 0);
    }

    void fallsBackToReadWhenTheDriverRefusesAttach_data()
    {
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("why");
        QTest::newRow("EPERM") << EPERM << "not built on buffer-dma";
        QTest::newRow("ENOTTY") << ENOTTY << "no IIO DMABUF interface";
        QTest::newRow("ENODEV") << ENODEV << "no IIO DMABUF interface";
    }
    void fallsBackToReadWhenTheDriverRefusesAttach()
    {
        QFETCH(int, error);
        QFETCH(QString, why);
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::attachErrno = error;
        DmabufStream stream("fake-adc", sysfs.options());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        stream.start(config());
        const StreamStats s = stream.stats();
        QCOMPARE(s.path, std::string("fileio"));
        QVERIFY2(contains(s.fallbackReason, "refused DMABUF attach"), s.fallbackReason.c_str());
        QVERIFY2(contains(s.fallbackReason, describeErrno(error).c_str()), s.fallbackReason.c_str());
        QVERIFY2(contains(s.fallbackReason, why.toLatin1().constData()), s.fallbackReason.c_str());
        // And it streams, with read().
        kernel.produce(QByteArray(256 * 4, '\x01'));
        auto d = sub->pop(5000);
        QVERIFY(d);
        QCOMPARE(d->block->data[0], std::uint8_t{1});
        QCOMPARE(FakeIioKernel::enqueueCalls.load(), 0);
    }

    void otherAttachErrorsAreErrorsNotFallbacks()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::attachErrno = EBUSY;
        DmabufStream stream("fake-adc", sysfs.options());
        try {
            stream.start(config());
            QFAIL("started although ATTACH failed with EBUSY");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), EBUSY);
        }
        QCOMPARE(stream.state(), StreamState::Idle);
    }

    void forcedPaths()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::attachErrno = EPERM;
        DmabufStream stream("fake-adc", sysfs.options());
        try {
            stream.start(config(PathPreference::Dmabuf));
            QFAIL("forced DMABUF started without DMABUF");
        } catch (const std::runtime_error &e) {
            QVERIFY2(contains(e.what(), "DMABUF streaming is not possible"), e.what());
        }
        QCOMPARE(sysfs.get("iio:device0/buffer0/enable"), QByteArray("0"));
        FakeIioKernel::attachCalls = 0;
        stream.start(config(PathPreference::Fileio));
        QCOMPARE(stream.stats().path, std::string("fileio"));
        QVERIFY(stream.stats().fallbackReason.empty()); // asked for, not a fallback
        QCOMPARE(FakeIioKernel::attachCalls.load(), 0);
    }

    void failedTransfersAreNeverDelivered()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::failEveryOtherTransfer = true;
        DmabufStream stream("fake-adc", sysfs.options());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        // Transfers alternate: ok, failed, ok, ... The first block arrives intact.
        auto first = sub->pop(5000);
        QVERIFY(first);
        QVERIFY(!first->discontinuity);
        QCOMPARE(first->block->firstSample, std::uint64_t{0});
        std::uint64_t next = 256;
        first.reset();
        for (int n = 0; n < 20; ++n) {
            auto d = sub->pop(5000);
            QVERIFY(d);
            // Every later block follows a failed transfer: a gap of one block, flagged.
            QVERIFY(d->discontinuity);
            QVERIFY(d->block->discontinuity);
            QCOMPARE(d->block->firstSample, next + 256);
            next = d->block->firstSample + 256;
        }
        stream.stop();
        const StreamStats s = stream.stats();
        QVERIFY(s.sourceOverruns >= 20);
        QCOMPARE(s.lostSamples % 256, std::uint64_t{0});
        QVERIFY(s.lostSamples >= 20 * 256);
    }

    void samplesTheDriverDroppedAreAGap_data()
    {
        QTest::addColumn<bool>("doneAtEnqueue");
        QTest::addColumn<bool>("notifies");
        QTest::newRow("transfers done after the export") << false << false;
        // iio_sim's throughput mode: the stream sees them done with a poll(), exports no
        // fence (the kernel would give the stub) and reads the counter once per ENQUEUE.
        QTest::newRow("transfers done inside the ENQUEUE") << true << false;
        // iio_sim notifies its counter: the stream reads it only when told it changed.
        QTest::newRow("a driver that notifies its counter") << true << true;
        QTest::newRow("a notifying driver, transfers done after the export") << false << true;
    }

    void samplesTheDriverDroppedAreAGap()
    {
        QFETCH(bool, doneAtEnqueue);
        QFETCH(bool, notifies);
        FakeSysfs sysfs;
        sysfs.put("iio:device0/dropped_samples", "0\n");
        FakeKernelScope kernel;
        FakeIioKernel::transfersDoneAtEnqueue = doneAtEnqueue;
        FakeIioKernel::lossCounterNotifies = notifies;
        DmabufStream stream("fake-adc", sysfs.options());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        QVERIFY(sub->pop(5000));
        // The fake completes every transfer at once, so the device is idle whenever a buffer
        // is re-queued: that is when the stream reads the driver's counter.
        sysfs.put("iio:device0/dropped_samples", "500\n");
        FakeIioKernel::notifyLossCounter();
        std::optional<Delivery> gap;
        for (int n = 0; n < 10000 && !gap; ++n) {
            auto d = sub->pop(5000);
            QVERIFY(d);
            if (d->block->discontinuity)
                gap = std::move(d);
        }
        QVERIFY2(gap, "no block announced the samples the driver dropped");
        QVERIFY(gap->discontinuity);
        QCOMPARE(gap->block->firstSample % 256, std::uint64_t{500 % 256});
        gap.reset();
        stream.stop();
        const StreamStats s = stream.stats();
        QCOMPARE(s.lostSamples, std::uint64_t{500});
        QCOMPARE(s.sourceOverruns, std::uint64_t{1});
        QCOMPARE(s.discontinuities, std::uint64_t{1});
        QVERIFY(FakeIioKernel::dmabufPolls.load() > 0);
        if (notifies) {
            // At open (to clear what the open itself would poll as), at start() and once
            // after the notification: not once per block.
            QVERIFY2(FakeIioKernel::lossCounterReads.load() <= 3,
                     qPrintable(QString("%1 reads of the counter for %2 transfers")
                                    .arg(FakeIioKernel::lossCounterReads.load())
                                    .arg(FakeIioKernel::enqueueCalls.load())));
        } else {
            // At least once per ENQUEUE after the start (the first 4 come before it).
            QVERIFY(FakeIioKernel::lossCounterReads.load() >=
                    FakeIioKernel::enqueueCalls.load() - int(config().blockCount));
        }
        if (doneAtEnqueue) {
            QCOMPARE(FakeIioKernel::fencesExported.load(), 0);
            QCOMPARE(FakeIioKernel::fenceStatusCalls.load(), 0);
        } else {
            QVERIFY(FakeIioKernel::fencesExported.load() >= FakeIioKernel::enqueueCalls.load());
        }
    }

    void aSignalledFenceIsAskedItsStatusOnce()
    {
        // With the driver's loss counter the stream looks at the newest transfer before each
        // ENQUEUE (is the device idle?) and at the oldest before delivering it. The fake
        // signals every fence at once: each transfer's status is then known from the first
        // look, and a second SYNC_IOC_FILE_INFO would be a system call per block for nothing.
        FakeSysfs sysfs;
        sysfs.put("iio:device0/dropped_samples", "0\n");
        FakeKernelScope kernel;
        DmabufStream stream("fake-adc", sysfs.options());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        for (int n = 0; n < 200; ++n)
            QVERIFY(sub->pop(5000));
        stream.stop();
        QVERIFY(FakeIioKernel::fencesExported.load() >= 200);
        QVERIFY2(FakeIioKernel::fenceStatusCalls.load() <= FakeIioKernel::fencesExported.load(),
                 qPrintable(QString("%1 status calls for %2 transfers")
                                .arg(FakeIioKernel::fenceStatusCalls.load())
                                .arg(FakeIioKernel::fencesExported.load())));
    }

    void unpluggedDeviceEndsTheStreamWithEnodev()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        // After rmmod buffer-dma accepts ENQUEUE on the orphaned fd and never completes it.
        FakeIioKernel::fencesNeverSignal = true;
        DmabufStream stream("fake-adc", sysfs.options());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        stream.start(config());
        sysfs.remove("iio:device0");
        QVERIFY(!sub->pop(10000));
        QVERIFY(sub->ended());
        QTRY_COMPARE(stream.state(), StreamState::Failed);
        const StreamStats s = stream.stats();
        QVERIFY2(contains(s.error, describeErrno(ENODEV).c_str()), s.error.c_str());
        QVERIFY2(contains(s.error, "removed"), s.error.c_str());
        QCOMPARE(sub->endReason(), s.error);
        stream.stop();
    }

    // A refused ENQUEUE ends the stream with its errno, unless the device is gone: then it
    // is a removal, whatever the half-removed driver answered.
    void aFailedEnqueueEndsTheStream_data()
    {
        QTest::addColumn<bool>("removed");
        QTest::newRow("device there") << false;
        QTest::newRow("device removed") << true;
    }
    void aFailedEnqueueEndsTheStream()
    {
        QFETCH(bool, removed);
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        DmabufStream stream("fake-adc", sysfs.options());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        stream.start(config());
        QVERIFY(sub->pop(5000));
        if (removed)
            sysfs.remove("iio:device0");
        FakeIioKernel::enqueueErrno = EINVAL;
        while (sub->pop(5000)) {
        }
        QTRY_COMPARE(stream.state(), StreamState::Failed);
        const StreamStats s = stream.stats();
        QVERIFY2(contains(s.error, describeErrno(removed ? ENODEV : EINVAL).c_str()),
                 s.error.c_str());
        QCOMPARE(contains(s.error, "removed"), removed);
    }

    void everyBufferIsAttachedBeforeTheFirstEnqueue()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        DmabufStream stream("fake-adc", sysfs.options());
        stream.start(config());
        QTRY_VERIFY(FakeIioKernel::enqueueCalls.load() > 4);
        stream.stop();
        QCOMPARE(FakeIioKernel::attachesAfterEnqueue.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TstDmabufStream)
#include "tst_dmabuf_stream.moc"

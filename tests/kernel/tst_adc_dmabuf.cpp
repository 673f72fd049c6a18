// iio-sim-adc over the IIO DMABUF interface, with DMABUFs from the system heap and from udmabuf:
// attach, enqueue, wait for the transfer fence, sync, check the counter over 1000+ blocks,
// detach; and the lost-samples counters (ADC and DAC) that the streams poll. Runs in the QEMU
// guest (also once with guest memory above 4 GiB).
#include "iio_sim_fixture.h"

#include "dmascope/dmabuf.h"
#include "dmascope/iio_buffer_handle.h"

#include <QTest>

#include <cstdlib>
#include <deque>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

using namespace dmascope;

namespace {
constexpr std::size_t kFrames = 4096;   // samples per channel per block
constexpr std::size_t kFrameBytes = 4;  // in_voltage1 (s16) + in_voltage3 (s12 in 16)
constexpr std::size_t kBlockBytes = kFrames * kFrameBytes;
constexpr int kBlockCount = 16;
constexpr int kBlocksToCheck = 1100;

std::unique_ptr<DmabufAllocator> makeAllocator(const QString &kind)
{
    if (kind == "dma-heap")
        return std::make_unique<DmaHeapAllocator>();
    return std::make_unique<UdmabufAllocator>();
}

struct Slot
{
    MappedDmabuf buf;
    TransferFence fence;
};
} // namespace

class TstAdcDmabuf : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

private slots:
    void init() { simtest::resetAdc(devs_.adc); }
    void cleanup()
    {
        simtest::resetAdc(devs_.adc);
        simtest::resetDac(devs_.dac);
    }

    void counterIsContinuous_data()
    {
        QTest::addColumn<QString>("allocator");
        QTest::newRow("dma-heap") << "dma-heap";
        QTest::newRow("udmabuf") << "udmabuf";
    }

    void counterIsContinuous()
    {
        QFETCH(QString, allocator);
        const auto &adc = devs_.adc;
        // 250 kS/s and 16 blocks: a quarter second of queue, so a descheduled guest rarely
        // drops, and a drop stays well inside the 16-bit counter's unambiguous range.
        adc.write("sampling_frequency", "250000");
        adc.write("in_voltage1_waveform", "counter");
        simtest::selectChannels(adc, {"in_voltage1", "in_voltage3"});
        adc.setBufferLength(0, kFrames * kBlockCount);

        auto alloc = makeAllocator(allocator);
        IioBufferHandle buffer(adc.devNode(), 0);
        std::vector<Slot> ring;
        for (int i = 0; i < kBlockCount; ++i) {
            ring.push_back({MappedDmabuf(alloc->allocate(kBlockBytes), kBlockBytes), {}});
            buffer.attach(ring.back().buf.fd());
        }

        std::deque<int> queued;
        auto enqueue = [&](int i) {
            QCOMPARE(buffer.enqueue(ring[i].buf.fd(), kBlockBytes), 0);
            int err = 0;
            ring[i].fence = TransferFence::exportFrom(ring[i].buf.fd(), CpuAccess::Read, &err);
            QCOMPARE(err, 0);
            queued.push_back(i);
        };
        for (int i = 0; i < kBlockCount; ++i)
            enqueue(i);
        adc.setBufferEnabled(0, true);

        simtest::CounterChecker s16(16, 0, 0, kFrameBytes);
        for (int n = 0; n < kBlocksToCheck; ++n) {
            const int i = queued.front();
            queued.pop_front();
            Slot &slot = ring[i];
            QCOMPARE(slot.fence.wait(5000), 1);
            QCOMPARE(slot.fence.status(), 0);
            {
                ScopedCpuAccess access(slot.buf, CpuAccess::Read);
                QVERIFY(access.ok());
                QVERIFY2(s16.feed(slot.buf.data(), kBlockBytes), s16.error().c_str());
                const std::string mismatch =
                    simtest::compareCounters(slot.buf.data(), kBlockBytes, kFrameBytes, 0, 2);
                QVERIFY2(mismatch.empty(), mismatch.c_str());
            }
            enqueue(i);
        }
        adc.setBufferEnabled(0, false);
        const long long dropped = simtest::readNumber(adc, "dropped_samples");
        for (const Slot &slot : ring)
            buffer.detach(slot.buf.fd());

        QCOMPARE(s16.samples(), std::uint64_t(kFrames) * kBlocksToCheck);
        qInfo("%s: %llu samples checked, %llu missing, driver dropped %lld", qPrintable(allocator),
              static_cast<unsigned long long>(s16.samples()),
              static_cast<unsigned long long>(s16.missing()), dropped);
        // Blocks stay queued until the buffer is disabled, so every sample the driver dropped
        // (for lack of a queued block, when this process was descheduled) is a gap in the
        // counter, and every gap is one it owns up to: nothing lost silently.
        QCOMPARE(static_cast<long long>(s16.missing()), dropped);
        QVERIFY2(s16.missing() < s16.samples() / 10, "most samples were lost");
    }

    // Starve the driver (no block queued) for a while: the samples it drops are counted in
    // dropped_samples and the counter jumps by exactly that much.
    void counterGapEqualsDroppedSamples()
    {
        const auto &adc = devs_.adc;
        adc.write("sampling_frequency", "100000");
        adc.write("in_voltage1_waveform", "counter");
        simtest::selectChannels(adc, {"in_voltage1", "in_voltage3"});
        adc.setBufferLength(0, kFrames * 2);

        DmaHeapAllocator alloc;
        IioBufferHandle buffer(adc.devNode(), 0);
        std::vector<Slot> ring;
        for (int i = 0; i < 2; ++i) {
            ring.push_back({MappedDmabuf(alloc.allocate(kBlockBytes), kBlockBytes), {}});
            buffer.attach(ring.back().buf.fd());
        }
        simtest::CounterChecker s16(16, 0, 0, kFrameBytes);
        auto round = [&](bool enableAfterQueueing, long long *droppedAfterFirst) {
            for (Slot &slot : ring) {
                QCOMPARE(buffer.enqueue(slot.buf.fd(), kBlockBytes), 0);
                slot.fence = TransferFence::exportFrom(slot.buf.fd(), CpuAccess::Read, nullptr);
                QVERIFY(slot.fence.valid());
            }
            if (enableAfterQueueing)
                adc.setBufferEnabled(0, true);
            for (Slot &slot : ring) {
                QCOMPARE(slot.fence.wait(5000), 1);
                QCOMPARE(slot.fence.status(), 0);
                // While the second block is still filling nothing is being dropped.
                if (droppedAfterFirst && &slot == &ring[0])
                    *droppedAfterFirst = simtest::readNumber(adc, "dropped_samples");
                ScopedCpuAccess access(slot.buf, CpuAccess::Read);
                QVERIFY(access.ok());
                QVERIFY2(s16.feed(slot.buf.data(), kBlockBytes), s16.error().c_str());
            }
        };
        round(true, nullptr);
        QCOMPARE(s16.missing(), std::uint64_t(0));
        QTest::qWait(100); // ~10,000 samples at 100 kS/s, well under the 16-bit wrap
        long long dropped = -1;
        round(false, &dropped);
        adc.setBufferEnabled(0, false);
        for (const Slot &slot : ring)
            buffer.detach(slot.buf.fd());
        QVERIFY2(dropped > 1000, qPrintable(QString("dropped_samples = %1").arg(dropped)));
        QCOMPARE(static_cast<long long>(s16.missing()), dropped);
    }

    // The driver notifies its lost-samples counter whenever it changes, so a stream keeping it
    // open asks poll() (POLLPRI) instead of reading it for every block. The stream relies on
    // three things: the reset at enable is notified at once, every change after it is, and
    // nothing is while the count stands still.
    void lostSamplesCounterIsPollable_data()
    {
        QTest::addColumn<bool>("dac");
        QTest::addColumn<QString>("attribute");
        QTest::newRow("adc") << false << "dropped_samples";
        QTest::newRow("dac") << true << "underrun_samples";
    }

    void lostSamplesCounterIsPollable()
    {
        QFETCH(bool, dac);
        QFETCH(QString, attribute);
        const IioSysfsDevice &dev = dac ? devs_.dac : devs_.adc;
        dev.write("sampling_frequency", "100000");
        simtest::selectChannels(dev, {dac ? "out_voltage0" : "in_voltage1"});
        dev.setBufferLength(0, kFrames);
        // An attached DMABUF keeps buffer-dma from queueing its own (fileio) blocks: enabled
        // with nothing enqueued, the device loses every sample.
        DmaHeapAllocator alloc;
        IioBufferHandle buffer(dev.devNode(), 0);
        MappedDmabuf block(alloc.allocate(kBlockBytes), kBlockBytes);
        buffer.attach(block.fd());

        const std::string path = dev.dir() + "/" + attribute.toStdString();
        UniqueFd counter(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        QVERIFY2(counter.valid(), path.c_str());
        auto readCounter = [&] {
            char text[32] = {};
            const ssize_t n = ::pread(counter.get(), text, sizeof text - 1, 0);
            return n > 0 ? std::atoll(text) : -1LL;
        };
        auto notified = [&](int timeoutMs) {
            pollfd p{counter.get(), POLLPRI, 0};
            return ::poll(&p, 1, timeoutMs) == 1 && (p.revents & POLLPRI);
        };
        readCounter(); // an fd that never read polls as notified
        QVERIFY(!notified(0));
        dev.write(attribute.toStdString(), "0");
        QVERIFY2(notified(0), "writing 0 was not notified");
        readCounter();
        QVERIFY(!notified(0));

        dev.setBufferEnabled(0, true);
        QVERIFY2(notified(0), "the reset at enable was not notified at once");
        const long long first = readCounter();
        QVERIFY2(notified(2000), "samples were lost and nobody was told");
        QVERIFY2(readCounter() > first, "notified, but the count did not grow");
        dev.setBufferEnabled(0, false);
        const long long last = readCounter();
        QVERIFY(last > first);
        QTest::qWait(50);
        QVERIFY2(!notified(0), "notified while disabled");
        QCOMPARE(readCounter(), last);
        buffer.detach(block.fd());
    }
};

QTEST_GUILESS_MAIN(TstAdcDmabuf)
#include "tst_adc_dmabuf.moc"

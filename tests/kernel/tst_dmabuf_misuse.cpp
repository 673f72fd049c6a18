// Misuse of the IIO DMABUF interface on iio-sim-adc returns the documented errno and leaves the
// kernel healthy (kernel/vm/run fails the test if dmesg shows a WARNING, BUG or Oops).
#include "iio_sim_fixture.h"

#include "dmascope/dmabuf.h"
#include "dmascope/iio_buffer_handle.h"
#include "dmascope/uapi/iio_buffer.h"

#include <QTest>

#include <cerrno>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

using namespace dmascope;

namespace {
constexpr std::size_t kBlockBytes = 4096 * 4; // 4096 frames of in_voltage1 + in_voltage3

int rawEnqueue(int bufferFd, int dmabufFd, std::uint32_t flags, std::uint64_t bytes)
{
    iio_dmabuf req{static_cast<__u32>(dmabufFd), flags, bytes};
    return ::ioctl(bufferFd, IIO_BUFFER_DMABUF_ENQUEUE_IOCTL, &req) < 0 ? errno : 0;
}
} // namespace

class TstDmabufMisuse : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();
    DmaHeapAllocator heap_;

    MappedDmabuf newBlock() { return MappedDmabuf(heap_.allocate(kBlockBytes), kBlockBytes); }

private slots:
    void init()
    {
        simtest::resetAdc(devs_.adc);
        simtest::selectChannels(devs_.adc, {"in_voltage1", "in_voltage3"});
        devs_.adc.setBufferLength(0, 4096 * 4);
    }
    void cleanup() { simtest::resetAdc(devs_.adc); }

    void attachRefusesNonDmabufFd()
    {
        IioBufferHandle buffer(devs_.adc.devNode(), 0);
        UniqueFd memfd(::memfd_create("not-a-dmabuf", MFD_CLOEXEC));
        QCOMPARE(buffer.tryAttach(memfd.get()), EINVAL);
        QCOMPARE(buffer.tryDetach(memfd.get()), EINVAL);
    }

    void doubleAttachIsBusy()
    {
        IioBufferHandle buffer(devs_.adc.devNode(), 0);
        MappedDmabuf block = newBlock();
        QCOMPARE(buffer.tryAttach(block.fd()), 0);
        QCOMPARE(buffer.tryAttach(block.fd()), EBUSY);
        QCOMPARE(buffer.tryDetach(block.fd()), 0);
        QCOMPARE(buffer.tryDetach(block.fd()), EPERM);
    }

    void unattachedDmabufIsRefused()
    {
        IioBufferHandle buffer(devs_.adc.devNode(), 0);
        MappedDmabuf block = newBlock();
        QCOMPARE(buffer.enqueue(block.fd(), kBlockBytes), EPERM);
        QCOMPARE(buffer.tryDetach(block.fd()), EPERM);
    }

    void badEnqueueArgumentsAreInvalid()
    {
        IioBufferHandle buffer(devs_.adc.devNode(), 0);
        MappedDmabuf block = newBlock();
        buffer.attach(block.fd());
        QCOMPARE(buffer.enqueue(block.fd(), block.size() + 4096), EINVAL); // larger than it
        QCOMPARE(buffer.enqueue(block.fd(), 0), EINVAL);                    // nothing used
        QCOMPARE(buffer.enqueue(block.fd(), kBlockBytes, true), EINVAL);    // cyclic on input
        QCOMPARE(rawEnqueue(buffer.fd(), block.fd(), 0x80, kBlockBytes), EINVAL); // unknown flag
        // Not whole frames of the scan: the driver's own check.
        QCOMPARE(buffer.enqueue(block.fd(), kBlockBytes - 2), EINVAL);
        buffer.detach(block.fd());
    }

    // The core keeps the attachment alive until the queued transfer ends.
    void detachWhileQueued()
    {
        const auto &adc = devs_.adc;
        IioBufferHandle buffer(adc.devNode(), 0);
        MappedDmabuf block = newBlock();
        buffer.attach(block.fd());
        QCOMPARE(buffer.enqueue(block.fd(), kBlockBytes), 0);
        const TransferFence fence = TransferFence::exportFrom(block.fd(), CpuAccess::Read, nullptr);
        QVERIFY(fence.valid());
        QCOMPARE(buffer.tryDetach(block.fd()), 0);
        adc.setBufferEnabled(0, true);
        QCOMPARE(fence.wait(5000), 1);
        QCOMPARE(fence.status(), 0);
        adc.setBufferEnabled(0, false);
    }

    // Disabling aborts the blocks in flight: their fences signal with -EINTR, never as data.
    void disableWithBlocksQueuedFailsThem()
    {
        const auto &adc = devs_.adc;
        adc.write("sampling_frequency", "1000"); // a block takes 4 s: still queued at disable
        IioBufferHandle buffer(adc.devNode(), 0);
        MappedDmabuf a = newBlock(), b = newBlock();
        buffer.attach(a.fd());
        buffer.attach(b.fd());
        QCOMPARE(buffer.enqueue(a.fd(), kBlockBytes), 0);
        QCOMPARE(buffer.enqueue(b.fd(), kBlockBytes), 0);
        const TransferFence fa = TransferFence::exportFrom(a.fd(), CpuAccess::Read, nullptr);
        const TransferFence fb = TransferFence::exportFrom(b.fd(), CpuAccess::Read, nullptr);
        adc.setBufferEnabled(0, true);
        QTest::qWait(50);
        adc.setBufferEnabled(0, false);
        QCOMPARE(fa.wait(5000), 1);
        QCOMPARE(fb.wait(5000), 1);
        QCOMPARE(fa.status(), -EINTR);
        QCOMPARE(fb.status(), -EINTR);
        buffer.detach(a.fd());
        buffer.detach(b.fd());
    }

    // Closing the buffer fd with transfers in flight detaches everything once they end.
    void closeBufferFdWithBlocksInFlight()
    {
        const auto &adc = devs_.adc;
        MappedDmabuf a = newBlock(), b = newBlock();
        TransferFence fa, fb;
        {
            IioBufferHandle buffer(adc.devNode(), 0);
            buffer.attach(a.fd());
            buffer.attach(b.fd());
            QCOMPARE(buffer.enqueue(a.fd(), kBlockBytes), 0);
            QCOMPARE(buffer.enqueue(b.fd(), kBlockBytes), 0);
            fa = TransferFence::exportFrom(a.fd(), CpuAccess::Read, nullptr);
            fb = TransferFence::exportFrom(b.fd(), CpuAccess::Read, nullptr);
            adc.setBufferEnabled(0, true);
        }
        // Closing does not disable the buffer: the queued blocks complete normally.
        QCOMPARE(fa.wait(5000), 1);
        QCOMPARE(fb.wait(5000), 1);
        QCOMPARE(fa.status(), 0);
        adc.setBufferEnabled(0, false);
        // A new buffer fd starts with nothing attached.
        IioBufferHandle again(adc.devNode(), 0);
        QCOMPARE(again.tryDetach(a.fd()), EPERM);
        QCOMPARE(again.tryAttach(a.fd()), 0);
        QCOMPARE(again.tryDetach(a.fd()), 0);
    }

    void dmabufWhileFileioActiveIsBusy()
    {
        const auto &adc = devs_.adc;
        IioBufferHandle buffer(adc.devNode(), 0);
        adc.setBufferEnabled(0, true);
        std::uint8_t bytes[4096];
        QCOMPARE(buffer.waitReady(POLLIN, 5000), 1);
        QVERIFY(buffer.read(bytes, sizeof bytes) > 0);
        MappedDmabuf block = newBlock();
        const int err = buffer.tryAttach(block.fd());
        if (err == 0)
            QCOMPARE(buffer.enqueue(block.fd(), kBlockBytes), EBUSY);
        else
            QCOMPARE(err, EBUSY);
        adc.setBufferEnabled(0, false);
        if (err == 0)
            buffer.detach(block.fd());
    }
};

QTEST_GUILESS_MAIN(TstDmabufMisuse)
#include "tst_dmabuf_misuse.moc"

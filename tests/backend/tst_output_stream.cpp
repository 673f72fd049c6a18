// OutputStream on the fake kernel (fake_iio_kernel.h): what it configures, one-shot and cyclic
// blocks over DMABUF (ENQUEUE flags and sizes, fences waited for before a buffer is reused) and
// over write() (the bytes reach the buffer fd; cyclic repeats until stop), the fallbacks and
// their reasons, and argument errors. The real DAC and its loopback are tested in the VM.
#include "dmascope/output_stream.h"
#include "dmascope/system_error.h"
#include "dmascope/uapi/iio_buffer.h"
#include "fake_iio_kernel.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;
using faketest::FakeIioKernel;
using faketest::FakeKernelScope;
using faketest::FakeSysfs;

namespace {
OutputConfig config(PathPreference path = PathPreference::Auto)
{
    OutputConfig c;
    c.samplesPerBlock = 100;
    c.blockCount = 3;
    c.path = path;
    return c;
}

QByteArray pattern(int frames)
{
    QByteArray out;
    for (int i = 0; i < frames; ++i) {
        const std::int16_t a = static_cast<std::int16_t>(i), b = static_cast<std::int16_t>(-i);
        out.append(reinterpret_cast<const char *>(&a), 2);
        out.append(reinterpret_cast<const char *>(&b), 2);
    }
    return out;
}
} // namespace

class TstOutputStream : public QObject
{
    Q_OBJECT

private slots:
    void dmabufOneShotAndCyclic()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::outputBuffer = true;
        OutputStream out("fake-dac", sysfs.options());
        out.start(config());
        QCOMPARE(out.path(), std::string("dmabuf-heap"));
        QCOMPARE(sysfs.get("iio:device1/buffer0/out_voltage0_en"), QByteArray("1"));
        QCOMPARE(sysfs.get("iio:device1/buffer0/out_voltage1_en"), QByteArray("1"));
        // Enabled with the first block, not before.
        QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("0"));
        QCOMPARE(out.layout()->frameBytes, std::size_t{4});
        QCOMPARE(out.layout()->channels[0].scale, 0.030517578);
        // Buffers are handed out in turn; each one again only after its fence signalled.
        for (int n = 0; n < 7; ++n) {
            auto b = out.acquire(1000);
            QVERIFY(b);
            QCOMPARE(b->index, static_cast<unsigned>(n % 3));
            QCOMPARE(b->capacity, std::size_t{400});
            std::memset(b->data, n, 40);
            out.submit(*b, 40);
            QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("1"));
            QCOMPARE(FakeIioKernel::lastEnqueueBytes.load(), 40ull);
            QCOMPARE(FakeIioKernel::lastEnqueueFlags.load(), 0u);
        }
        QCOMPARE(FakeIioKernel::enqueueCalls.load(), 7);
        const QByteArray p = pattern(100);
        out.write(reinterpret_cast<const std::uint8_t *>(p.constData()), p.size(), true);
        QCOMPARE(FakeIioKernel::lastEnqueueFlags.load(), unsigned(IIO_BUFFER_DMABUF_CYCLIC));
        QCOMPARE(FakeIioKernel::lastEnqueueBytes.load(), 400ull);
        QCOMPARE(out.failedTransfers(), std::uint64_t{0});
        out.stop();
        QVERIFY(!out.running());
        QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("0"));
        QCOMPARE(FakeIioKernel::detachCalls.load(), 4); // the probe and the three buffers
    }

    void failedTransfersAreCounted()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::outputBuffer = true;
        FakeIioKernel::failEveryOtherTransfer = true;
        OutputStream out("fake-dac", sysfs.options());
        out.start(config());
        const QByteArray p = pattern(10);
        for (int n = 0; n < 9; ++n)
            out.write(reinterpret_cast<const std::uint8_t *>(p.constData()), p.size());
        // Transfers 1, 3 and 5 failed; their buffers were reused at writes 4, 6 and 8.
        QCOMPARE(out.failedTransfers(), std::uint64_t{3});
    }

    void writePathOneShotAndCyclic()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::outputBuffer = true;
        FakeIioKernel::attachErrno = EPERM;
        OutputStream out("fake-dac", sysfs.options());
        OutputConfig c = config();
        c.channels = {"voltage1"};
        out.start(c);
        QCOMPARE(out.path(), std::string("fileio"));
        QVERIFY2(out.fallbackReason().find("write()") != std::string::npos,
                 out.fallbackReason().c_str());
        QCOMPARE(sysfs.get("iio:device1/buffer0/out_voltage0_en"), QByteArray("0"));
        QCOMPARE(out.layout()->frameBytes, std::size_t{2});
        const QByteArray once("\x01\x00\x02\x00\x03\x00", 6);
        out.write(reinterpret_cast<const std::uint8_t *>(once.constData()), once.size());
        QCOMPARE(kernel.consume(6), once);
        const QByteArray cycle("\x0a\x00\x0b\x00", 4);
        out.write(reinterpret_cast<const std::uint8_t *>(cycle.constData()), cycle.size(), true);
        QCOMPARE(kernel.consume(4 * 50), cycle.repeated(50));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, out.acquire(0));
        out.stop(); // ends the writer thread even while it waits for room
        QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("0"));
    }

    void refusesBadBlocks()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::outputBuffer = true;
        OutputStream out("fake-dac", sysfs.options());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, out.acquire(0));
        out.start(config());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, out.start(config()));
        auto b = out.acquire(0);
        QVERIFY(b);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, out.submit(*b, 6)); // not whole frames
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, out.submit(*b, 0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, out.submit(*b, 404)); // past the block
        OutputStream input("fake-adc", sysfs.options());
        try {
            input.start(config());
            QFAIL("an input device accepted output");
        } catch (const std::invalid_argument &e) {
            QVERIFY2(std::string(e.what()).find("no output scan elements") != std::string::npos,
                     e.what());
        }
    }

    // After rmmod the orphaned buffer takes blocks and never completes them, and a driver in
    // the middle of its teardown may refuse them with any error: both are a removal.
    void aRemovedDeviceIsReportedAsEnodev()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::outputBuffer = true;
        FakeIioKernel::fencesNeverSignal = true;
        OutputStream out("fake-dac", sysfs.options());
        out.start(config());
        for (int n = 0; n < 3; ++n) {
            auto b = out.acquire(1000);
            QVERIFY(b);
            out.submit(*b, 40);
        }
        // The device still there: a full queue is a timeout, not an error.
        QVERIFY(!out.acquire(50));
        sysfs.remove("iio:device1");
        try {
            out.acquire(50);
            QFAIL("no error after the device was removed");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), ENODEV);
            QVERIFY2(QByteArray(e.what()).contains("removed"), e.what());
        }
        out.stop();
    }

    void aRefusedEnqueueAfterRemovalIsEnodev()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::outputBuffer = true;
        OutputStream out("fake-dac", sysfs.options());
        out.start(config());
        auto b = out.acquire(1000);
        QVERIFY(b);
        sysfs.remove("iio:device1");
        FakeIioKernel::enqueueErrno = EINVAL;
        try {
            out.submit(*b, 40);
            QFAIL("the refused ENQUEUE was not reported");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), ENODEV);
        }
        out.stop();
    }

    void forcedDmabufWithoutSupportThrows()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FakeIioKernel::outputBuffer = true;
        FakeIioKernel::attachErrno = ENOTTY;
        OutputStream out("fake-dac", sysfs.options());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, out.start(config(PathPreference::Dmabuf)));
        QVERIFY(!out.running());
        QCOMPARE(sysfs.get("iio:device1/buffer0/enable"), QByteArray("0"));
    }
};

QTEST_GUILESS_MAIN(TstOutputStream)
#include "tst_output_stream.moc"

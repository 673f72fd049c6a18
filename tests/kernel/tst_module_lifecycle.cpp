// Loading and unloading iio_sim, including rmmod while a DMABUF or read() stream is running and
// the buffer fd is still open. Runs in a guest started with --no-sim: the test loads the module
// itself from DMASCOPE_IIO_SIM_KO. Any WARNING/BUG/Oops fails the run (kernel/vm/run).
#include "iio_sim_fixture.h"

#include "dmascope/dmabuf.h"
#include "dmascope/dmabuf_stream.h"
#include "dmascope/relay_stream.h"
#include "dmascope/iio_buffer_handle.h"
#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace dmascope;

namespace {
int loadModule()
{
    const char *path = std::getenv("DMASCOPE_IIO_SIM_KO");
    if (!path || !*path)
        return ENOENT;
    UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd)
        return errno;
    return ::syscall(SYS_finit_module, fd.get(), "", 0) == 0 ? 0 : errno;
}

int unloadModule()
{
    return ::syscall(SYS_delete_module, "iio_sim", O_NONBLOCK) == 0 ? 0 : errno;
}

constexpr std::size_t kBytes = 4096 * 4;
} // namespace

class TstModuleLifecycle : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(std::getenv("DMASCOPE_IIO_SIM_KO"), "run me with kernel/vm/run --no-sim");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, simtest::SimDevices::find());
    }

    void loadAndUnloadRepeatedly()
    {
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(loadModule(), 0);
            const auto devs = simtest::SimDevices::find();
            QCOMPARE(devs.adc.name(), std::string("iio-sim-adc"));
            QCOMPARE(unloadModule(), 0);
        }
    }

    void rmmodWhileDmabufStreaming()
    {
        QCOMPARE(loadModule(), 0);
        auto devs = simtest::SimDevices::find();
        simtest::resetAdc(devs.adc);
        simtest::selectChannels(devs.adc, {"in_voltage1", "in_voltage3"});
        DmaHeapAllocator heap;
        IioBufferHandle buffer(devs.adc.devNode(), 0);
        MappedDmabuf a(heap.allocate(kBytes), kBytes), b(heap.allocate(kBytes), kBytes);
        buffer.attach(a.fd());
        buffer.attach(b.fd());
        QCOMPARE(buffer.enqueue(a.fd(), kBytes), 0);
        QCOMPARE(buffer.enqueue(b.fd(), kBytes), 0);
        const TransferFence fa = TransferFence::exportFrom(a.fd(), CpuAccess::Read, nullptr);
        const TransferFence fb = TransferFence::exportFrom(b.fd(), CpuAccess::Read, nullptr);
        devs.adc.setBufferEnabled(0, true);
        QCOMPARE(fa.wait(5000), 1);
        // b may be in flight right now.
        QCOMPARE(unloadModule(), 0);
        // Every fence still signals (done, or aborted by the unload): nothing is left waiting.
        QCOMPARE(fb.wait(5000), 1);
        QVERIFY(fb.status() <= 0);
        // Detaching from the orphaned buffer must not harm the kernel (dmesg is checked).
        buffer.tryDetach(a.fd());
        buffer.tryDetach(b.fd());
    }

    void rmmodWhileFileioStreaming()
    {
        QCOMPARE(loadModule(), 0);
        auto devs = simtest::SimDevices::find();
        simtest::resetAdc(devs.adc);
        simtest::selectChannels(devs.adc, {"in_voltage0"});
        devs.adc.setBufferLength(0, 8192);
        IioBufferHandle buffer(devs.adc.devNode(), 0);
        devs.adc.setBufferEnabled(0, true);
        std::uint8_t data[4096];
        QCOMPARE(buffer.waitReady(POLLIN, 5000), 1);
        QVERIFY(buffer.read(data, sizeof data) > 0);
        QCOMPARE(unloadModule(), 0);
        QCOMPARE(buffer.read(data, sizeof data), ssize_t(-ENODEV));
    }

    // After rmmod buffer-dma takes ENQUEUE on the orphaned fd and never completes it: the
    // streams notice at their next wait timeout that the device is gone and end with ENODEV.
    void rmmodEndsAStreamWithEnodev_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("dmabuf") << "dmabuf";
        QTest::newRow("fileio") << "fileio";
        QTest::newRow("relay") << "relay";
    }
    void rmmodEndsAStreamWithEnodev()
    {
        QFETCH(QString, kind);
        QCOMPARE(loadModule(), 0);
        auto devs = simtest::SimDevices::find();
        simtest::resetAdc(devs.adc);
        simtest::resetDac(devs.dac);
        std::unique_ptr<Stream> stream;
        StreamConfig c;
        c.samplesPerBlock = 1024;
        c.blockCount = 4;
        if (kind == "relay") {
            c.channels = {"voltage0", "voltage1"};
            stream = std::make_unique<RelayStream>("iio-sim-adc", "iio-sim-dac");
        } else {
            c.channels = {"voltage3"};
            c.path = kind == "fileio" ? PathPreference::Fileio : PathPreference::Dmabuf;
            stream = std::make_unique<DmabufStream>("iio-sim-adc");
        }
        auto sub = stream->subscribe(SubscriptionKind::Lossless, 8);
        stream->start(c);
        QVERIFY(sub->pop(5000));
        QCOMPARE(unloadModule(), 0);
        while (sub->pop(10000)) {
        }
        QVERIFY(sub->ended());
        QTRY_COMPARE_WITH_TIMEOUT(stream->state(), StreamState::Failed, 10000);
        const std::string error = stream->stats().error;
        QVERIFY2(error.find(describeErrno(ENODEV)) != std::string::npos, error.c_str());
        QVERIFY2(error.find("removed") != std::string::npos, error.c_str());
        // Cleaning up after the device is gone must not harm the kernel (dmesg is checked).
        stream->stop();
    }

    void reloadAfterwardsStreams()
    {
        QCOMPARE(loadModule(), 0);
        auto devs = simtest::SimDevices::find();
        simtest::resetAdc(devs.adc);
        simtest::selectChannels(devs.adc, {"in_voltage3"});
        devs.adc.setBufferLength(0, 8192);
        IioBufferHandle buffer(devs.adc.devNode(), 0);
        devs.adc.setBufferEnabled(0, true);
        std::uint8_t data[8192];
        QCOMPARE(buffer.waitReady(POLLIN, 5000), 1);
        const ssize_t n = buffer.read(data, sizeof data);
        QVERIFY(n > 0);
        simtest::CounterChecker counter(12, 4, 0, 2);
        QVERIFY2(counter.feed(data, std::size_t(n)), counter.error().c_str());
        devs.adc.setBufferEnabled(0, false);
        QCOMPARE(unloadModule(), 0);
    }
};

QTEST_GUILESS_MAIN(TstModuleLifecycle)
#include "tst_module_lifecycle.moc"

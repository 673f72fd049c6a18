// DMABUF allocators and mappings on the host: what can be checked without the IIO kernel
// (the VM tests in tests/kernel exercise them against the real heap and udmabuf).
#include "dmascope/dmabuf.h"
#include "dmascope/syscalls.h"
#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/udmabuf.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace dmascope;

namespace {
// Records the udmabuf request the allocator makes, and answers it with the memfd itself (which
// is mappable like the DMABUF the kernel would return).
struct UdmabufRecorder
{
    static inline udmabuf_create last{};
    static inline int seals = 0;
    static int ioctl(int fd, unsigned long req, void *arg)
    {
        if (req == UDMABUF_CREATE) {
            last = *static_cast<udmabuf_create *>(arg);
            seals = ::fcntl(static_cast<int>(last.memfd), F_GET_SEALS);
            return ::dup(static_cast<int>(last.memfd));
        }
        return sys::realTable().ioctl(fd, req, arg);
    }
    static int open(const char *path, int flags)
    {
        if (std::strcmp(path, "/fake/udmabuf") == 0)
            return ::open("/dev/null", O_RDWR | O_CLOEXEC);
        return sys::realTable().open(path, flags);
    }
};
} // namespace

class TstDmabuf : public QObject
{
    Q_OBJECT
private slots:
    void pageAlignRoundsUp()
    {
        const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        QCOMPARE(pageAlign(1), page);
        QCOMPARE(pageAlign(page), page);
        QCOMPARE(pageAlign(page + 1), 2 * page);
        QCOMPARE(pageAlign(0), std::size_t(0));
    }

    void missingHeapIsExplained()
    {
        try {
            DmaHeapAllocator heap("/nonexistent/dma_heap/system");
            QFAIL("expected an error");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), ENOENT);
            const QString msg = e.what();
            QVERIFY2(msg.contains("/nonexistent/dma_heap/system") &&
                         msg.contains("CONFIG_DMABUF_HEAPS_SYSTEM"),
                     e.what());
        }
    }

    void missingUdmabufIsExplained()
    {
        try {
            UdmabufAllocator u("/nonexistent/udmabuf");
            QFAIL("expected an error");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), ENOENT);
            QVERIFY2(QString(e.what()).contains("CONFIG_UDMABUF"), e.what());
        }
    }

    void udmabufUsesASealedPageAlignedMemfd()
    {
        sys::Table t = sys::realTable();
        t.ioctl = &UdmabufRecorder::ioctl;
        t.open = &UdmabufRecorder::open;
        sys::ScopedTable scoped(t);
        UdmabufAllocator alloc("/fake/udmabuf");
        UniqueFd fd = alloc.allocate(5000);
        QVERIFY(fd.valid());
        QCOMPARE(UdmabufRecorder::last.size, pageAlign(5000));
        QCOMPARE(UdmabufRecorder::last.offset, 0u);
        QVERIFY(UdmabufRecorder::last.flags & UDMABUF_FLAGS_CLOEXEC);
        QVERIFY(UdmabufRecorder::seals & F_SEAL_SHRINK);
        QVERIFY(!(UdmabufRecorder::seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)));
        QCOMPARE(alloc.name(), std::string("udmabuf"));

        // The "DMABUF" here is the memfd: mapping works, SYNC is refused by a non-DMABUF fd.
        MappedDmabuf map(std::move(fd), pageAlign(5000));
        std::memset(map.data(), 0xab, map.size());
        QCOMPARE(map.data()[map.size() - 1], std::uint8_t(0xab));
        QCOMPARE(map.beginCpuAccess(CpuAccess::Read), ENOTTY);
        ScopedCpuAccess access(map, CpuAccess::Write);
        QVERIFY(!access.ok());
    }

    void mapFailureThrows()
    {
        QVERIFY_THROWS_EXCEPTION(SystemError, MappedDmabuf(UniqueFd(-1), 4096));
    }

    void exportFenceFromNonDmabufFails()
    {
        UniqueFd memfd(memfd_create("x", MFD_CLOEXEC));
        int err = 0;
        const TransferFence fence = TransferFence::exportFrom(memfd.get(), CpuAccess::Read, &err);
        QVERIFY(!fence.valid());
        QCOMPARE(err, ENOTTY);
    }
};

QTEST_GUILESS_MAIN(TstDmabuf)
#include "tst_dmabuf.moc"

// IioBufferHandle: the ioctl numbers and arguments it sends, and the errors it reports, with
// failures injected at the system-call boundary (the VM tests run it on the real driver).
#include "dmascope/iio_buffer_handle.h"
#include "dmascope/syscalls.h"
#include "dmascope/system_error.h"
#include "dmascope/uapi/iio_buffer.h"

#include <QTest>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

using namespace dmascope;

namespace {
struct FakeKernel
{
    static inline int attachErrno = 0;
    static inline iio_dmabuf lastEnqueue{};
    static inline unsigned long lastRequest = 0;
    static inline int lastIntArg = -1;

    static int open(const char *path, int flags)
    {
        if (std::strcmp(path, "/fake/iio:device0") == 0)
            return ::open("/dev/null", O_RDWR | O_CLOEXEC);
        return sys::realTable().open(path, flags);
    }
    static int ioctl(int, unsigned long req, void *arg)
    {
        lastRequest = req;
        if (req == IIO_BUFFER_GET_FD_IOCTL) {
            int *idx = static_cast<int *>(arg);
            if (*idx != 0) {
                errno = ENODEV;
                return -1;
            }
            *idx = ::open("/dev/null", O_RDWR | O_CLOEXEC);
            return 0;
        }
        if (req == IIO_BUFFER_DMABUF_ATTACH_IOCTL || req == IIO_BUFFER_DMABUF_DETACH_IOCTL) {
            lastIntArg = *static_cast<int *>(arg);
            if (attachErrno) {
                errno = attachErrno;
                return -1;
            }
            return 0;
        }
        if (req == IIO_BUFFER_DMABUF_ENQUEUE_IOCTL) {
            lastEnqueue = *static_cast<iio_dmabuf *>(arg);
            return 0;
        }
        errno = ENOTTY;
        return -1;
    }
    static sys::Table table()
    {
        sys::Table t = sys::realTable();
        t.open = &FakeKernel::open;
        t.ioctl = &FakeKernel::ioctl;
        return t;
    }
};
} // namespace

class TstIioBufferHandle : public QObject
{
    Q_OBJECT
private slots:
    void uapiValuesMatchTheKernelDocumentation()
    {
        // Values read from the 6.12 headers (see ../shared KERNEL.md); tst_uapi checks them
        // against the headers themselves when they are available.
        QCOMPARE(IIO_BUFFER_GET_FD_IOCTL, 0xc0046991ul);
        QCOMPARE(IIO_BUFFER_DMABUF_ATTACH_IOCTL, 0x40046992ul);
        QCOMPARE(IIO_BUFFER_DMABUF_DETACH_IOCTL, 0x40046993ul);
        QCOMPARE(IIO_BUFFER_DMABUF_ENQUEUE_IOCTL, 0x40106994ul);
        QCOMPARE(sizeof(iio_dmabuf), std::size_t(16));
        QCOMPARE(IIO_BUFFER_DMABUF_CYCLIC, 1);
    }

    void missingDeviceNodeIsAnError()
    {
        QVERIFY_THROWS_EXCEPTION(SystemError, IioBufferHandle("/nonexistent/iio:device9", 0));
    }

    void missingBufferIndexIsExplained()
    {
        sys::ScopedTable scoped(FakeKernel::table());
        try {
            IioBufferHandle h("/fake/iio:device0", 3);
            QFAIL("expected an error");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), ENODEV);
            QVERIFY2(QString(e.what()).contains("buffer3"), e.what());
        }
    }

    void attachSendsTheFdAndExplainsRefusal()
    {
        sys::ScopedTable scoped(FakeKernel::table());
        IioBufferHandle h("/fake/iio:device0", 0);
        QVERIFY(h.fd() >= 0);
        FakeKernel::attachErrno = 0;
        h.attach(42);
        QCOMPARE(FakeKernel::lastRequest, IIO_BUFFER_DMABUF_ATTACH_IOCTL);
        QCOMPARE(FakeKernel::lastIntArg, 42);

        FakeKernel::attachErrno = EPERM;
        QCOMPARE(h.tryAttach(7), EPERM);
        try {
            h.attach(7);
            QFAIL("expected an error");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), EPERM);
            QVERIFY2(QString(e.what()).contains("does not support DMABUF"), e.what());
        }
        FakeKernel::attachErrno = 0;
    }

    void enqueueFillsTheRequest()
    {
        sys::ScopedTable scoped(FakeKernel::table());
        IioBufferHandle h("/fake/iio:device0", 0);
        QCOMPARE(h.enqueue(9, 65536, true), 0);
        QCOMPARE(FakeKernel::lastEnqueue.fd, 9u);
        QCOMPARE(FakeKernel::lastEnqueue.flags, 1u);
        QCOMPARE(FakeKernel::lastEnqueue.bytes_used, 65536ull);
        QCOMPARE(h.enqueue(9, 128, false), 0);
        QCOMPARE(FakeKernel::lastEnqueue.flags, 0u);
    }

    void waitCanBeCancelled()
    {
        int pipeFds[2];
        QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
        const int cancel = ::eventfd(0, EFD_CLOEXEC);
        QCOMPARE(waitFd(pipeFds[0], POLLIN, 0, cancel), 0);
        const std::uint64_t one = 1;
        QCOMPARE(::write(cancel, &one, sizeof one), ssize_t(sizeof one));
        QCOMPARE(waitFd(pipeFds[0], POLLIN, 1000, cancel), -ECANCELED);
        QCOMPARE(::write(pipeFds[1], "x", 1), ssize_t(1));
        QCOMPARE(waitFd(pipeFds[0], POLLIN, 1000, -1), 1);
        ::close(pipeFds[0]);
        ::close(pipeFds[1]);
        ::close(cancel);
    }
};

QTEST_GUILESS_MAIN(TstIioBufferHandle)
#include "tst_iio_buffer_handle.moc"

#include "fake_iio_kernel.h"

#include "dmascope/uapi/iio_buffer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

namespace faketest {

namespace {
// The status of each exported fence, by its fd (fds are small and reused only after close).
constexpr int kMaxFd = 4096;
std::atomic<int> fenceStatus[kMaxFd];
// Which open fds are /dev/iio:device1 (the DAC) and which buffer fds are output buffers.
std::atomic<bool> dacDeviceFd[kMaxFd];
std::atomic<bool> outputBufferFd[kMaxFd];
std::atomic<bool> dmabufFd[kMaxFd]; // fds handed out as DMABUFs (memfds)
// fds open on dropped_samples, with the notification count each last read (kernfs: an fd
// starts at 0, the attribute at 1, so an fd that never read polls as notified).
std::atomic<bool> lossCounterFd[kMaxFd];
std::atomic<unsigned> lossCounterSeen[kMaxFd];
std::atomic<unsigned> lossCounterEvents{1};
std::atomic<bool> bufferEnableFd[kMaxFd]; // fds open on iio:device0/buffer0/enable
// Direction of the last ENQUEUE: the fence exported right after it belongs to that transfer.
std::atomic<bool> lastEnqueueWasOutput{false};
std::atomic<int> inputTransfers{0}, outputTransfers{0};

bool flag(const std::atomic<bool> *table, int fd)
{
    return fd >= 0 && fd < kMaxFd && table[fd].load();
}

void setFlag(std::atomic<bool> *table, int fd, bool on)
{
    if (fd >= 0 && fd < kMaxFd)
        table[fd] = on;
}

// An fd the fake made: whatever an earlier fd of that number was, this one is none of it.
int fresh(int fd)
{
    setFlag(dmabufFd, fd, false);
    setFlag(lossCounterFd, fd, false);
    setFlag(bufferEnableFd, fd, false);
    if (fd >= 0 && fd < kMaxFd)
        lossCounterSeen[fd] = 0;
    return fd;
}

// The flag alone could be stale: the stream closes its fds without telling the fake, and an fd
// it makes itself (an eventfd) may reuse the number.
bool isLossCounter(int fd)
{
    if (!flag(lossCounterFd, fd))
        return false;
    char target[4096];
    const ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), target,
                                 sizeof target);
    return n > 0 && std::string_view(target, std::size_t(n)).ends_with("/dropped_samples");
}

int fail(int err)
{
    errno = err;
    return -1;
}

int fakeOpen(const char *path, int flags)
{
    const std::string p(path);
    if (p == "/dev/iio:device0" || p == "/dev/iio:device1") {
        const int fd = fresh(::open("/dev/null", O_RDWR | O_CLOEXEC));
        setFlag(dacDeviceFd, fd, p == "/dev/iio:device1");
        return fd;
    }
    if (p == "/fake/dma_heap/system")
        return FakeIioKernel::heapOpenErrno ? fail(FakeIioKernel::heapOpenErrno)
                                            : fresh(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (p == "/fake/udmabuf")
        return FakeIioKernel::udmabufOpenErrno ? fail(FakeIioKernel::udmabufOpenErrno)
                                               : fresh(::open("/dev/null", O_RDWR | O_CLOEXEC));
    const int fd = fresh(dmascope::sys::realTable().open(path, flags));
    const auto endsWith = [&p](std::string_view tail) { return p.ends_with(tail); };
    setFlag(lossCounterFd, fd, endsWith("/iio:device0/dropped_samples"));
    setFlag(bufferEnableFd, fd, endsWith("/iio:device0/buffer0/enable"));
    return fd;
}

ssize_t fakePread(int fd, void *buf, std::size_t count, off_t offset)
{
    if (isLossCounter(fd)) {
        ++FakeIioKernel::lossCounterReads;
        lossCounterSeen[fd] = lossCounterEvents.load();
    }
    return ::pread(fd, buf, count, offset);
}

ssize_t fakeWrite(int fd, const void *buf, std::size_t count)
{
    const ssize_t n = ::write(fd, buf, count);
    // Enabling the buffer resets the driver's loss counter, which it notifies.
    if (n > 0 && flag(bufferEnableFd, fd) && static_cast<const char *>(buf)[0] == '1')
        FakeIioKernel::notifyLossCounter();
    return n;
}

int fakeIoctl(int fd, unsigned long req, void *arg)
{
    using K = FakeIioKernel;
    if (req == IIO_BUFFER_GET_FD_IOCTL) {
        // The buffer fd: the read end of the pipe the test writes into (the write end for
        // an output buffer).
        const bool output = K::outputBuffer || flag(dacDeviceFd, fd);
        const int dup = fresh(::fcntl(output ? K::pipeWrite : K::pipeRead, F_DUPFD_CLOEXEC, 0));
        setFlag(outputBufferFd, dup, output);
        *static_cast<int *>(arg) = dup;
        return dup < 0 ? -1 : 0;
    }
    if (req == IIO_BUFFER_DMABUF_ATTACH_IOCTL) {
        ++K::attachCalls;
        if ((flag(outputBufferFd, fd) ? K::outputEnqueues : K::inputEnqueues).load() > 0)
            ++K::attachesAfterEnqueue;
        return K::attachErrno ? fail(K::attachErrno) : 0;
    }
    if (req == IIO_BUFFER_DMABUF_DETACH_IOCTL) {
        ++K::detachCalls;
        return 0;
    }
    if (req == IIO_BUFFER_DMABUF_ENQUEUE_IOCTL) {
        const auto *e = static_cast<const iio_dmabuf *>(arg);
        K::lastEnqueueFlags = e->flags;
        K::lastEnqueueBytes = e->bytes_used;
        if (K::enqueueErrno)
            return fail(K::enqueueErrno);
        ++K::enqueueCalls;
        const bool output = flag(outputBufferFd, fd);
        ++(output ? K::outputEnqueues : K::inputEnqueues);
        lastEnqueueWasOutput = output;
        return 0;
    }
    if (req == DMA_HEAP_IOCTL_ALLOC) {
        // A memfd stands in for the heap's DMABUF: it maps and polls like one.
        auto *data = static_cast<dma_heap_allocation_data *>(arg);
        const int mfd = fresh(::memfd_create("fake-heap", MFD_CLOEXEC));
        if (mfd < 0 || ::ftruncate(mfd, static_cast<off_t>(data->len)) < 0)
            return -1;
        data->fd = static_cast<__u32>(mfd);
        setFlag(dmabufFd, mfd, true);
        return 0;
    }
    if (req == UDMABUF_CREATE) {
        const auto *create = static_cast<const udmabuf_create *>(arg);
        const int dup = fresh(::fcntl(static_cast<int>(create->memfd), F_DUPFD_CLOEXEC, 0));
        setFlag(dmabufFd, dup, true);
        return dup;
    }
    if (req == DMA_BUF_IOCTL_EXPORT_SYNC_FILE) {
        // A signalled "sync_file": an eventfd that is readable.
        auto *req2 = static_cast<dma_buf_export_sync_file *>(arg);
        const int efd = fresh(::eventfd(K::fencesNeverSignal ? 0 : 1, EFD_CLOEXEC));
        if (efd < 0 || efd >= kMaxFd)
            return -1;
        req2->fd = efd;
        // Odd transfers fail with -EINTR when asked to (the status a disable gives them).
        const int n = K::fencesExported++;
        const bool output = lastEnqueueWasOutput.load();
        const int nDir = (output ? outputTransfers : inputTransfers)++;
        const bool fails = (K::failEveryOtherTransfer && n % 2 == 1) ||
                           (!output && K::failEveryOtherInputTransfer && nDir % 2 == 1) ||
                           (output && K::failEveryOtherOutputTransfer && nDir % 2 == 1);
        fenceStatus[efd] = K::fencesNeverSignal ? 0 : fails ? -EINTR : 1;
        return 0;
    }
    if (req == SYNC_IOC_FILE_INFO) {
        ++K::fenceStatusCalls;
        auto *info = static_cast<sync_file_info *>(arg);
        std::memset(info, 0, sizeof *info);
        // Signalled: 1 = success, < 0 = the error the transfer ended with.
        info->status = fd >= 0 && fd < kMaxFd ? fenceStatus[fd].load() : 1;
        return 0;
    }
    if (req == DMA_BUF_IOCTL_SYNC) {
        ++K::syncCalls;
        return 0;
    }
    return dmascope::sys::realTable().ioctl(fd, req, arg);
}
// A poll() of DMABUFs and the loss counter answers at once (the streams only ask those without
// waiting): DMABUFs as transfersDoneAtEnqueue says, the counter POLLPRI when notified since its
// fd last read it. Anything else is the real poll().
int fakePoll(pollfd *fds, nfds_t count, int timeoutMs)
{
    bool answered = count > 0;
    for (nfds_t i = 0; i < count; ++i)
        answered = answered && (flag(dmabufFd, fds[i].fd) || isLossCounter(fds[i].fd));
    if (!answered)
        return ::poll(fds, count, timeoutMs);
    const bool done = FakeIioKernel::transfersDoneAtEnqueue;
    int ready = 0;
    for (nfds_t i = 0; i < count; ++i) {
        const int fd = fds[i].fd;
        if (flag(dmabufFd, fd)) {
            ++FakeIioKernel::dmabufPolls;
            fds[i].revents = done ? short(fds[i].events & (POLLIN | POLLOUT)) : short(0);
        } else {
            // kernfs: readable always, POLLERR | POLLPRI once notified; poll() reports what
            // was asked for, and errors.
            const bool notified = lossCounterSeen[fd].load() != lossCounterEvents.load();
            const int mask = POLLIN | POLLRDNORM | (notified ? POLLERR | POLLPRI : 0);
            fds[i].revents = short(mask & (fds[i].events | POLLERR | POLLHUP | POLLNVAL));
        }
        ready += fds[i].revents != 0;
    }
    return ready;
}
} // namespace

void FakeIioKernel::notifyLossCounter()
{
    if (lossCounterNotifies)
        ++lossCounterEvents;
}

void FakeIioKernel::reset()
{
    lossCounterNotifies = false;
    lossCounterReads = 0;
    for (auto &isCounter : lossCounterFd)
        isCounter = false;
    for (auto &isEnable : bufferEnableFd)
        isEnable = false;
    heapOpenErrno = 0;
    udmabufOpenErrno = 0;
    attachErrno = 0;
    failEveryOtherTransfer = false;
    failEveryOtherInputTransfer = false;
    failEveryOtherOutputTransfer = false;
    fencesNeverSignal = false;
    transfersDoneAtEnqueue = false;
    dmabufPolls = 0;
    for (auto &isDmabuf : dmabufFd)
        isDmabuf = false;
    enqueueErrno = 0;
    inputEnqueues = 0;
    outputEnqueues = 0;
    attachesAfterEnqueue = 0;
    inputTransfers = 0;
    outputTransfers = 0;
    lastEnqueueWasOutput = false;
    outputBuffer = false;
    lastEnqueueFlags = 0;
    lastEnqueueBytes = 0;
    attachCalls = 0;
    detachCalls = 0;
    enqueueCalls = 0;
    syncCalls = 0;
    fencesExported = 0;
    fenceStatusCalls = 0;
}

dmascope::sys::Table FakeIioKernel::table()
{
    dmascope::sys::Table t = dmascope::sys::realTable();
    t.open = &fakeOpen;
    t.ioctl = &fakeIoctl;
    t.poll = &fakePoll;
    t.pread = &fakePread;
    t.write = &fakeWrite;
    return t;
}

FakeSysfs::FakeSysfs()
{
    put("iio:device0/name", "fake-adc\n");
    put("iio:device0/in_voltage_scale", "0.500000000\n");
    put("iio:device0/in_voltage1_scale", "0.250000000\n");
    put("iio:device0/in_voltage1_offset", "10\n");
    put("iio:device0/in_voltage0_label", "vin\n");
    put("iio:device0/buffer0/enable", "0\n");
    put("iio:device0/buffer0/length", "0\n");
    put("iio:device0/buffer0/watermark", "1\n");
    put("iio:device0/buffer0/in_voltage0_en", "0\n");
    put("iio:device0/buffer0/in_voltage0_type", "le:s16/16>>0\n");
    put("iio:device0/buffer0/in_voltage0_index", "0\n");
    put("iio:device0/buffer0/in_voltage1_en", "1\n");
    put("iio:device0/buffer0/in_voltage1_type", "le:s12/16>>4\n");
    put("iio:device0/buffer0/in_voltage1_index", "1\n");
    // An output device (a DAC) beside it.
    put("iio:device1/name", "fake-dac\n");
    put("iio:device1/out_voltage_scale", "0.030517578\n");
    put("iio:device1/buffer0/enable", "0\n");
    put("iio:device1/buffer0/length", "0\n");
    put("iio:device1/buffer0/watermark", "1\n");
    put("iio:device1/buffer0/out_voltage0_en", "0\n");
    put("iio:device1/buffer0/out_voltage0_type", "le:s16/16>>0\n");
    put("iio:device1/buffer0/out_voltage0_index", "0\n");
    put("iio:device1/buffer0/out_voltage1_en", "0\n");
    put("iio:device1/buffer0/out_voltage1_type", "le:s16/16>>0\n");
    put("iio:device1/buffer0/out_voltage1_index", "1\n");
}

void FakeSysfs::put(const QString &rel, const QByteArray &content)
{
    const QString path = dir_.path() + "/" + rel;
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
}

void FakeSysfs::remove(const QString &rel)
{
    QDir(dir_.path() + "/" + rel).removeRecursively();
}

dmascope::LocalDeviceOptions FakeSysfs::options() const
{
    dmascope::LocalDeviceOptions o;
    o.sysfsRoot = root();
    o.heapPath = "/fake/dma_heap/system";
    o.udmabufPath = "/fake/udmabuf";
    return o;
}

QByteArray FakeSysfs::get(const QString &rel) const
{
    QFile f(dir_.path() + "/" + rel);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().trimmed();
}

FakeKernelScope::FakeKernelScope()
{
    FakeIioKernel::reset();
    if (::pipe2(pipe_, O_CLOEXEC) < 0)
        qFatal("pipe2 failed");
    FakeIioKernel::pipeRead = pipe_[0];
    FakeIioKernel::pipeWrite = pipe_[1];
    scoped_ = std::make_unique<dmascope::sys::ScopedTable>(FakeIioKernel::table());
}

FakeKernelScope::~FakeKernelScope()
{
    scoped_.reset();
    ::close(pipe_[0]);
    ::close(pipe_[1]);
    FakeIioKernel::pipeRead = -1;
    FakeIioKernel::pipeWrite = -1;
}

void FakeKernelScope::produce(const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(pipe_[1], bytes.constData() + done,
                                  static_cast<std::size_t>(bytes.size() - done));
        if (n <= 0)
            qFatal("writing to the fake buffer pipe failed");
        done += n;
    }
}

} // namespace faketest

namespace faketest {
QByteArray FakeKernelScope::consume(qsizetype bytes)
{
    QByteArray out;
    while (out.size() < bytes) {
        pollfd p{pipe_[0], POLLIN, 0};
        if (::poll(&p, 1, 5000) != 1)
            break;
        char buf[4096];
        const ssize_t n = ::read(pipe_[0], buf,
                                 static_cast<std::size_t>(std::min<qsizetype>(bytes - out.size(),
                                                                              sizeof buf)));
        if (n <= 0)
            break;
        out.append(buf, n);
    }
    return out;
}
} // namespace faketest

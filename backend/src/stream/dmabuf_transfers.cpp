#include "dmabuf_transfers.h"

#include "dmascope/syscalls.h"
#include "dmascope/system_error.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dmascope::detail {

DmabufSet::~DmabufSet()
{
    for (std::size_t i = 0; i < buffers.size(); ++i)
        if (inCpuAccess[i])
            buffers[i].endCpuAccess(CpuAccess::Read);
}

int DmabufSet::beginRead(unsigned index) noexcept
{
    if (inCpuAccess[index])
        return 0;
    if (const int err = buffers[index].beginCpuAccess(CpuAccess::Read))
        return err;
    inCpuAccess[index] = 1;
    return 0;
}

void DmabufSet::endRead(unsigned index) noexcept
{
    if (inCpuAccess[index]) {
        buffers[index].endCpuAccess(CpuAccess::Read);
        inCpuAccess[index] = 0;
    }
}

void Attachments::attach(int dmabufFd)
{
    handle_->attach(dmabufFd);
    fds_.push_back(dmabufFd);
}

void Attachments::detachAll() noexcept
{
    for (const int fd : fds_)
        handle_->tryDetach(fd);
    fds_.clear();
}

std::shared_ptr<DmabufSet> allocateAttached(DmabufAllocator &allocator, std::size_t bytes,
                                            unsigned count, const std::vector<Attachments *> &to)
{
    auto set = std::make_shared<DmabufSet>();
    try {
        for (unsigned i = 0; i < count; ++i) {
            MappedDmabuf buf(allocator.allocate(bytes), pageAlign(bytes));
            for (Attachments *a : to)
                a->attach(buf.fd());
            set->buffers.push_back(std::move(buf));
            set->inCpuAccess.push_back(0);
        }
    } catch (...) {
        for (Attachments *a : to)
            a->detachAll();
        throw;
    }
    return set;
}

TransferQueue::TransferQueue(IioBufferHandle &handle, CpuAccess access, std::size_t capacity)
    : handle_(handle), access_(access), ring_(capacity)
{
}

int TransferQueue::enqueue(unsigned index, int fd, std::size_t bytes, bool cyclic,
                           int notifyingAttributeFd, bool *attributeNotified) noexcept
{
    if (attributeNotified)
        *attributeNotified = true;
    if (count_ == ring_.size())
        return EBUSY;
    // As last seen, without asking the kernel: a device with nothing else to work on may complete
    // the new transfer inside the ENQUEUE (iio_sim's throughput mode always does).
    const bool wasIdle = count_ == 0 || newest().status != 1;
    if (const int err = handle_.enqueue(fd, bytes, cyclic))
        return err;
    Transfer t{index, {}, 0, 1};
    if (wasIdle && !cyclic &&
        dmabufTransfersDone(fd, access_, notifyingAttributeFd, attributeNotified)) {
        // Its fence has signalled: the export would give the stub, which reads as done whatever
        // the outcome (docs/streams.md). Taken as done without the export, FILE_INFO and close.
        t.status = 0;
    } else {
        int err = 0;
        t.fence = TransferFence::exportFrom(fd, access_, &err);
        if (!t.fence.valid())
            return err;
    }
    ring_[(head_ + count_++) % ring_.size()] = std::move(t);
    return 0;
}

int TransferQueue::statusOf(Transfer &t) noexcept
{
    if (t.status == 1)
        t.status = t.fence.status();
    return t.status;
}

bool TransferQueue::idle() noexcept
{
    return count_ == 0 || statusOf(newest()) != 1;
}

int TransferQueue::newestStatus() noexcept { return count_ ? statusOf(newest()) : 1; }

int TransferQueue::headFd() const noexcept { return count_ ? ring_[head_].fence.fd() : -1; }

int TransferQueue::headStatus() noexcept { return count_ ? statusOf(ring_[head_]) : 1; }

unsigned TransferQueue::pop() noexcept
{
    Transfer &t = ring_[head_];
    t.fence = TransferFence();
    head_ = (head_ + 1) % ring_.size();
    --count_;
    return t.index;
}

void TransferQueue::setLostBeforeNewest(std::uint64_t samples) noexcept
{
    if (count_)
        newest().lostBefore += samples;
}

std::uint64_t TransferQueue::headLostBefore() const noexcept
{
    return count_ ? ring_[head_].lostBefore : 0;
}

void TransferQueue::clear() noexcept
{
    while (count_)
        pop();
}

DriverLossCounter::DriverLossCounter(const IioSysfsDevice &device, const std::string &attribute)
{
    if (attribute.empty())
        return;
    fd_ = UniqueFd(sys::open((device.dir() + "/" + attribute).c_str(), O_RDONLY));
    // A sysfs fd not read yet polls as notified: read once, so that start() sees only what
    // happened since (the enable).
    std::uint64_t ignored = 0;
    if (fd_.valid())
        read(&ignored);
}

bool DriverLossCounter::read(std::uint64_t *value) const noexcept
{
    char text[32];
    const ssize_t n = sys::pread(fd_.get(), text, sizeof text - 1, 0);
    if (n <= 0)
        return false;
    text[n] = '\0';
    char *end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (errno || end == text)
        return false;
    *value = v;
    return true;
}

void DriverLossCounter::start() noexcept
{
    // The enable reset the counter; a driver that notifies its changes notified that one.
    pollfd p{fd_.get(), POLLPRI, 0};
    notifies_ = fd_.valid() && sys::poll(&p, 1, 0) == 1 && (p.revents & POLLPRI);
    std::uint64_t v = 0;
    last_ = fd_.valid() && read(&v) ? v : 0;
    deferred_ = 0;
    active_ = fd_.valid();
}

std::uint64_t DriverLossCounter::take() noexcept
{
    std::uint64_t v = 0;
    if (!read(&v))
        return 0;
    // A counter that went backwards was reset by someone else: count from its new value.
    const std::uint64_t delta = v >= last_ ? v - last_ : v;
    last_ = v;
    return delta;
}

int DriverLossCounter::enqueue(TransferQueue &queue, unsigned index, int fd,
                               std::size_t bytes) noexcept
{
    if (!active_)
        return queue.enqueue(index, fd, bytes);
    std::uint64_t lost = deferred_;
    deferred_ = 0;
    const bool idle = queue.idle();
    if (idle && notifies_)
        return enqueueOnIdleNotifying(queue, index, fd, bytes, lost);
    // Drops happen only while the device has nothing queued, and end with an ENQUEUE: what was
    // counted up to now, while it was idle, was dropped before this transfer.
    if (idle)
        lost += take();
    if (const int err = queue.enqueue(index, fd, bytes))
        return err;
    // The device may have run dry between the look above and the ENQUEUE (a preemption): what
    // it counted since is before this transfer too, unless the transfer already completed,
    // when some of it may have come after it; then it goes to the next one. A transfer that
    // completed inside the ENQUEUE leaves the device idle, so the next call's first read takes
    // it: no read here.
    if (queue.newestKnownDone()) {
        if (lost)
            queue.setLostBeforeNewest(lost);
        return 0;
    }
    const std::uint64_t around = take();
    if (around == 0 || queue.newestStatus() == 1)
        lost += around;
    else
        deferred_ = around;
    if (lost)
        queue.setLostBeforeNewest(lost);
    return 0;
}

int DriverLossCounter::enqueueOnIdleNotifying(TransferQueue &queue, unsigned index, int fd,
                                              std::size_t bytes, std::uint64_t lost) noexcept
{
    // Whether the driver counted anything since the last read is asked in the poll() right
    // after the ENQUEUE. Up to the ENQUEUE the device was dropping (nothing queued), after it
    // only once this transfer completed, so what a notification announces is what was dropped
    // before this transfer, plus what was counted between its completion and the read below:
    // nothing while the stream keeps up, since that poll() runs microseconds after the
    // ENQUEUE. That remainder, the one inexact case, is announced on this block instead of the
    // next; the total is always exact.
    bool notified = true;
    if (const int err = queue.enqueue(index, fd, bytes, false, fd_.get(), &notified))
        return err;
    if (notified)
        lost += take();
    if (lost)
        queue.setLostBeforeNewest(lost);
    return 0;
}

bool deviceRemoved(const IioSysfsDevice &device) noexcept
{
    struct stat st{};
    return ::stat((device.dir() + "/name").c_str(), &st) != 0 && errno == ENOENT;
}

} // namespace dmascope::detail

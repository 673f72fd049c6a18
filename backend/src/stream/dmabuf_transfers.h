// Internal: the DMABUF machinery DmabufStream's source and the relay share. A set of mapped
// DMABUFs attached to one or more IIO buffers, the in-order queue of transfers in flight on one
// buffer with the fence of each, a driver's counter of dropped samples, and the check whether a
// device is still there.
#pragma once

#include "dmascope/dmabuf.h"
#include "dmascope/iio_buffer_handle.h"
#include "dmascope/iio_sysfs.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dmascope::detail {

// The DMABUFs of one run. Owned by the block pool, so mappings outlive the stream while
// consumers hold blocks.
struct DmabufSet
{
    std::vector<MappedDmabuf> buffers;
    // Buffer i is between SYNC START and END (for reading). Written by the stream thread; read
    // by the destructor after the last block was released (the pool's reference counts order
    // the two).
    std::vector<char> inCpuAccess;

    ~DmabufSet();
    int beginRead(unsigned index) noexcept;
    void endRead(unsigned index) noexcept;
};

// The DMABUFs attached to one IIO buffer, detached again by detachAll() (the caller's stop).
class Attachments
{
public:
    explicit Attachments(IioBufferHandle &handle) : handle_(&handle) {}
    ~Attachments() { detachAll(); }
    Attachments(const Attachments &) = delete;
    Attachments &operator=(const Attachments &) = delete;

    void attach(int dmabufFd); // throws SystemError
    void detachAll() noexcept;

private:
    IioBufferHandle *handle_;
    std::vector<int> fds_;
};

// Allocates `count` DMABUFs of `bytes` and attaches every one to every buffer in `to` before
// the caller enqueues any: on 6.12 an ATTACH while the buffer is disabled drops the blocks
// already queued (kernel/iio-sim/README.md). Throws; what was attached is detached again.
std::shared_ptr<DmabufSet> allocateAttached(DmabufAllocator &allocator, std::size_t bytes,
                                            unsigned count, const std::vector<Attachments *> &to);

// The transfers queued on one IIO buffer, oldest first (the device completes them in order),
// each with the sync_file exported right after its ENQUEUE: the only place a transfer's error
// (e.g. -EINTR at disable) shows. A fence's status is asked of the kernel (one ioctl) only
// until it is seen signalled: after that it never changes, so the queue keeps it. A transfer
// queued on an idle device that completed inside its ENQUEUE has no fence (the kernel would
// export the stub) and is done. Stream thread only.
class TransferQueue
{
public:
    // `access`: Read for an input buffer (wait for the device's writes), Write for output.
    TransferQueue(IioBufferHandle &handle, CpuAccess access, std::size_t capacity);

    // ENQUEUE `bytes` of DMABUF `fd` (buffer `index`) and export its fence. 0 or an errno.
    // With a `notifyingAttributeFd`, the poll() that checks a transfer queued on an idle device
    // also asks whether that attribute was notified since it was last read, and says so in
    // *attributeNotified (true when no such poll() was made: read it).
    int enqueue(unsigned index, int fd, std::size_t bytes, bool cyclic = false,
                int notifyingAttributeFd = -1, bool *attributeNotified = nullptr) noexcept;
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    // The newest transfer's fence has signalled (or nothing is queued): the device has nothing
    // left to work on, so an input device is dropping samples from now on.
    bool idle() noexcept;
    // The oldest transfer's fence, for poll(); -1 when empty.
    int headFd() const noexcept;
    // The oldest transfer's status: 1 while in flight, 0 done, < 0 the error it ended with.
    int headStatus() noexcept;
    // Removes the oldest transfer (after it signalled); returns its buffer index.
    unsigned pop() noexcept;
    // Samples a driver dropped before the newest transfer (see DriverLossCounter).
    void setLostBeforeNewest(std::uint64_t samples) noexcept;
    std::uint64_t headLostBefore() const noexcept;
    // The newest transfer's status (1 while in flight); 1 when empty.
    int newestStatus() noexcept;
    // The newest transfer was seen done (no system call): false when empty or not yet seen.
    bool newestKnownDone() const noexcept { return count_ && newest().status != 1; }
    // The same of the oldest transfer (the next one waitFilled() takes).
    bool headKnownDone() const noexcept { return count_ && ring_[head_].status != 1; }
    // Forgets every transfer (after the buffer was disabled).
    void clear() noexcept;

private:
    struct Transfer
    {
        unsigned index = 0;
        TransferFence fence;
        std::uint64_t lostBefore = 0;
        int status = 1; // as last seen: 1 until the fence signalled, then final
    };
    static int statusOf(Transfer &t) noexcept;
    Transfer &newest() noexcept { return ring_[(head_ + count_ - 1) % ring_.size()]; }
    const Transfer &newest() const noexcept { return ring_[(head_ + count_ - 1) % ring_.size()]; }
    IioBufferHandle &handle_;
    CpuAccess access_;
    std::vector<Transfer> ring_;
    std::size_t head_ = 0, count_ = 0;
};

// A device attribute in which the driver counts the samples it dropped since the buffer was
// enabled because no block was queued (iio_sim: dropped_samples). The generic IIO ABI has no
// such counter, so it is optional: without it losses in the kernel stay invisible. Read with
// pread() on an fd kept open: one system call per read. A driver that notifies the attribute
// when it changes (sysfs_notify(), as iio_sim does) is noticed at start() by the notification
// of the reset at enable; its counter is then read only after a notification, asked in the same
// poll() that checks a transfer queued on an idle device.
class DriverLossCounter
{
public:
    DriverLossCounter() = default;
    // Opens `attribute` of `device` if the device has it (an empty name: none).
    DriverLossCounter(const IioSysfsDevice &device, const std::string &attribute);
    bool available() const noexcept { return fd_.valid(); }
    // Right after enable: takes the current value as the base and starts counting.
    void start() noexcept;
    void stop() noexcept { active_ = false; }

    // TransferQueue::enqueue, and the samples the driver counted as dropped go on this
    // transfer: the ones counted before the ENQUEUE (read only when the device was idle) and
    // after it, unless the transfer already completed by then (a stall of a whole block), when
    // they may come after it and go to the next one. One pread() per ENQUEUE, two when idle,
    // one when the transfer completed inside the ENQUEUE; with a notifying driver none on an
    // idle device unless it counted something.
    int enqueue(TransferQueue &queue, unsigned index, int fd, std::size_t bytes) noexcept;

private:
    bool read(std::uint64_t *value) const noexcept;
    std::uint64_t take() noexcept; // counted since the last take(); 0 when unreadable
    int enqueueOnIdleNotifying(TransferQueue &queue, unsigned index, int fd, std::size_t bytes,
                               std::uint64_t lost) noexcept;

    UniqueFd fd_;
    bool notifies_ = false; // the driver notifies the attribute (seen at start())
    bool active_ = false;
    std::uint64_t last_ = 0;
    std::uint64_t deferred_ = 0; // counted, for the next transfer
};

// Whether the device's sysfs directory is gone (the driver was unbound or unloaded). After
// rmmod buffer-dma keeps accepting ENQUEUE on the orphaned fd but never completes a transfer,
// so a stream that sees nothing but wait timeouts asks this.
bool deviceRemoved(const IioSysfsDevice &device) noexcept;

} // namespace dmascope::detail

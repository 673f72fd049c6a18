// DMABUF building blocks: allocators (system DMA heap, udmabuf) and a CPU mapping with the
// DMA_BUF_IOCTL_SYNC bracket every CPU access needs.
#pragma once

#include "dmascope/unique_fd.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace dmascope {

// Rounds up to the page size: both the heap and udmabuf only hand out whole pages.
std::size_t pageAlign(std::size_t bytes);

class DmabufAllocator
{
public:
    virtual ~DmabufAllocator() = default;
    // A new DMABUF of at least `bytes` (page-aligned). Throws SystemError.
    virtual UniqueFd allocate(std::size_t bytes) = 0;
    // "dma-heap" or "udmabuf": what the stream reports as its path.
    virtual std::string name() const = 0;
};

// /dev/dma_heap/system (CONFIG_DMABUF_HEAPS_SYSTEM).
class DmaHeapAllocator final : public DmabufAllocator
{
public:
    // Opens the heap. Throws SystemError with a hint when it is missing or not permitted.
    explicit DmaHeapAllocator(const std::string &heapPath = "/dev/dma_heap/system");
    UniqueFd allocate(std::size_t bytes) override;
    std::string name() const override { return "dma-heap"; }

private:
    std::string path_;
    UniqueFd heap_;
};

// /dev/udmabuf over a sealed memfd (CONFIG_UDMABUF). The memfd needs F_SEAL_SHRINK and must not
// carry write seals; the DMABUF keeps the pages alive after the memfd is closed.
class UdmabufAllocator final : public DmabufAllocator
{
public:
    explicit UdmabufAllocator(const std::string &devicePath = "/dev/udmabuf");
    UniqueFd allocate(std::size_t bytes) override;
    std::string name() const override { return "udmabuf"; }

private:
    std::string path_;
    UniqueFd device_;
};

// Direction of a CPU access, for DMA_BUF_IOCTL_SYNC.
enum class CpuAccess : std::uint8_t { Read = 1, Write = 2, ReadWrite = 3 };

// A DMABUF mapped into this process. Owns the fd and the mapping.
class MappedDmabuf
{
public:
    // Maps `size` bytes of `fd` shared, read-write. Throws SystemError.
    MappedDmabuf(UniqueFd fd, std::size_t size);
    MappedDmabuf(MappedDmabuf &&other) noexcept;
    MappedDmabuf &operator=(MappedDmabuf &&other) noexcept;
    MappedDmabuf(const MappedDmabuf &) = delete;
    MappedDmabuf &operator=(const MappedDmabuf &) = delete;
    ~MappedDmabuf();

    int fd() const noexcept { return fd_.get(); }
    std::size_t size() const noexcept { return size_; }
    std::uint8_t *data() noexcept { return static_cast<std::uint8_t *>(data_); }
    const std::uint8_t *data() const noexcept { return static_cast<const std::uint8_t *>(data_); }

    // DMA_BUF_IOCTL_SYNC START / END. Return 0 or an errno; they never throw because they run
    // on the stream thread for every block. START blocks until pending device writes finish.
    int beginCpuAccess(CpuAccess access) const noexcept;
    int endCpuAccess(CpuAccess access) const noexcept;

private:
    void unmap() noexcept;

    UniqueFd fd_;
    void *data_ = nullptr;
    std::size_t size_ = 0;
};

// Brackets a CPU access with START/END. Check ok() before touching the memory.
class ScopedCpuAccess
{
public:
    ScopedCpuAccess(const MappedDmabuf &buf, CpuAccess access) noexcept
        : buf_(buf), access_(access), error_(buf.beginCpuAccess(access))
    {
    }
    ~ScopedCpuAccess()
    {
        if (error_ == 0)
            buf_.endCpuAccess(access_);
    }
    ScopedCpuAccess(const ScopedCpuAccess &) = delete;
    ScopedCpuAccess &operator=(const ScopedCpuAccess &) = delete;

    bool ok() const noexcept { return error_ == 0; }
    int error() const noexcept { return error_; }

private:
    const MappedDmabuf &buf_;
    CpuAccess access_;
    int error_;
};

// Whether every transfer on the DMABUF that a CPU `access` waits for has completed (Read: the
// device's writes; Write: all its access), asked with a poll() that does not wait. False when it
// cannot tell. Says nothing about success: only an exported fence (below) does, and only while
// it has not signalled.
// With `attributeFd` (an open sysfs attribute) the same poll() also asks whether the attribute
// was notified (POLLPRI: its driver called sysfs_notify()) since the fd last read it; the answer
// goes to *attributeNotified, true as well when the poll() failed.
bool dmabufTransfersDone(int dmabufFd, CpuAccess access, int attributeFd = -1,
                         bool *attributeNotified = nullptr) noexcept;

// A sync_file exported from a DMABUF right after ENQUEUE: it tells whether the transfer behind
// the DMABUF's current fence failed (poll/SYNC on the DMABUF do not). The kernel exports only
// fences that have not signalled yet: for a transfer that completed before the export it gives
// an always-successful stub, whatever the outcome.
class TransferFence
{
public:
    TransferFence() = default;
    // Exports the DMABUF's fences for `access` (Read waits on writers, Write on everyone).
    // Returns an invalid fence and sets *error on failure.
    static TransferFence exportFrom(int dmabufFd, CpuAccess access, int *error) noexcept;

    bool valid() const noexcept { return fd_.valid(); }
    int fd() const noexcept { return fd_.get(); }
    // Waits up to timeoutMs (-1: forever). Returns 1 when signalled, 0 on timeout, -errno on error.
    int wait(int timeoutMs) const noexcept;
    // After signalling: 0 when the transfer succeeded, otherwise the negative error it ended
    // with (e.g. -EINTR when the buffer was disabled). 1 if not yet signalled.
    int status() const noexcept;
    // CLOCK_MONOTONIC time (ns) at which the kernel signalled the fence; 0 if not signalled.
    // The completion time of a block as the driver saw it, free of user-space scheduling jitter.
    std::int64_t signalTimeNs() const noexcept;

private:
    explicit TransferFence(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
};

} // namespace dmascope

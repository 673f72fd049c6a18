#include "dmascope/dmabuf.h"

#include "dmascope/syscalls.h"
#include "dmascope/system_error.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

namespace dmascope {

std::size_t pageAlign(std::size_t bytes)
{
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return (bytes + page - 1) / page * page;
}

namespace {
std::string openHint(int err, const char *what)
{
    if (err == ENOENT)
        return std::string("This kernel has no ") + what;
    if (err == EACCES || err == EPERM)
        return "Install resources/udev/90-dmascope.rules and add your user to the 'iio' group";
    return {};
}

UniqueFd openDevice(const std::string &path, const char *what)
{
    UniqueFd fd(sys::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd)
        throwSystemError("open " + path, errno, openHint(errno, what));
    return fd;
}
} // namespace

DmaHeapAllocator::DmaHeapAllocator(const std::string &heapPath)
    : path_(heapPath), heap_(openDevice(heapPath, "system DMA heap (CONFIG_DMABUF_HEAPS_SYSTEM)"))
{
}

UniqueFd DmaHeapAllocator::allocate(std::size_t bytes)
{
    dma_heap_allocation_data data{};
    data.len = pageAlign(bytes);
    data.fd_flags = O_RDWR | O_CLOEXEC;
    if (sys::ioctl(heap_.get(), DMA_HEAP_IOCTL_ALLOC, &data) < 0)
        throwSystemError("allocate " + std::to_string(data.len) + " bytes from " + path_);
    return UniqueFd(static_cast<int>(data.fd));
}

UdmabufAllocator::UdmabufAllocator(const std::string &devicePath)
    : path_(devicePath), device_(openDevice(devicePath, "udmabuf device (CONFIG_UDMABUF)"))
{
}

UniqueFd UdmabufAllocator::allocate(std::size_t bytes)
{
    const std::size_t len = pageAlign(bytes);
    const sys::Table &t = sys::table();
    UniqueFd memfd(t.memfdCreate("dmascope-block", MFD_ALLOW_SEALING | MFD_CLOEXEC));
    if (!memfd)
        throwSystemError("memfd_create for a udmabuf block");
    if (t.ftruncate(memfd.get(), static_cast<off_t>(len)) < 0)
        throwSystemError("size a memfd to " + std::to_string(len) + " bytes");
    // udmabuf insists the memfd cannot shrink under the device, and refuses write seals.
    if (t.fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK) < 0)
        throwSystemError("seal a memfd against shrinking");
    udmabuf_create create{};
    create.memfd = static_cast<__u32>(memfd.get());
    create.flags = UDMABUF_FLAGS_CLOEXEC;
    create.offset = 0;
    create.size = len;
    const int fd = sys::ioctl(device_.get(), UDMABUF_CREATE, &create);
    if (fd < 0)
        throwSystemError("create a " + std::to_string(len) + "-byte udmabuf", errno,
                         errno == EINVAL ? "udmabuf limits a buffer to size_limit_mb "
                                           "(default 64 MiB): use smaller blocks"
                                         : "");
    return UniqueFd(fd);
}

MappedDmabuf::MappedDmabuf(UniqueFd fd, std::size_t size) : fd_(std::move(fd)), size_(size)
{
    data_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
    if (data_ == MAP_FAILED) {
        data_ = nullptr;
        throwSystemError("map a " + std::to_string(size_) + "-byte DMABUF");
    }
}

MappedDmabuf::MappedDmabuf(MappedDmabuf &&other) noexcept
    : fd_(std::move(other.fd_)), data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0))
{
}

MappedDmabuf &MappedDmabuf::operator=(MappedDmabuf &&other) noexcept
{
    if (this != &other) {
        unmap();
        fd_ = std::move(other.fd_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

MappedDmabuf::~MappedDmabuf() { unmap(); }

void MappedDmabuf::unmap() noexcept
{
    if (data_)
        ::munmap(data_, size_);
    data_ = nullptr;
}

namespace {
int syncDmabuf(int fd, std::uint64_t flags) noexcept
{
    dma_buf_sync sync{};
    sync.flags = flags;
    // SYNC can be interrupted by signals while it waits for the device.
    for (;;) {
        if (sys::ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) == 0)
            return 0;
        if (errno != EINTR && errno != EAGAIN)
            return errno;
    }
}
} // namespace

int MappedDmabuf::beginCpuAccess(CpuAccess access) const noexcept
{
    return syncDmabuf(fd_.get(), DMA_BUF_SYNC_START | static_cast<std::uint64_t>(access));
}

int MappedDmabuf::endCpuAccess(CpuAccess access) const noexcept
{
    return syncDmabuf(fd_.get(), DMA_BUF_SYNC_END | static_cast<std::uint64_t>(access));
}

TransferFence TransferFence::exportFrom(int dmabufFd, CpuAccess access, int *error) noexcept
{
    dma_buf_export_sync_file req{};
    req.flags = static_cast<__u32>(access);
    req.fd = -1;
    if (sys::ioctl(dmabufFd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &req) < 0) {
        if (error)
            *error = errno;
        return {};
    }
    if (error)
        *error = 0;
    return TransferFence(UniqueFd(req.fd));
}

int TransferFence::wait(int timeoutMs) const noexcept
{
    pollfd p{fd_.get(), POLLIN, 0};
    for (;;) {
        const int n = ::poll(&p, 1, timeoutMs);
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

int TransferFence::status() const noexcept
{
    sync_file_info info{};
    if (sys::ioctl(fd_.get(), SYNC_IOC_FILE_INFO, &info) < 0)
        return -errno;
    // The kernel reports 1 = signalled OK, 0 = still pending, < 0 = the fence's error.
    if (info.status == 1)
        return 0;
    if (info.status == 0)
        return 1;
    return info.status;
}

std::int64_t TransferFence::signalTimeNs() const noexcept
{
    // A sync_file exported from one DMABUF's fence may hold several fences: take the latest.
    sync_fence_info fences[8]{};
    sync_file_info info{};
    info.num_fences = 8;
    info.sync_fence_info = reinterpret_cast<std::uintptr_t>(fences);
    if (sys::ioctl(fd_.get(), SYNC_IOC_FILE_INFO, &info) < 0 || info.status != 1)
        return 0;
    std::int64_t latest = 0;
    for (std::uint32_t i = 0; i < info.num_fences && i < 8; ++i)
        latest = std::max(latest, static_cast<std::int64_t>(fences[i].timestamp_ns));
    return latest;
}

bool dmabufTransfersDone(int dmabufFd, CpuAccess access, int attributeFd,
                         bool *attributeNotified) noexcept
{
    pollfd p[2] = {{dmabufFd, static_cast<short>(access == CpuAccess::Read ? POLLIN : POLLOUT), 0},
                   {attributeFd, POLLPRI, 0}};
    const nfds_t count = attributeFd >= 0 ? 2 : 1;
    int n;
    while ((n = sys::poll(p, count, 0)) < 0 && errno == EINTR) {
    }
    if (attributeNotified)
        *attributeNotified = n < 0 || (p[1].revents & (POLLPRI | POLLERR | POLLNVAL));
    return n > 0 && (p[0].revents & (POLLIN | POLLOUT)) &&
           !(p[0].revents & (POLLERR | POLLNVAL));
}

} // namespace dmascope

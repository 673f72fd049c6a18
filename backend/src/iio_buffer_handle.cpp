#include "dmascope/iio_buffer_handle.h"

#include "dmascope/syscalls.h"
#include "dmascope/system_error.h"
#include "dmascope/uapi/iio_buffer.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace dmascope {

namespace {
std::string attachHint(int err)
{
    switch (err) {
    case EPERM:
        return "The driver's buffer does not support DMABUF (it is not built on buffer-dma)";
    case EBUSY:
        return "The DMABUF is already attached, or the buffer is busy with read()/write()";
    case EINVAL:
        return "The file descriptor is not a DMABUF";
    case ENOTTY:
    case ENODEV:
        return "This kernel has no IIO DMABUF interface (Linux 6.9 or newer is needed)";
    default:
        return {};
    }
}
} // namespace

IioBufferHandle::IioBufferHandle(const std::string &devNode, unsigned index)
    : description_(devNode + " buffer" + std::to_string(index))
{
    UniqueFd dev(sys::open(devNode.c_str(), O_RDWR | O_CLOEXEC));
    if (!dev)
        throwSystemError("open " + devNode, errno,
                         errno == EACCES ? "Install resources/udev/90-dmascope.rules and add "
                                           "your user to the 'iio' group"
                                         : "");
    int fdOrIndex = static_cast<int>(index);
    if (sys::ioctl(dev.get(), IIO_BUFFER_GET_FD_IOCTL, &fdOrIndex) < 0)
        throwSystemError("get the fd of " + description_, errno,
                         errno == ENODEV ? "The device has no buffer with that index" : "");
    buffer_.reset(fdOrIndex);
    // The buffer fd holds its own reference on the device; the chardev fd can go.
}

int IioBufferHandle::tryAttach(int dmabufFd) noexcept
{
    int fd = dmabufFd;
    return sys::ioctl(buffer_.get(), IIO_BUFFER_DMABUF_ATTACH_IOCTL, &fd) < 0 ? errno : 0;
}

int IioBufferHandle::tryDetach(int dmabufFd) noexcept
{
    int fd = dmabufFd;
    return sys::ioctl(buffer_.get(), IIO_BUFFER_DMABUF_DETACH_IOCTL, &fd) < 0 ? errno : 0;
}

void IioBufferHandle::attach(int dmabufFd)
{
    if (const int err = tryAttach(dmabufFd))
        throwSystemError("attach a DMABUF to " + description_, err, attachHint(err));
}

void IioBufferHandle::detach(int dmabufFd)
{
    if (const int err = tryDetach(dmabufFd))
        throwSystemError("detach a DMABUF from " + description_, err,
                         err == EPERM ? "That DMABUF is not attached to this buffer" : "");
}

int IioBufferHandle::enqueue(int dmabufFd, std::uint64_t bytesUsed, bool cyclic) noexcept
{
    iio_dmabuf req{};
    req.fd = static_cast<__u32>(dmabufFd);
    req.flags = cyclic ? IIO_BUFFER_DMABUF_CYCLIC : 0;
    req.bytes_used = bytesUsed;
    return sys::ioctl(buffer_.get(), IIO_BUFFER_DMABUF_ENQUEUE_IOCTL, &req) < 0 ? errno : 0;
}

int IioBufferHandle::waitReady(short events, int timeoutMs, int cancelFd) const noexcept
{
    return waitFd(buffer_.get(), events, timeoutMs, cancelFd);
}

ssize_t IioBufferHandle::read(void *dst, std::size_t bytes) noexcept
{
    const ssize_t n = ::read(buffer_.get(), dst, bytes);
    return n < 0 ? -errno : n;
}

ssize_t IioBufferHandle::write(const void *src, std::size_t bytes) noexcept
{
    const ssize_t n = ::write(buffer_.get(), src, bytes);
    return n < 0 ? -errno : n;
}

int waitFd(int fd, short events, int timeoutMs, int cancelFd) noexcept
{
    pollfd fds[2] = {{fd, events, 0}, {cancelFd, POLLIN, 0}};
    const nfds_t count = cancelFd >= 0 ? 2 : 1;
    for (;;) {
        const int n = ::poll(fds, count, timeoutMs);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return 0;
        if (count == 2 && (fds[1].revents & POLLIN))
            return -ECANCELED;
        if (fds[0].revents & (POLLERR | POLLNVAL))
            return -EIO;
        return 1;
    }
}

} // namespace dmascope

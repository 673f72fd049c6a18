// One IIO buffer of a local device, as a file descriptor from IIO_BUFFER_GET_FD_IOCTL, with the
// DMABUF ioctls (attach / detach / enqueue) and read()/write() for the fileio path.
#pragma once

#include "dmascope/unique_fd.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace dmascope {

class IioBufferHandle
{
public:
    // Opens /dev/iio:deviceN (`devNode`) and gets the fd of buffer `index`. Throws SystemError.
    IioBufferHandle(const std::string &devNode, unsigned index);

    int fd() const noexcept { return buffer_.get(); }
    const std::string &description() const noexcept { return description_; }

    // DMABUF ioctls. attach/detach throw SystemError with a hint for the errors the kernel
    // documents (EPERM: the driver has no DMABUF support, EBUSY: already attached or fileio
    // active, ...). enqueue is on the hot path: it returns 0 or an errno and never throws.
    void attach(int dmabufFd);
    void detach(int dmabufFd);
    int enqueue(int dmabufFd, std::uint64_t bytesUsed, bool cyclic = false) noexcept;
    // Same ioctls returning errno instead of throwing, for callers that choose a fallback.
    int tryAttach(int dmabufFd) noexcept;
    int tryDetach(int dmabufFd) noexcept;

    // Waits until the buffer fd is readable (input) or writable (output). Returns 1 when ready,
    // 0 on timeout, -errno on error. `cancelFd` (an eventfd, or -1) ends the wait early: then
    // it returns -ECANCELED.
    int waitReady(short events, int timeoutMs, int cancelFd = -1) const noexcept;

    // read()/write() on the buffer (fileio). Return bytes or -errno.
    ssize_t read(void *dst, std::size_t bytes) noexcept;
    ssize_t write(const void *src, std::size_t bytes) noexcept;

private:
    std::string description_;
    UniqueFd buffer_;
};

// Waits for `events` on `fd` or for `cancelFd` to become readable. Returns 1 ready, 0 timeout,
// -ECANCELED when cancelled, -errno on error.
int waitFd(int fd, short events, int timeoutMs, int cancelFd) noexcept;

} // namespace dmascope

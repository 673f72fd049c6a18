// The system-call boundary of the device layer. Everything in the backend that opens devices or
// issues ioctls goes through here, so tests can inject failures (EPERM on attach, ENOENT on the
// heap, ...) without a fake device. Production code never changes the table.
#pragma once

#include <cstddef>
#include <poll.h>
#include <sys/types.h>

namespace dmascope::sys {

struct Table
{
    int (*open)(const char *path, int flags);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    int (*memfdCreate)(const char *name, unsigned flags);
    int (*ftruncate)(int fd, off_t length);
    int (*fcntl)(int fd, int cmd, int arg);
    ssize_t (*write)(int fd, const void *buf, std::size_t count); // recordings (ENOSPC tests)
    int (*poll)(pollfd *fds, nfds_t count, int timeoutMs); // DMABUF transfer state (fake devices)
    ssize_t (*pread)(int fd, void *buf, std::size_t count, off_t offset); // drivers' loss counters
};

// The table in use (the real system calls unless a test swapped it).
const Table &table();

// Test helper: installs `replacement` until destroyed. Not thread-safe; use it in single-threaded
// test set-up only.
class ScopedTable
{
public:
    explicit ScopedTable(const Table &replacement);
    ~ScopedTable();
    ScopedTable(const ScopedTable &) = delete;
    ScopedTable &operator=(const ScopedTable &) = delete;

private:
    Table previous_;
};

// The real system calls, for tests that want to forward most calls.
const Table &realTable();

inline int open(const char *path, int flags) { return table().open(path, flags); }
inline int ioctl(int fd, unsigned long request, void *arg) { return table().ioctl(fd, request, arg); }
inline ssize_t write(int fd, const void *buf, std::size_t count)
{
    return table().write(fd, buf, count);
}
inline int poll(pollfd *fds, nfds_t count, int timeoutMs)
{
    return table().poll(fds, count, timeoutMs);
}
inline ssize_t pread(int fd, void *buf, std::size_t count, off_t offset)
{
    return table().pread(fd, buf, count, offset);
}

} // namespace dmascope::sys

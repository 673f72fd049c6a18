#include "dmascope/syscalls.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace dmascope::sys {

namespace {
const Table kReal = {
    [](const char *path, int flags) { return ::open(path, flags | O_CLOEXEC); },
    [](int fd, unsigned long request, void *arg) { return ::ioctl(fd, request, arg); },
    [](const char *name, unsigned flags) { return ::memfd_create(name, flags); },
    [](int fd, off_t length) { return ::ftruncate(fd, length); },
    [](int fd, int cmd, int arg) { return ::fcntl(fd, cmd, arg); },
    [](int fd, const void *buf, std::size_t count) { return ::write(fd, buf, count); },
    [](pollfd *fds, nfds_t count, int timeoutMs) { return ::poll(fds, count, timeoutMs); },
    [](int fd, void *buf, std::size_t count, off_t offset) { return ::pread(fd, buf, count, offset); },
};

Table &current()
{
    static Table t = kReal;
    return t;
}
} // namespace

const Table &table() { return current(); }
const Table &realTable() { return kReal; }

ScopedTable::ScopedTable(const Table &replacement) : previous_(current())
{
    current() = replacement;
}

ScopedTable::~ScopedTable() { current() = previous_; }

} // namespace dmascope::sys

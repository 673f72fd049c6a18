// Errors from system calls, carrying errno and a sentence a user can act on.
#pragma once

#include <stdexcept>
#include <string>

namespace dmascope {

class SystemError : public std::runtime_error
{
public:
    // `what` says what was being done ("attach DMABUF to iio:device0 buffer0"); the message
    // becomes "<what>: <strerror> (errno N)[. <hint>]".
    SystemError(int code, const std::string &what, const std::string &hint = {});

    int code() const noexcept { return code_; }

private:
    int code_;
};

// Throws SystemError for `code` (default: the current errno).
[[noreturn]] void throwSystemError(const std::string &what, int code = -1,
                                   const std::string &hint = {});

// "No such file or directory (errno 2)"
std::string describeErrno(int code);

} // namespace dmascope

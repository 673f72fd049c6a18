#include "dmascope/system_error.h"

#include <cerrno>
#include <cstring>

namespace dmascope {

namespace {
std::string composeMessage(int code, const std::string &what, const std::string &hint)
{
    std::string msg = what + ": " + describeErrno(code);
    if (!hint.empty())
        msg += ". " + hint;
    return msg;
}
} // namespace

SystemError::SystemError(int code, const std::string &what, const std::string &hint)
    : std::runtime_error(composeMessage(code, what, hint)), code_(code)
{
}

void throwSystemError(const std::string &what, int code, const std::string &hint)
{
    throw SystemError(code < 0 ? errno : code, what, hint);
}

std::string describeErrno(int code)
{
    char buf[128];
    // GNU strerror_r returns the message pointer (which may or may not be buf).
    const char *text = strerror_r(code, buf, sizeof buf);
    return std::string(text) + " (errno " + std::to_string(code) + ")";
}

} // namespace dmascope

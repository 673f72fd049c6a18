// A context, device, channel or attribute that does not exist. Its own type so that callers
// (dmascope-cli's exit code 3) can tell "no such thing" from "it failed".
#pragma once

#include <stdexcept>
#include <string>

namespace dmascope {

class NotFoundError : public std::runtime_error
{
public:
    // The message should say what was looked for and what exists instead.
    explicit NotFoundError(const std::string &message) : std::runtime_error(message) {}
};

} // namespace dmascope

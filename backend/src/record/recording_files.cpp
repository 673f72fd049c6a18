#include "dmascope/record/recording_files.h"

#include "dmascope/system_error.h"

#include <cerrno>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace dmascope {

namespace {

constexpr int kMaxAttempts = 10000;

std::string formatTime(const char *format, std::time_t when)
{
    std::tm tm{};
    ::localtime_r(&when, &tm);
    char text[32];
    const std::size_t n = std::strftime(text, sizeof text, format, &tm);
    return std::string(text, n);
}

} // namespace

std::string expandRecordingName(const std::string &pattern, const std::string &device,
                                std::time_t when)
{
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') {
            out += pattern[i];
            continue;
        }
        const std::size_t close = pattern.find('}', i);
        if (close == std::string::npos)
            throw std::invalid_argument("recording name \"" + pattern +
                                        "\": '{' without a closing '}'");
        const std::string field = pattern.substr(i + 1, close - i - 1);
        if (field == "device")
            out += device.empty() ? "recording" : device;
        else if (field == "date")
            out += formatTime("%Y%m%d", when);
        else if (field == "time")
            out += formatTime("%H%M%S", when);
        else if (field == "datetime")
            out += formatTime("%Y%m%d-%H%M%S", when);
        else
            throw std::invalid_argument("recording name \"" + pattern + "\": unknown field {" +
                                        field + "} (use {device}, {date}, {time}, {datetime})");
        i = close;
    }
    if (out.empty() || out == "." || out == "..")
        throw std::invalid_argument("the recording name is empty");
    if (out.find('/') != std::string::npos)
        throw std::invalid_argument("recording name \"" + out +
                                    "\" contains '/': choose the folder separately");
    return out;
}

RecordingFiles createRecordingFiles(const std::string &directory, const std::string &name)
{
    if (name.empty() || name.find('/') != std::string::npos)
        throw std::invalid_argument("recording name \"" + name + "\" is empty or contains '/'");
    const std::string dir = directory.empty() ? std::string(".") : directory;
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0)
        throwSystemError("recording folder " + dir);
    if (!S_ISDIR(st.st_mode))
        throw SystemError(ENOTDIR, "recording folder " + dir);

    const std::string prefix = dir.back() == '/' ? dir : dir + "/";
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        RecordingFiles files;
        files.base = prefix + name + (attempt ? "-" + std::to_string(attempt) : std::string());
        files.dataPath = files.base + ".sigmf-data";
        files.metaPath = files.base + ".sigmf-meta";
        // The meta name is reserved first: a taken meta file means a recording is there even
        // if its data file went missing.
        const int meta = ::open(files.metaPath.c_str(),
                                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (meta < 0) {
            if (errno == EEXIST)
                continue;
            throwSystemError("create " + files.metaPath);
        }
        ::close(meta);
        // Read-write: on a full disk the writer reads back the tail it gives up for the
        // metadata, to put it back if that did not help.
        files.data.reset(
            ::open(files.dataPath.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (!files.data) {
            const int err = errno;
            ::unlink(files.metaPath.c_str());
            if (err == EEXIST)
                continue;
            throw SystemError(err, "create " + files.dataPath);
        }
        return files;
    }
    throw std::invalid_argument("no free recording name: " + prefix + name + " and " +
                                std::to_string(kMaxAttempts - 1) + " numbered ones exist");
}

} // namespace dmascope

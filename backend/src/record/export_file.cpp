#include "export_file.h"

#include "dmascope/system_error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace dmascope::detail {

namespace {
constexpr std::size_t kBufferBytes = 1 << 20;
}

ExportPlan planExport(const SigmfRecording &recording, const ExportRange &range,
                      const std::vector<std::size_t> &channels)
{
    ExportPlan plan;
    const std::uint64_t total = recording.frameCount();
    if (range.first > total || (range.first == total && total > 0))
        throw std::invalid_argument("the range starts at frame " + std::to_string(range.first) +
                                    ", past the end of the recording (" +
                                    std::to_string(total) + " frames)");
    plan.first = range.first;
    plan.count = std::min(range.count, total - range.first);
    const std::size_t available = recording.layout()->channels.size();
    for (std::size_t c : channels)
        if (c >= available)
            throw std::invalid_argument("the recording has no channel " + std::to_string(c) +
                                        " (it has " + std::to_string(available) + ")");
    plan.channels = channels;
    if (plan.channels.empty())
        for (std::size_t c = 0; c < available; ++c)
            plan.channels.push_back(c);
    return plan;
}

ExportFile::ExportFile(std::string path, const std::atomic<bool> *cancel)
    : path_(std::move(path)), cancel_(cancel)
{
    struct stat st = {};
    if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        fd_.reset(::open(path_.c_str(), O_WRONLY | O_CLOEXEC));
    } else {
        // In the destination's directory, so that commit() is a rename within one file system.
        tempPath_ = path_ + ".XXXXXX";
        fd_.reset(::mkostemp(tempPath_.data(), O_CLOEXEC));
        if (fd_)
            ::fchmod(fd_.get(), 0644); // mkostemp's 0600 is for secrets, an export for sharing
    }
    if (!fd_)
        throwSystemError("create " + path_);
    buffer_.reserve(kBufferBytes);
}

ExportFile::~ExportFile()
{
    if (!committed_ && !tempPath_.empty()) {
        fd_.reset();
        ::unlink(tempPath_.c_str());
    }
}

void ExportFile::throwIfCancelled() const
{
    if (cancel_ && cancel_->load(std::memory_order_relaxed))
        throw ExportCancelled(path_);
}

void ExportFile::write(const void *data, std::size_t bytes)
{
    throwIfCancelled();
    const auto *p = static_cast<const std::uint8_t *>(data);
    buffer_.insert(buffer_.end(), p, p + bytes);
    written_ += bytes;
    if (buffer_.size() >= kBufferBytes)
        flush();
}

void ExportFile::flush()
{
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd_.get(), buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) {
            throwIfCancelled(); // a pipe nobody reads blocks the write: the signal must end it
            continue;
        }
        if (n < 0)
            throwSystemError("write " + path_);
        done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
}

void ExportFile::commit()
{
    flush();
    if (::close(fd_.release()) != 0)
        throwSystemError("write " + path_);
    if (!tempPath_.empty() && ::rename(tempPath_.c_str(), path_.c_str()) != 0)
        throwSystemError("replace " + path_);
    committed_ = true;
}

} // namespace dmascope::detail

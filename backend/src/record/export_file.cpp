#include "export_file.h"

#include "dmascope/system_error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
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

ExportFile::ExportFile(std::string path)
    : path_(std::move(path)),
      fd_(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644))
{
    if (!fd_)
        throwSystemError("create " + path_);
    buffer_.reserve(kBufferBytes);
}

ExportFile::~ExportFile()
{
    if (!committed_) {
        fd_.reset();
        ::unlink(path_.c_str());
    }
}

void ExportFile::write(const void *data, std::size_t bytes)
{
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
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throwSystemError("write " + path_);
        done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
}

void ExportFile::writeAt(std::uint64_t offset, const void *data, std::size_t bytes)
{
    flush();
    if (::pwrite(fd_.get(), data, bytes, static_cast<off_t>(offset)) !=
        static_cast<ssize_t>(bytes))
        throwSystemError("write " + path_);
}

void ExportFile::commit()
{
    flush();
    if (::close(fd_.release()) != 0)
        throwSystemError("close " + path_);
    committed_ = true;
}

} // namespace dmascope::detail

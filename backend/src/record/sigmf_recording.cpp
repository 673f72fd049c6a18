#include "dmascope/record/sigmf_recording.h"

#include "dmascope/system_error.h"
#include "dmascope/unique_fd.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dmascope {

namespace {

// Metadata files are small; anything larger than this is not one (and is not read into memory).
constexpr off_t kMaxMetaBytes = 64 * 1024 * 1024;

std::string basePath(const std::string &path)
{
    for (const char *ext : {".sigmf-meta", ".sigmf-data"}) {
        const std::string_view e(ext);
        if (path.size() > e.size() && std::string_view(path).ends_with(e))
            return path.substr(0, path.size() - e.size());
    }
    return path;
}

// O_NONBLOCK so that a FIFO or a device node in the recording's place is refused instead of
// blocking the open (it does not change how a regular file is read).
UniqueFd openRegularFile(const std::string &path, const std::string &what, struct stat &st)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        throwSystemError("open " + what + " " + path);
    if (::fstat(fd.get(), &st) != 0)
        throwSystemError("stat " + path);
    if (!S_ISREG(st.st_mode))
        throw SigmfError(path + " is not a regular file");
    return fd;
}

std::string readMeta(const std::string &path)
{
    struct stat st = {};
    const UniqueFd fd = openRegularFile(path, "the metadata", st);
    if (st.st_size > kMaxMetaBytes)
        throw SigmfError(path + ": " + std::to_string(st.st_size) +
                         " bytes is too large for SigMF metadata");
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throwSystemError("read " + path);
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    text.resize(done);
    if (text.empty())
        throw SigmfError(path + ": the metadata file is empty (the recording was not started "
                                "or is being created)");
    return text;
}

template <typename T> T loadAs(const std::uint8_t *p, bool bigEndian) noexcept
{
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    U bits;
    std::memcpy(&bits, p, sizeof bits);
    if (bigEndian)
        bits = sizeof(T) == 4 ? static_cast<U>(__builtin_bswap32(static_cast<std::uint32_t>(bits)))
                              : static_cast<U>(__builtin_bswap64(bits));
    return std::bit_cast<T>(bits);
}

} // namespace

SigmfRecording::~SigmfRecording()
{
    if (data_)
        ::munmap(const_cast<std::uint8_t *>(data_), mappedBytes_);
}

std::shared_ptr<const SigmfRecording> SigmfRecording::open(const std::string &path)
{
    const std::string base = basePath(path);
    std::shared_ptr<SigmfRecording> r(new SigmfRecording());
    r->metaPath_ = base + ".sigmf-meta";
    r->dataPath_ = base + ".sigmf-data";
    const std::string metaText = readMeta(r->metaPath_); // its errors name the file
    try {
        r->meta_ = SigmfMeta::fromJson(metaText);
        r->layout_ = std::make_shared<const ScanLayout>(r->meta_.layout());
    } catch (const SigmfError &e) {
        throw SigmfError(r->metaPath_ + ": " + e.what());
    } catch (const std::invalid_argument &e) {
        throw SigmfError(r->metaPath_ + ": " + e.what());
    }

    struct stat st{};
    const UniqueFd fd = openRegularFile(r->dataPath_, "the samples", st);
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    const std::size_t frameBytes = r->meta_.frameBytes();
    r->frames_ = size / frameBytes;
    if (const std::uint64_t rest = size % frameBytes)
        r->warnings_.push_back("the data file ends in a partial frame (" + std::to_string(rest) +
                               " bytes ignored)");
    if (r->meta_.iio && r->meta_.iio->sampleCount) {
        const std::uint64_t described = *r->meta_.iio->sampleCount;
        if (r->frames_ > described)
            r->warnings_.push_back("the data file holds " +
                                   std::to_string(r->frames_ - described) +
                                   " frames more than the metadata's last update described "
                                   "(the recording was not closed)");
        else if (r->frames_ < described)
            r->warnings_.push_back("the data file holds " + std::to_string(r->frames_) +
                                   " frames, the metadata describes " +
                                   std::to_string(described) + " (the data file was cut)");
    }
    if (r->meta_.sampleRate == 0)
        r->warnings_.push_back("the metadata gives no sample rate (core:sample_rate): playback "
                               "is not paced");
    const auto &caps = r->meta_.captures;
    if (caps.size() > 1 && caps.back().sampleStart >= r->frames_ && r->frames_ > 0)
        r->warnings_.push_back("captures past the end of the data file are ignored");
    const std::uint64_t bytes = r->frames_ * frameBytes;
    if (bytes > 0) {
        void *p = ::mmap(nullptr, static_cast<std::size_t>(bytes), PROT_READ, MAP_SHARED,
                         fd.get(), 0);
        if (p == MAP_FAILED)
            throwSystemError("map the samples " + r->dataPath_);
        // Playback reads it front to back.
        ::madvise(p, static_cast<std::size_t>(bytes), MADV_SEQUENTIAL);
        r->data_ = static_cast<const std::uint8_t *>(p);
        r->mappedBytes_ = static_cast<std::size_t>(bytes);
    }
    return r;
}

std::size_t SigmfRecording::captureAt(std::uint64_t index) const noexcept
{
    const auto &caps = meta_.captures;
    const auto it = std::upper_bound(caps.begin(), caps.end(), index,
                                     [](std::uint64_t i, const SigmfCapture &c) {
                                         return i < c.sampleStart;
                                     });
    return it == caps.begin() ? 0 : static_cast<std::size_t>(it - caps.begin() - 1);
}

void SigmfRecording::readRaw(std::size_t channel, std::uint64_t first, std::size_t count,
                             double *out) const
{
    if (channel >= layout_->channels.size())
        throw std::out_of_range("the recording has no channel " + std::to_string(channel) +
                                " (it has " + std::to_string(layout_->channels.size()) + ")");
    if (first > frames_ || count > frames_ - first)
        throw std::out_of_range("frames " + std::to_string(first) + " + " +
                                std::to_string(count) + " are past the end of the recording (" +
                                std::to_string(frames_) + " frames)");
    const std::size_t stride = frameBytes();
    if (meta_.datatype.isFloat) {
        // Synthesised layout: channel k is component k of the frame, each bits/8 wide.
        const std::size_t width = meta_.datatype.componentBytes();
        const std::uint8_t *p = data_ + first * stride + channel * width;
        for (std::size_t i = 0; i < count; ++i, p += stride)
            out[i] = width == 4 ? static_cast<double>(loadAs<float>(p, meta_.datatype.bigEndian))
                                : loadAs<double>(p, meta_.datatype.bigEndian);
        return;
    }
    const ChannelLayout &c = layout_->channels[channel];
    std::vector<std::int64_t> raw(count);
    extractRaw(c, stride, data_ + first * stride, count, raw.data());
    for (std::size_t i = 0; i < count; ++i)
        out[i] = static_cast<double>(raw[i]);
}

void SigmfRecording::readPhysical(std::size_t channel, std::uint64_t first, std::size_t count,
                                  double *out) const
{
    readRaw(channel, first, count, out);
    if (meta_.datatype.isFloat)
        return; // floats are their own physical values
    const ChannelLayout &c = layout_->channels[channel];
    for (std::size_t i = 0; i < count; ++i)
        out[i] = (out[i] + c.offset) * c.scale;
}

} // namespace dmascope

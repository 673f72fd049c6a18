#include "dmascope/remote_stream.h"

#include "dmascope/iio_buffer_handle.h"
#include "dmascope/not_found_error.h"
#include "dmascope/system_error.h"

#include "../iio/libiio_context.h"

#include <iio.h>

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace dmascope {

namespace {

// libiio's default network timeout; raised for slow sample rates so that one refill (one block
// at the device's rate) never times out.
constexpr unsigned kMinTimeoutMs = 5000;

struct ContextDeleter
{
    void operator()(iio_context *ctx) const noexcept { iio_context_destroy(ctx); }
};
using ContextPtr = std::unique_ptr<iio_context, ContextDeleter>;

iio_device *findDevice(iio_context *ctx, const std::string &key, const std::string &uri)
{
    if (iio_device *dev = iio_context_find_device(ctx, key.c_str())) // id or name
        return dev;
    std::string names;
    for (unsigned i = 0, n = iio_context_get_devices_count(ctx); i < n; ++i) {
        iio_device *dev = iio_context_get_device(ctx, i);
        const char *label = iio_device_get_label(dev);
        if (label && key == label)
            return dev;
        const char *name = iio_device_get_name(dev);
        names += (names.empty() ? "" : ", ") + std::string(iio_device_get_id(dev)) +
                 (name ? " (" + std::string(name) + ")" : "");
    }
    throw NotFoundError("no device '" + key + "' in " + uri + "; devices: " +
                        (names.empty() ? "none" : names));
}

// The pool's memory: plain heap blocks, since libiio's own buffer cannot be handed out.
struct HeapBuffers
{
    std::vector<std::unique_ptr<std::uint8_t[]>> blocks;
};

class LibiioBufferSource final : public StreamSource
{
public:
    LibiioBufferSource(ContextPtr ctx, iio_device *dev, std::string deviceName,
                       std::vector<iio_channel *> enabled, std::size_t samplesPerBlock,
                       std::size_t frameBytes)
        : ctx_(std::move(ctx)), dev_(dev), deviceName_(std::move(deviceName)),
          enabled_(std::move(enabled)), samplesPerBlock_(samplesPerBlock), frameBytes_(frameBytes)
    {
    }
    ~LibiioBufferSource() override { stop(); }

    Buffers allocate(std::size_t bytes, unsigned count) override
    {
        auto heap = std::make_shared<HeapBuffers>();
        Buffers out;
        for (unsigned i = 0; i < count; ++i) {
            heap->blocks.push_back(std::make_unique<std::uint8_t[]>(bytes));
            out.buffers.push_back({heap->blocks.back().get(), bytes});
            memory_.push_back(heap->blocks.back().get());
        }
        out.owner = heap;
        ring_.assign(count, 0);
        blockBytes_ = bytes;
        return out;
    }

    void start() override
    {
        for (iio_channel *chn : enabled_)
            iio_channel_enable(chn);
        errno = 0;
        buffer_ = iio_device_create_buffer(dev_, samplesPerBlock_, false);
        if (!buffer_)
            throw SystemError(errno ? errno : EIO,
                              deviceName_ + ": cannot create a libiio buffer of " +
                                  std::to_string(samplesPerBlock_) + " samples",
                              "Is the device busy (another client streaming)?");
    }

    int queue(unsigned index) noexcept override
    {
        if (free_ == ring_.size())
            return EINVAL; // more buffers than allocated: a bug in the caller
        ring_[(head_ + free_) % ring_.size()] = index;
        ++free_;
        return 0;
    }

    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override
    {
        (void)timeoutMs; // a refill cannot be cut short: it lasts one block (see header)
        // Returned buffers (and stop()) come first, so the stream can re-queue them.
        if (wakeFd >= 0 && waitFd(wakeFd, POLLIN, 0, -1) == 1)
            return -ECANCELED;
        const ssize_t got = iio_buffer_refill(buffer_);
        if (got < 0)
            return static_cast<int>(got);
        const std::size_t bytes = std::min(static_cast<std::size_t>(got), blockBytes_);
        if (free_ == 0) {
            // Every pool buffer is held by consumers: drop this block, say so with the next.
            pendingLost_ += bytes / frameBytes_;
            return 0;
        }
        const unsigned index = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --free_;
        std::memcpy(bufferMemory(index), iio_buffer_start(buffer_), bytes);
        out->index = index;
        out->bytes = bytes;
        out->lostSamplesBefore = pendingLost_;
        pendingLost_ = 0;
        return 1;
    }

    void stop() noexcept override
    {
        if (buffer_) {
            iio_buffer_destroy(buffer_);
            buffer_ = nullptr;
        }
        for (iio_channel *chn : enabled_)
            iio_channel_disable(chn);
        free_ = 0;
    }

private:
    std::uint8_t *bufferMemory(unsigned index) const noexcept { return memory_[index]; }

    ContextPtr ctx_;
    iio_device *dev_;  // owned by ctx_
    std::string deviceName_;
    std::vector<iio_channel *> enabled_;
    std::size_t samplesPerBlock_;
    std::size_t frameBytes_;
    std::size_t blockBytes_ = 0;
    iio_buffer *buffer_ = nullptr;
    std::vector<std::uint8_t *> memory_;  // the pool's buffers (owned by the pool)
    // Free pool buffers in the order they came back: only the stream thread touches these
    // (and start() before the thread exists).
    std::vector<unsigned> ring_;
    std::size_t head_ = 0;
    std::size_t free_ = 0;
    std::uint64_t pendingLost_ = 0;
};

} // namespace

RemoteStream::RemoteStream(std::string uri, std::string device)
    : uri_(std::move(uri)), device_(std::move(device))
{
}

RemoteStream::~RemoteStream()
{
    stop();
}

Stream::Opened RemoteStream::open(const StreamConfig &config)
{
    if (config.path != PathPreference::Auto)
        throw std::invalid_argument("path " +
                                    std::string(config.path == PathPreference::Dmabuf ? "dmabuf"
                                                                                      : "fileio") +
                                    " needs a local device; " + uri_ +
                                    " streams through libiio (path auto)");
    ContextPtr ctx(openLibiioContext(uri_));
    iio_device *dev = findDevice(ctx.get(), device_, uri_);
    const DeviceInfo info = describeLibiioDevice(dev);
    const std::string name = info.name.empty() ? info.id : info.name;

    // The requested channels, or every input scan element; inputs only (no DAC streaming yet).
    std::vector<const ChannelInfo *> chosen;
    std::string available;
    for (const ChannelInfo *ch : info.scanChannels())
        if (ch->direction == ChannelDirection::Input)
            available += (available.empty() ? "" : ", ") + ch->id;
    if (available.empty())
        throw std::invalid_argument(name + " has no input scan channels to stream");
    if (config.channels.empty()) {
        for (const ChannelInfo *ch : info.scanChannels())
            if (ch->direction == ChannelDirection::Input)
                chosen.push_back(ch);
    } else {
        for (const std::string &id : config.channels) {
            const ChannelInfo *ch = info.findChannel("in_" + id);
            if (!ch)
                ch = info.findChannel(id);
            if (!ch || !ch->scanElement || ch->direction != ChannelDirection::Input)
                throw NotFoundError(name + ": no input scan channel '" + id +
                                    "'; there are: " + available);
            if (std::find(chosen.begin(), chosen.end(), ch) == chosen.end())
                chosen.push_back(ch);
        }
    }

    std::vector<ChannelLayout> layouts;
    std::vector<iio_channel *> enabled;
    for (unsigned i = 0, n = iio_device_get_channels_count(dev); i < n; ++i)
        iio_channel_disable(iio_device_get_channel(dev, i));
    for (const ChannelInfo *ch : chosen) {
        layouts.push_back(ch->layout());
        iio_channel *chn = iio_device_find_channel(dev, ch->id.c_str(), false);
        iio_channel_enable(chn);
        enabled.push_back(chn);
    }
    auto layout = std::make_shared<const ScanLayout>(ScanLayout::compute(std::move(layouts)));
    // libiio lays out the frames it receives by its own rule; ours must agree or every sample
    // after the first channel would be misread.
    const ssize_t sampleSize = iio_device_get_sample_size(dev);
    if (sampleSize < 0 || static_cast<std::size_t>(sampleSize) != layout->frameBytes)
        throw std::runtime_error(name + ": libiio's frame size (" + std::to_string(sampleSize) +
                                 " bytes) differs from the computed one (" +
                                 std::to_string(layout->frameBytes) + ")");

    double rate = 0;
    unsigned timeoutMs = kMinTimeoutMs;
    if (iio_device_find_attr(dev, "sampling_frequency") &&
        iio_device_attr_read_double(dev, "sampling_frequency", &rate) == 0 && rate > 0)
        timeoutMs = std::max<unsigned>(
            kMinTimeoutMs,
            static_cast<unsigned>(3000.0 * static_cast<double>(config.samplesPerBlock) / rate));
    // Best effort: ip: and usb: honour both; a failure leaves libiio's defaults, which work.
    (void)iio_context_set_timeout(ctx.get(), timeoutMs);
    (void)iio_device_set_kernel_buffers_count(dev, std::max(2u, config.blockCount));

    Opened opened;
    opened.source = std::make_unique<LibiioBufferSource>(std::move(ctx), dev, name,
                                                         std::move(enabled),
                                                         config.samplesPerBlock,
                                                         layout->frameBytes);
    opened.layout = std::move(layout);
    opened.path = "remote";
    return opened;
}

} // namespace dmascope

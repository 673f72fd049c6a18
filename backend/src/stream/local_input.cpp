#include "local_input.h"

#include "dmabuf_transfers.h"

#include "dmascope/dmabuf.h"
#include "dmascope/system_error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <poll.h>
#include <stdexcept>

namespace fs = std::filesystem;

namespace dmascope::detail {

namespace {
std::string bufferDir(unsigned buffer) { return "buffer" + std::to_string(buffer) + "/"; }

// "voltage0" -> "voltage": the channel type, for attributes shared by type.
std::string channelType(const std::string &id)
{
    std::size_t end = id.size();
    while (end > 0 && id[end - 1] >= '0' && id[end - 1] <= '9')
        --end;
    return id.substr(0, end);
}

double readNumberAttribute(const IioSysfsDevice &dev, const std::string &dir,
                           const std::string &id, const std::string &what, double fallback)
{
    for (const std::string &name :
         {dir + "_" + id + "_" + what, dir + "_" + channelType(id) + "_" + what}) {
        if (auto v = dev.read(name)) {
            try {
                return std::stod(*v);
            } catch (const std::exception &) {
                throw std::runtime_error(dev.id() + "/" + name + " is not a number: \"" + *v + "\"");
            }
        }
    }
    return fallback;
}

struct AlignedBuffers
{
    std::vector<void *> blocks;
    ~AlignedBuffers()
    {
        for (void *p : blocks)
            std::free(p);
    }
};
} // namespace

ScanLayout readScanLayout(const IioSysfsDevice &dev, unsigned buffer, ScanDirection direction,
                          const std::vector<std::string> &channels)
{
    const std::string dir = direction == ScanDirection::Input ? "in" : "out";
    const std::string prefix = dir + "_";
    const std::string kind = direction == ScanDirection::Input ? "input" : "output";
    std::vector<std::string> available;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dev.dir() + "/" + bufferDir(buffer), ec)) {
        const std::string file = entry.path().filename().string();
        if (file.rfind(prefix, 0) == 0 && file.size() > prefix.size() + 3 &&
            file.compare(file.size() - 3, 3, "_en") == 0)
            available.push_back(file.substr(prefix.size(), file.size() - prefix.size() - 3));
    }
    std::sort(available.begin(), available.end());
    if (available.empty())
        throw std::invalid_argument(dev.id() + " (" + dev.name() + ") has no " + kind +
                                    " scan elements in " + bufferDir(buffer) +
                                    ": it cannot stream " + kind);
    std::vector<std::string> wanted = channels.empty() ? available : channels;
    std::vector<ChannelLayout> out;
    for (const std::string &id : wanted) {
        if (std::find(available.begin(), available.end(), id) == available.end()) {
            std::string list;
            for (const auto &a : available)
                list += (list.empty() ? "" : ", ") + a;
            throw std::invalid_argument(dev.id() + " has no " + kind + " scan element \"" + id +
                                        "\" (it has " + list + ")");
        }
        if (std::any_of(out.begin(), out.end(), [&](const ChannelLayout &c) { return c.id == id; }))
            throw std::invalid_argument("channel \"" + id + "\" is listed twice");
        ChannelLayout c;
        c.id = id;
        c.label = dev.read(prefix + id + "_label").value_or(id);
        const std::string typeAttr = bufferDir(buffer) + prefix + id + "_type";
        std::string error;
        const auto type = ScanType::parse(dev.readOrThrow(typeAttr), &error);
        if (!type)
            throw std::runtime_error(dev.id() + "/" + typeAttr + ": " + error);
        c.type = *type;
        const std::string index = dev.readOrThrow(bufferDir(buffer) + prefix + id + "_index");
        try {
            c.scanIndex = static_cast<unsigned>(std::stoul(index));
        } catch (const std::exception &) {
            throw std::runtime_error(dev.id() + ": " + prefix + id + "_index is not a number: \"" +
                                     index + "\"");
        }
        c.scale = readNumberAttribute(dev, dir, id, "scale", 1.0);
        c.offset = readNumberAttribute(dev, dir, id, "offset", 0.0);
        out.push_back(std::move(c));
    }
    return ScanLayout::compute(std::move(out));
}

LocalInput configureLocalBuffer(const std::string &device, const LocalDeviceOptions &options,
                                ScanDirection direction, const std::vector<std::string> &channels,
                                std::size_t samplesPerBlock, unsigned long lengthSamples)
{
    const std::string prefix = direction == ScanDirection::Input ? "in_" : "out_";
    LocalInput in{IioSysfsDevice::find(device, options.sysfsRoot), options.buffer, nullptr};
    const IioSysfsDevice &dev = in.device;
    if (dev.bufferEnabled(in.buffer))
        throw SystemError(EBUSY, "start streaming from " + dev.id() + " (" + dev.name() + ")",
                          "its buffer" + std::to_string(in.buffer) +
                              " is already enabled: another program is streaming from it");
    // The layout first: it validates the channel names before anything is changed.
    in.layout = std::make_shared<const ScanLayout>(
        readScanLayout(dev, in.buffer, direction, channels));
    dev.disableAllScanElements(in.buffer);
    for (const ChannelLayout &c : in.layout->channels)
        dev.enableScanElement(in.buffer, prefix + c.id, true);
    dev.setBufferLength(in.buffer, lengthSamples);
    dev.setWatermark(in.buffer, samplesPerBlock);
    return in;
}

FileioSource::FileioSource(LocalInput input, std::unique_ptr<IioBufferHandle> handle)
    : input_(std::move(input)), handle_(std::move(handle))
{
}

FileioSource::~FileioSource() { stop(); }

StreamSource::Buffers FileioSource::allocate(std::size_t bytes, unsigned count)
{
    auto memory = std::make_shared<AlignedBuffers>();
    Buffers out;
    const std::size_t size = pageAlign(bytes);
    for (unsigned i = 0; i < count; ++i) {
        void *p = std::aligned_alloc(4096, size);
        if (!p)
            throw std::bad_alloc();
        memory->blocks.push_back(p);
        out.buffers.push_back({static_cast<std::uint8_t *>(p), bytes});
        buffers_.push_back(static_cast<std::uint8_t *>(p));
    }
    out.owner = memory;
    bufferBytes_ = bytes;
    free_.assign(count, 0);
    return out;
}

void FileioSource::start()
{
    input_.device.setBufferEnabled(input_.buffer, true);
    enabled_ = true;
}

int FileioSource::queue(unsigned index) noexcept
{
    if (freeCount_ == free_.size())
        return EBUSY;
    free_[(freeHead_ + freeCount_++) % free_.size()] = index;
    return 0;
}

bool FileioSource::removed() const noexcept { return deviceRemoved(input_.device); }

int FileioSource::waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept
{
    for (;;) {
        if (!filling_) {
            if (freeCount_ == 0) {
                // Every buffer is with a consumer: wait for one to come back. The kernel
                // buffer keeps filling meanwhile (and drops when full, unseen by read()).
                const int r = waitFd(wakeFd, POLLIN, timeoutMs, -1);
                return r > 0 ? -ECANCELED : r;
            }
            current_ = free_[freeHead_];
            freeHead_ = (freeHead_ + 1) % free_.size();
            --freeCount_;
            filling_ = true;
            got_ = 0;
        }
        const int r = handle_->waitReady(POLLIN, timeoutMs, wakeFd);
        if (r <= 0)
            return r; // timeout, -ECANCELED (the partial block stays current) or an error
        const ssize_t n = handle_->read(buffers_[current_] + got_, bufferBytes_ - got_);
        if (n == -EAGAIN || n == -EINTR)
            continue;
        if (n < 0)
            return static_cast<int>(n);
        if (n == 0)
            return -ENODATA; // the buffer was disabled under us
        got_ += static_cast<std::size_t>(n);
        if (got_ == bufferBytes_) {
            filling_ = false;
            *out = {current_, bufferBytes_, 0};
            return 1;
        }
    }
}

void FileioSource::stop() noexcept
{
    if (enabled_) {
        try {
            input_.device.setBufferEnabled(input_.buffer, false);
        } catch (const std::exception &) {
            // The device may be gone (unplugged): nothing left to disable.
        }
        enabled_ = false;
    }
}

DmabufChoice chooseDmabuf(IioBufferHandle &handle, const LocalDeviceOptions &options)
{
    DmabufChoice c;
    std::string heapError;
    try {
        c.allocator = std::make_unique<DmaHeapAllocator>(options.heapPath);
        c.path = "dmabuf-heap";
    } catch (const SystemError &e) {
        heapError = e.what();
    }
    if (!c.allocator) {
        try {
            c.allocator = std::make_unique<UdmabufAllocator>(options.udmabufPath);
            c.path = "dmabuf-udmabuf";
            c.fallbackReason = "no system DMA heap, using udmabuf (" + heapError + ")";
        } catch (const SystemError &e) {
            c.refusal = "no DMABUF allocator: " + heapError + "; " + e.what();
            return c;
        }
    }
    // Probe with one page: does the driver take DMABUFs at all?
    UniqueFd probe = c.allocator->allocate(pageAlign(1));
    const int err = handle.tryAttach(probe.get());
    if (err == 0) {
        handle.tryDetach(probe.get());
        return c;
    }
    if (err == EPERM || err == ENODEV || err == ENOTTY) {
        c.refusal = SystemError(err, "the driver refused DMABUF attach on " + handle.description(),
                                err == EPERM ? "its buffer is not built on buffer-dma"
                                             : "this kernel has no IIO DMABUF interface (Linux "
                                               "6.9 or newer)")
                        .what();
        return c;
    }
    throw SystemError(err, "attach a DMABUF to " + handle.description());
}

} // namespace dmascope::detail

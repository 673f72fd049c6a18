#include "dmascope/output_stream.h"

#include "dmascope/dmabuf.h"
#include "dmascope/system_error.h"
#include "dmabuf_transfers.h"
#include "local_input.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

namespace dmascope {

class OutputStream::Impl
{
public:
    Impl(detail::LocalInput dev, std::unique_ptr<IioBufferHandle> handle)
        : dev_(std::move(dev)), handle_(std::move(handle)),
          cancel_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
        if (!cancel_)
            throwSystemError("create the output stream's cancel eventfd");
    }
    ~Impl() { stop(); }

    void allocateDmabufs(std::unique_ptr<DmabufAllocator> allocator, std::size_t bytes,
                         unsigned count)
    {
        allocator_ = std::move(allocator);
        bytes_ = bytes;
        // Every DMABUF is attached before any is enqueued: on 6.12 a later ATTACH while the
        // buffer is disabled drops blocks already queued (kernel/iio-sim/README.md).
        attached_ = std::make_unique<detail::Attachments>(*handle_);
        set_ = detail::allocateAttached(*allocator_, bytes, count, {attached_.get()});
        dmabufs_ = &set_->buffers;
        fences_.resize(count);
        inCpuAccess_.assign(count, 0);
    }

    void allocateHeap(std::size_t bytes, unsigned count)
    {
        bytes_ = bytes;
        for (unsigned i = 0; i < count; ++i) {
            void *p = std::aligned_alloc(4096, pageAlign(bytes));
            if (!p)
                throw std::bad_alloc();
            heap_.push_back(static_cast<std::uint8_t *>(p));
        }
    }

    void enable()
    {
        dev_.device.setBufferEnabled(dev_.buffer, true);
        enabled_ = true;
    }

    std::optional<Buffer> acquire(int timeoutMs)
    {
        const unsigned i = next_;
        if (dmabufs_) {
            TransferFence &fence = fences_[i];
            if (fence.valid()) {
                const int r = waitFd(fence.fd(), POLLIN, timeoutMs, -1);
                // After a removal the orphaned buffer takes blocks and never completes them.
                if (r == 0 && !detail::deviceRemoved(dev_.device))
                    return std::nullopt;
                if (r <= 0)
                    fail(r ? -r : ENODEV,
                         "wait for an output transfer on " + handle_->description());
                if (fence.status() < 0)
                    ++failed_;
                fence = TransferFence();
            }
            if (!inCpuAccess_[i]) {
                if (const int err = (*dmabufs_)[i].beginCpuAccess(CpuAccess::Write))
                    fail(err, "begin CPU access to an output DMABUF");
                inCpuAccess_[i] = 1;
            }
            next_ = (next_ + 1) % static_cast<unsigned>(dmabufs_->size());
            return Buffer{i, (*dmabufs_)[i].data(), bytes_};
        }
        refuseWhileCyclic();
        next_ = (next_ + 1) % static_cast<unsigned>(heap_.size());
        return Buffer{i, heap_[i], bytes_};
    }

    void submit(const Buffer &b, std::size_t bytes)
    {
        checkBytes(bytes);
        if (dmabufs_) {
            enqueue(b.index, bytes, false);
            return;
        }
        if (const int err = writeAll(heap_[b.index], bytes))
            fail(err, "write " + std::to_string(bytes) + " bytes to " + handle_->description());
    }

    void submitCyclic(const Buffer &b, std::size_t bytes)
    {
        checkBytes(bytes);
        if (dmabufs_) {
            enqueue(b.index, bytes, true);
            return;
        }
        // write() has no cyclic mode: a thread writes the block again and again until stop.
        refuseWhileCyclic();
        const std::uint8_t *data = heap_[b.index];
        cyclic_ = std::thread([this, data, bytes] {
            while (writeAll(data, bytes) == 0) {
            }
        });
    }

    void stop() noexcept
    {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(cancel_.get(), &one, sizeof one);
        waitForCyclicWriter();
        if (enabled_) {
            try {
                // Stops a cyclic block; queued transfers end with -EINTR.
                dev_.device.setBufferEnabled(dev_.buffer, false);
            } catch (const std::exception &) {
                // The device is gone: nothing left to disable.
            }
            enabled_ = false;
        }
        for (std::size_t i = 0; dmabufs_ && i < dmabufs_->size(); ++i) {
            fences_[i] = TransferFence();
            if (inCpuAccess_[i])
                (*dmabufs_)[i].endCpuAccess(CpuAccess::Write);
            inCpuAccess_[i] = 0;
        }
        if (attached_)
            attached_->detachAll();
        dmabufs_ = nullptr;
        set_.reset();
        for (std::uint8_t *p : heap_)
            std::free(p);
        heap_.clear();
    }

    detail::LocalInput dev_;
    std::unique_ptr<IioBufferHandle> handle_;
    std::string path_;
    std::string fallbackReason_;
    std::uint64_t failed_ = 0;

private:
    void checkBytes(std::size_t bytes) const
    {
        const std::size_t frame = dev_.layout->frameBytes;
        if (bytes == 0 || bytes > bytes_ || bytes % frame != 0)
            throw std::invalid_argument("an output block is 1 to " +
                                        std::to_string(bytes_ / frame) + " whole frames of " +
                                        std::to_string(frame) + " bytes, not " +
                                        std::to_string(bytes) + " bytes");
    }

    // Throws SystemError(err) for `what`; ENODEV when the device is gone, whatever the half-
    // removed driver answered (as Stream does for input streams).
    [[noreturn]] void fail(int err, const std::string &what) const
    {
        if (err == ENODEV || detail::deviceRemoved(dev_.device))
            throw SystemError(ENODEV, what + " (the device was removed)");
        throw SystemError(err, what);
    }

    void enqueue(unsigned i, std::size_t bytes, bool cyclic)
    {
        if (inCpuAccess_[i]) {
            (*dmabufs_)[i].endCpuAccess(CpuAccess::Write);
            inCpuAccess_[i] = 0;
        }
        if (const int err = handle_->enqueue((*dmabufs_)[i].fd(), bytes, cyclic))
            fail(err, "enqueue an output DMABUF on " + handle_->description());
        int err = 0;
        fences_[i] = TransferFence::exportFrom((*dmabufs_)[i].fd(), CpuAccess::Write, &err);
        if (!fences_[i].valid())
            fail(err, "export the fence of an output transfer");
        // The DMABUF path enables the buffer with its first block queued, as the driver
        // documents for cyclic blocks (enqueue, then enable), and so it starts with data.
        if (!enabled_)
            enable();
    }

    // Writes all of `data`, waiting for room; returns 0, or an errno (ECANCELED on stop).
    int writeAll(const std::uint8_t *data, std::size_t bytes) noexcept
    {
        std::size_t done = 0;
        while (done < bytes) {
            const int r = handle_->waitReady(POLLOUT, -1, cancel_.get());
            if (r < 0)
                return -r;
            const ssize_t n = handle_->write(data + done, bytes - done);
            if (n == -EAGAIN || n == -EINTR)
                continue;
            if (n < 0)
                return static_cast<int>(-n);
            done += static_cast<std::size_t>(n);
        }
        return 0;
    }

    void refuseWhileCyclic() const
    {
        if (cyclic_.joinable())
            throw std::logic_error("a cyclic block is playing until stop(): nothing else can "
                                   "be queued behind it");
    }

    void waitForCyclicWriter() noexcept
    {
        if (cyclic_.joinable())
            cyclic_.join(); // runs until stop() signals cancel_
    }


    UniqueFd cancel_; // readable once stop() was called
    std::unique_ptr<DmabufAllocator> allocator_;
    std::unique_ptr<detail::Attachments> attached_;
    std::shared_ptr<detail::DmabufSet> set_;
    std::vector<MappedDmabuf> *dmabufs_ = nullptr; // set_'s buffers: the DMABUF path is in use
    std::vector<TransferFence> fences_; // of the last transfer of each DMABUF
    std::vector<char> inCpuAccess_;
    std::vector<std::uint8_t *> heap_;
    std::thread cyclic_;
    std::size_t bytes_ = 0;
    unsigned next_ = 0;
    bool enabled_ = false;
};

OutputStream::OutputStream(std::string device, LocalDeviceOptions options)
    : device_(std::move(device)), options_(std::move(options))
{
}

OutputStream::~OutputStream() { stop(); }

void OutputStream::start(const OutputConfig &config)
{
    if (impl_)
        throw std::logic_error("the output stream is already running; stop it first");
    if (config.samplesPerBlock == 0 || config.blockCount == 0)
        throw std::invalid_argument("an output stream needs at least one block of one sample");
    detail::LocalInput dev = detail::configureLocalBuffer(
        device_, options_, detail::ScanDirection::Output, config.channels, config.samplesPerBlock,
        // write(): buffer-dma splits the length into two blocks and plays a block only when it
        // is full, so blocks of exactly samplesPerBlock make every whole write() play.
        static_cast<unsigned long>(config.samplesPerBlock) * 2);
    const std::size_t bytes = config.samplesPerBlock * dev.layout->frameBytes;
    auto handle = std::make_unique<IioBufferHandle>(dev.device.devNode(), dev.buffer);
    auto impl = std::make_unique<Impl>(std::move(dev), nullptr);
    impl->handle_ = std::move(handle);
    if (config.path != PathPreference::Fileio) {
        detail::DmabufChoice choice = detail::chooseDmabuf(*impl->handle_, options_);
        if (choice.refusal.empty()) {
            impl->allocateDmabufs(std::move(choice.allocator), bytes, config.blockCount);
            impl->path_ = choice.path;
            impl->fallbackReason_ = choice.fallbackReason;
        } else if (config.path == PathPreference::Dmabuf) {
            throw std::runtime_error("DMABUF output is not possible: " + choice.refusal);
        } else {
            impl->fallbackReason_ = choice.refusal + "; writing with write() instead";
        }
    }
    if (impl->path_.empty()) {
        impl->allocateHeap(bytes, config.blockCount);
        impl->path_ = "fileio";
    }
    // write() needs the buffer enabled first (buffer-dma allocates its fileio blocks then);
    // the DMABUF path enables at the first submit.
    if (impl->path_ == "fileio")
        impl->enable();
    impl_ = std::move(impl);
}

void OutputStream::stop()
{
    if (impl_)
        impl_->stop();
    impl_.reset();
}

bool OutputStream::running() const noexcept { return impl_ != nullptr; }

std::optional<OutputStream::Buffer> OutputStream::acquire(int timeoutMs)
{
    if (!impl_)
        throw std::logic_error("the output stream is not running");
    return impl_->acquire(timeoutMs);
}

void OutputStream::submit(const Buffer &buffer, std::size_t bytes, bool cyclic)
{
    if (!impl_)
        throw std::logic_error("the output stream is not running");
    if (cyclic)
        impl_->submitCyclic(buffer, bytes);
    else
        impl_->submit(buffer, bytes);
}

void OutputStream::write(const std::uint8_t *frames, std::size_t bytes, bool cyclic, int timeoutMs)
{
    auto buffer = acquire(timeoutMs);
    if (!buffer)
        throw SystemError(ETIMEDOUT, "wait for a free output buffer");
    if (bytes > buffer->capacity)
        throw std::invalid_argument("the data (" + std::to_string(bytes) +
                                    " bytes) is larger than an output block (" +
                                    std::to_string(buffer->capacity) + " bytes)");
    std::memcpy(buffer->data, frames, bytes);
    submit(*buffer, bytes, cyclic);
}

std::shared_ptr<const ScanLayout> OutputStream::layout() const
{
    return impl_ ? impl_->dev_.layout : nullptr;
}

const std::string &OutputStream::path() const noexcept
{
    static const std::string none;
    return impl_ ? impl_->path_ : none;
}

const std::string &OutputStream::fallbackReason() const noexcept
{
    static const std::string none;
    return impl_ ? impl_->fallbackReason_ : none;
}

std::uint64_t OutputStream::failedTransfers() const noexcept
{
    return impl_ ? impl_->failed_ : 0;
}

} // namespace dmascope

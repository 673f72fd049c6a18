#include "dmascope/dmabuf_stream.h"

#include "dmascope/dmabuf.h"
#include "dmascope/system_error.h"
#include "local_input.h"

#include <cerrno>
#include <poll.h>
#include <stdexcept>

namespace dmascope {

namespace {

// The DMABUFs of one run. Owned by the block pool, so mappings outlive the stream while
// consumers hold blocks.
struct DmabufSet
{
    std::vector<MappedDmabuf> buffers;
    // Buffer i is between SYNC START and END. Written by the stream thread; read here after
    // the last block was released (the pool's reference counts order the two).
    std::vector<char> inCpuAccess;

    ~DmabufSet()
    {
        for (std::size_t i = 0; i < buffers.size(); ++i)
            if (inCpuAccess[i])
                buffers[i].endCpuAccess(CpuAccess::Read);
    }
};

class DmabufSource final : public StreamSource
{
public:
    DmabufSource(detail::LocalInput input, std::unique_ptr<IioBufferHandle> handle,
                 std::unique_ptr<DmabufAllocator> allocator)
        : input_(std::move(input)), handle_(std::move(handle)), allocator_(std::move(allocator))
    {
    }

    ~DmabufSource() override { stop(); }

    Buffers allocate(std::size_t bytes, unsigned count) override
    {
        set_ = std::make_shared<DmabufSet>();
        Buffers out;
        try {
            for (unsigned i = 0; i < count; ++i) {
                MappedDmabuf buf(allocator_->allocate(bytes), pageAlign(bytes));
                handle_->attach(buf.fd());
                attached_.push_back(buf.fd());
                out.buffers.push_back({buf.data(), bytes});
                set_->buffers.push_back(std::move(buf));
                set_->inCpuAccess.push_back(0);
            }
        } catch (...) {
            detachAll();
            throw;
        }
        bytes_ = bytes;
        frames_ = input_.layout->frameCount(bytes);
        inflight_.resize(count);
        out.owner = set_;
        return out;
    }

    void start() override
    {
        input_.device.setBufferEnabled(input_.buffer, true);
        enabled_ = true;
    }

    int queue(unsigned index) noexcept override
    {
        MappedDmabuf &buf = set_->buffers[index];
        if (set_->inCpuAccess[index]) {
            buf.endCpuAccess(CpuAccess::Read);
            set_->inCpuAccess[index] = 0;
        }
        if (const int err = handle_->enqueue(buf.fd(), bytes_))
            return err;
        // The fence of this transfer: the only place its error (e.g. -EINTR) shows.
        int err = 0;
        TransferFence fence = TransferFence::exportFrom(buf.fd(), CpuAccess::Read, &err);
        if (!fence.valid())
            return err;
        if (inflightCount_ == inflight_.size())
            return EBUSY;
        inflight_[(inflightHead_ + inflightCount_++) % inflight_.size()] = {index, std::move(fence)};
        return 0;
    }

    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override
    {
        for (;;) {
            if (inflightCount_ == 0) {
                const int r = waitFd(wakeFd, POLLIN, timeoutMs, -1);
                return r > 0 ? -ECANCELED : r;
            }
            Inflight &front = inflight_[inflightHead_];
            MappedDmabuf &buf = set_->buffers[front.index];
            int r = waitFd(buf.fd(), POLLIN, timeoutMs, wakeFd);
            if (r <= 0)
                return r;
            int status = front.fence.status();
            if (status == 1) {
                // Readable before the fence says done: wait for the fence itself.
                r = waitFd(front.fence.fd(), POLLIN, timeoutMs, wakeFd);
                if (r <= 0)
                    return r;
                status = front.fence.status();
            }
            const unsigned index = front.index;
            front.fence = TransferFence();
            inflightHead_ = (inflightHead_ + 1) % inflight_.size();
            --inflightCount_;
            if (status != 0) {
                // A failed transfer is never delivered as data: count its samples as lost
                // and give the buffer straight back to the device.
                pendingLost_ += frames_;
                if (const int err = queue(index))
                    return -err;
                continue;
            }
            if (const int err = buf.beginCpuAccess(CpuAccess::Read))
                return -err;
            set_->inCpuAccess[index] = 1;
            *out = {index, bytes_, pendingLost_};
            pendingLost_ = 0;
            return 1;
        }
    }

    void stop() noexcept override
    {
        if (enabled_) {
            try {
                // In-flight transfers end with -EINTR, which releases their fences.
                input_.device.setBufferEnabled(input_.buffer, false);
            } catch (const std::exception &) {
                // The device is gone; closing the buffer fd detaches what is left.
            }
            enabled_ = false;
        }
        for (std::size_t i = 0; i < inflight_.size(); ++i)
            inflight_[i].fence = TransferFence();
        inflightCount_ = 0;
        detachAll();
    }

private:
    struct Inflight
    {
        unsigned index = 0;
        TransferFence fence;
    };

    void detachAll() noexcept
    {
        for (const int fd : attached_)
            handle_->tryDetach(fd);
        attached_.clear();
    }

    detail::LocalInput input_;
    std::unique_ptr<IioBufferHandle> handle_;
    std::unique_ptr<DmabufAllocator> allocator_;
    std::shared_ptr<DmabufSet> set_;
    std::vector<int> attached_; // DMABUF fds attached to the buffer (owned by set_)
    std::size_t bytes_ = 0;
    std::size_t frames_ = 0;
    bool enabled_ = false;
    // Stream thread only: transfers in ENQUEUE order (the device completes them in order).
    std::vector<Inflight> inflight_;
    std::size_t inflightHead_ = 0, inflightCount_ = 0;
    std::uint64_t pendingLost_ = 0;
};

} // namespace

DmabufStream::DmabufStream(std::string device, LocalDeviceOptions options)
    : device_(std::move(device)), options_(std::move(options))
{
}

DmabufStream::~DmabufStream() { stop(); }

Stream::Opened DmabufStream::open(const StreamConfig &config)
{
    detail::LocalInput input = detail::configureLocalInput(
        device_, options_, config, detail::fileioBufferLength(config));
    auto handle = std::make_unique<IioBufferHandle>(input.device.devNode(), input.buffer);
    Opened opened;
    opened.layout = input.layout;
    if (config.path != PathPreference::Fileio) {
        detail::DmabufChoice choice = detail::chooseDmabuf(*handle, options_);
        if (choice.refusal.empty()) {
            opened.source = std::make_unique<DmabufSource>(std::move(input), std::move(handle),
                                                           std::move(choice.allocator));
            opened.path = choice.path;
            opened.fallbackReason = choice.fallbackReason;
            return opened;
        }
        if (config.path == PathPreference::Dmabuf)
            throw std::runtime_error("DMABUF streaming is not possible: " + choice.refusal);
        opened.fallbackReason = choice.refusal + "; streaming with read() instead";
    }
    opened.source = std::make_unique<detail::FileioSource>(std::move(input), std::move(handle));
    opened.path = "fileio";
    return opened;
}

} // namespace dmascope

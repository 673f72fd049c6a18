#include "dmascope/dmabuf_stream.h"

#include "dmabuf_transfers.h"
#include "local_input.h"

#include <cerrno>
#include <poll.h>
#include <stdexcept>

namespace dmascope {

namespace {

class DmabufSource final : public StreamSource
{
public:
    DmabufSource(detail::LocalInput input, std::unique_ptr<IioBufferHandle> handle,
                 std::unique_ptr<DmabufAllocator> allocator, const std::string &lossCounter)
        : input_(std::move(input)), handle_(std::move(handle)), allocator_(std::move(allocator)),
          attached_(*handle_), loss_(input_.device, lossCounter)
    {
    }

    ~DmabufSource() override { stop(); }

    Buffers allocate(std::size_t bytes, unsigned count) override
    {
        set_ = detail::allocateAttached(*allocator_, bytes, count, {&attached_});
        Buffers out;
        for (MappedDmabuf &buf : set_->buffers)
            out.buffers.push_back({buf.data(), bytes});
        bytes_ = bytes;
        frames_ = input_.layout->frameCount(bytes);
        transfers_ = std::make_unique<detail::TransferQueue>(*handle_, CpuAccess::Read, count);
        out.owner = set_;
        return out;
    }

    void start() override
    {
        input_.device.setBufferEnabled(input_.buffer, true);
        loss_.start();
        enabled_ = true;
    }

    int queue(unsigned index) noexcept override
    {
        set_->endRead(index);
        return loss_.enqueue(*transfers_, index, set_->buffers[index].fd(), bytes_);
    }

    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override
    {
        for (;;) {
            if (transfers_->empty()) {
                const int r = waitFd(wakeFd, POLLIN, timeoutMs, -1);
                return r > 0 ? -ECANCELED : r;
            }
            int status = transfers_->headStatus();
            if (status == 1) { // in flight: wait for it (when it is done, no poll is needed)
                const int r = waitFd(transfers_->headFd(), POLLIN, timeoutMs, wakeFd);
                if (r <= 0)
                    return r;
                status = transfers_->headStatus();
            }
            pendingLost_ += transfers_->headLostBefore();
            const unsigned index = transfers_->pop();
            if (status != 0) {
                // A failed transfer is never delivered as data: count its samples as lost
                // and give the buffer straight back to the device.
                pendingLost_ += frames_;
                if (const int err = queue(index))
                    return -err;
                continue;
            }
            if (const int err = set_->beginRead(index))
                return -err;
            *out = {index, bytes_, pendingLost_};
            pendingLost_ = 0;
            return 1;
        }
    }

    // A transfer seen done (in throughput mode, right after its ENQUEUE) needs no wait.
    bool filledReady() noexcept override { return transfers_->headKnownDone(); }

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
        loss_.stop();
        if (transfers_)
            transfers_->clear();
        attached_.detachAll();
    }

    bool removed() const noexcept override { return detail::deviceRemoved(input_.device); }

private:
    detail::LocalInput input_;
    std::unique_ptr<IioBufferHandle> handle_;
    std::unique_ptr<DmabufAllocator> allocator_;
    detail::Attachments attached_;
    detail::DriverLossCounter loss_;
    std::shared_ptr<detail::DmabufSet> set_;
    std::size_t bytes_ = 0;
    std::size_t frames_ = 0;
    bool enabled_ = false;
    // Stream thread only.
    std::unique_ptr<detail::TransferQueue> transfers_;
    std::uint64_t pendingLost_ = 0;
};

} // namespace

DmabufStream::~DmabufStream() { stop(); }

Stream::Opened DmabufStream::open(const StreamConfig &config)
{
    detail::LocalInput input = detail::configureLocalInput(
        device(), options(), config, detail::fileioBufferLength(config));
    auto handle = std::make_unique<IioBufferHandle>(input.device.devNode(), input.buffer);
    Opened opened;
    opened.layout = input.layout;
    if (config.path != PathPreference::Fileio) {
        detail::DmabufChoice choice = detail::chooseDmabuf(*handle, options());
        if (choice.refusal.empty()) {
            opened.source = std::make_unique<DmabufSource>(std::move(input), std::move(handle),
                                                           std::move(choice.allocator),
                                                           options().lossCounter);
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

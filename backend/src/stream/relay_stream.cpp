#include "dmascope/relay_stream.h"

#include "dmascope/system_error.h"
#include "dmabuf_transfers.h"
#include "local_input.h"

#include <cerrno>
#include <poll.h>
#include <stdexcept>

namespace dmascope {

namespace {

// Both ends of the relay. A buffer is in exactly one of: the input's queue, published (with
// consumers and/or the output), back with neither. Stream thread only, except construction.
class RelaySource final : public StreamSource
{
public:
    RelaySource(detail::LocalInput in, std::unique_ptr<IioBufferHandle> inHandle,
                detail::LocalInput out, std::unique_ptr<IioBufferHandle> outHandle,
                std::unique_ptr<DmabufAllocator> allocator, unsigned prefill,
                const std::string &lossCounter, std::shared_ptr<RelayStream::Counters> counters)
        : in_(std::move(in)), out_(std::move(out)), inHandle_(std::move(inHandle)),
          outHandle_(std::move(outHandle)), allocator_(std::move(allocator)),
          inAttached_(*inHandle_), outAttached_(*outHandle_), loss_(in_.device, lossCounter),
          prefill_(prefill), counters_(std::move(counters))
    {
    }

    ~RelaySource() override { stop(); }

    Buffers allocate(std::size_t bytes, unsigned count) override
    {
        // Attached to both buffers before anything is enqueued on either.
        set_ = detail::allocateAttached(*allocator_, bytes, count, {&inAttached_, &outAttached_});
        Buffers result;
        for (MappedDmabuf &buf : set_->buffers)
            result.buffers.push_back({buf.data(), bytes});
        result.owner = set_;
        bytes_ = bytes;
        frames_ = in_.layout->frameCount(bytes);
        inQueue_ = std::make_unique<detail::TransferQueue>(*inHandle_, CpuAccess::Read, count);
        outQueue_ = std::make_unique<detail::TransferQueue>(*outHandle_, CpuAccess::Write, count);
        atOutput_.assign(count, 0);
        released_.assign(count, 0);
        return result;
    }

    void start() override
    {
        in_.device.setBufferEnabled(in_.buffer, true);
        inEnabled_ = true;
        loss_.start();
    }

    // The last reference to block `index` dropped: it goes back to the input once the
    // output is done with it too.
    int queue(unsigned index) noexcept override
    {
        if (atOutput_[index]) {
            released_[index] = 1;
            return 0;
        }
        return requeueInput(index);
    }

    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override
    {
        for (;;) {
            // Output completions first: each one frees a buffer for the input.
            while (!outQueue_->empty() && outQueue_->headStatus() != 1) {
                if (const int err = outputDone())
                    return -err;
            }
            const int status = inQueue_->empty() ? 1 : inQueue_->headStatus();
            if (status != 1) {
                pendingLost_ += inQueue_->headLostBefore();
                const unsigned index = inQueue_->pop();
                if (status != 0) {
                    // A failed input transfer holds no data: not relayed, not delivered.
                    pendingLost_ += frames_;
                    if (const int err = requeueInput(index))
                        return -err;
                    continue;
                }
                if (const int err = forward(index))
                    return -err;
                if (const int err = set_->beginRead(index))
                    return -err;
                *out = {index, bytes_, pendingLost_};
                pendingLost_ = 0;
                return 1;
            }
            pollfd fds[3] = {{wakeFd, POLLIN, 0}, {inQueue_->headFd(), POLLIN, 0},
                             {outQueue_->headFd(), POLLIN, 0}};
            const int n = ::poll(fds, 3, timeoutMs); // fd -1 entries are ignored
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -errno;
            if (n == 0)
                return 0;
            if (fds[0].revents & POLLIN)
                return -ECANCELED;
        }
    }

    void stop() noexcept override
    {
        // Disabling ends the transfers in flight with -EINTR, which releases their fences.
        loss_.stop();
        disable(in_, inEnabled_);
        disable(out_, outEnabled_);
        if (inQueue_)
            inQueue_->clear();
        if (outQueue_)
            outQueue_->clear();
        inAttached_.detachAll();
        outAttached_.detachAll();
    }

    bool removed() const noexcept override
    {
        return detail::deviceRemoved(in_.device) || detail::deviceRemoved(out_.device);
    }

private:
    static void disable(detail::LocalInput &dev, bool &enabled) noexcept
    {
        if (!enabled)
            return;
        try {
            dev.device.setBufferEnabled(dev.buffer, false);
        } catch (const std::exception &) {
            // The device is gone; closing the buffer fd detaches what is left.
        }
        enabled = false;
    }

    int requeueInput(unsigned index) noexcept
    {
        set_->endRead(index);
        return loss_.enqueue(*inQueue_, index, set_->buffers[index].fd(), bytes_);
    }

    // The input filled block `index`: the same DMABUF goes to the output, no copy.
    int forward(unsigned index) noexcept
    {
        const bool dry = outEnabled_ && outQueue_->idle();
        if (const int err = outQueue_->enqueue(index, set_->buffers[index].fd(), bytes_))
            return err;
        atOutput_[index] = 1;
        released_[index] = 0;
        if (dry)
            counters_->underruns.fetch_add(1, std::memory_order_relaxed);
        if (!outEnabled_ && ++prefilled_ >= prefill_) {
            try {
                out_.device.setBufferEnabled(out_.buffer, true);
            } catch (const SystemError &e) {
                return e.code();
            } catch (const std::exception &) {
                return EIO;
            }
            outEnabled_ = true;
        }
        return 0;
    }

    int outputDone() noexcept
    {
        const int status = outQueue_->headStatus();
        const unsigned index = outQueue_->pop();
        if (status == 0) {
            counters_->bytes.fetch_add(bytes_, std::memory_order_relaxed);
            counters_->blocks.fetch_add(1, std::memory_order_relaxed);
        } else {
            counters_->failedTransfers.fetch_add(1, std::memory_order_relaxed);
        }
        atOutput_[index] = 0;
        if (!released_[index])
            return 0; // a consumer still holds it: queue() sends it back later
        released_[index] = 0;
        return requeueInput(index);
    }

    detail::LocalInput in_, out_;
    std::unique_ptr<IioBufferHandle> inHandle_, outHandle_;
    std::unique_ptr<DmabufAllocator> allocator_;
    detail::Attachments inAttached_, outAttached_;
    detail::DriverLossCounter loss_;
    const unsigned prefill_;
    const std::shared_ptr<RelayStream::Counters> counters_;
    std::shared_ptr<detail::DmabufSet> set_;
    std::size_t bytes_ = 0, frames_ = 0;
    bool inEnabled_ = false, outEnabled_ = false;
    unsigned prefilled_ = 0; // blocks forwarded before the output was enabled
    std::unique_ptr<detail::TransferQueue> inQueue_, outQueue_;
    std::vector<char> atOutput_; // the output has the buffer queued
    std::vector<char> released_; // ... and its consumers already let it go
    std::uint64_t pendingLost_ = 0;
};

} // namespace

RelayStream::RelayStream(std::string input, std::string output, LocalDeviceOptions options,
                         RelayOutputConfig outputConfig)
    : LocalStream(std::move(input), std::move(options)), output_(std::move(output)),
      outputConfig_(std::move(outputConfig)), counters_(std::make_shared<Counters>())
{
}

RelayStream::~RelayStream() { stop(); }

RelayStats RelayStream::relayStats() const noexcept
{
    RelayStats s;
    s.blocks = counters_->blocks.load(std::memory_order_relaxed);
    s.bytes = counters_->bytes.load(std::memory_order_relaxed);
    s.underruns = counters_->underruns.load(std::memory_order_relaxed);
    s.failedTransfers = counters_->failedTransfers.load(std::memory_order_relaxed);
    return s;
}

Stream::Opened RelayStream::open(const StreamConfig &config)
{
    if (config.path == PathPreference::Fileio)
        throw std::invalid_argument("the relay is zero-copy and needs DMABUF: it has no read() "
                                    "path");
    if (outputConfig_.prefill == 0 || outputConfig_.prefill >= config.blockCount)
        throw std::invalid_argument("the relay's prefill (" +
                                    std::to_string(outputConfig_.prefill) +
                                    " blocks) must be at least 1 and less than its " +
                                    std::to_string(config.blockCount) + " blocks");
    detail::LocalInput in = detail::configureLocalInput(device(), options(), config,
                                                        detail::fileioBufferLength(config));
    detail::LocalInput out = detail::configureLocalBuffer(
        output_, options(), detail::ScanDirection::Output, outputConfig_.channels,
        config.samplesPerBlock, detail::fileioBufferLength(config));
    if (in.layout->frameBytes != out.layout->frameBytes)
        throw std::invalid_argument(
            "the relay hands " + in.device.id() + "'s frames to " + out.device.id() +
            " unchanged, so they must be the same size: " +
            std::to_string(in.layout->frameBytes) + " bytes in, " +
            std::to_string(out.layout->frameBytes) + " bytes out (choose the channels to match)");
    auto inHandle = std::make_unique<IioBufferHandle>(in.device.devNode(), in.buffer);
    auto outHandle = std::make_unique<IioBufferHandle>(out.device.devNode(), out.buffer);
    detail::DmabufChoice choice = detail::chooseDmabuf(*inHandle, options());
    if (!choice.refusal.empty())
        throw std::runtime_error("the zero-copy relay is not possible: " + choice.refusal);
    for (auto *counter : {&counters_->blocks, &counters_->bytes, &counters_->underruns,
                          &counters_->failedTransfers})
        counter->store(0, std::memory_order_relaxed);
    Opened opened;
    opened.layout = in.layout;
    opened.path = choice.path;
    opened.fallbackReason = choice.fallbackReason;
    opened.source = std::make_unique<RelaySource>(
        std::move(in), std::move(inHandle), std::move(out), std::move(outHandle),
        std::move(choice.allocator), outputConfig_.prefill, options().lossCounter, counters_);
    return opened;
}

} // namespace dmascope

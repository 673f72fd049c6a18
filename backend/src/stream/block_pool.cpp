#include "dmascope/block_pool.h"

#include "dmascope/system_error.h"

#include <cerrno>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace dmascope {

void BlockRef::reset() noexcept
{
    detail::BlockSlot *slot = std::exchange(slot_, nullptr);
    // acq_rel: every holder's reads of the block happen before the buffer is reused.
    if (slot && slot->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
        slot->pool->release(slot);
}

std::shared_ptr<BlockPool> BlockPool::create(std::vector<Buffer> buffers,
                                             std::shared_ptr<void> memoryOwner,
                                             std::shared_ptr<const ScanLayout> layout)
{
    return std::make_shared<BlockPool>(Token{}, std::move(buffers), std::move(memoryOwner),
                                       std::move(layout));
}

BlockPool::BlockPool(Token, std::vector<Buffer> buffers, std::shared_ptr<void> memoryOwner,
                     std::shared_ptr<const ScanLayout> layout)
    : buffers_(std::move(buffers)), memoryOwner_(std::move(memoryOwner)),
      layout_(std::move(layout)), slots_(new detail::BlockSlot[buffers_.size()]),
      returned_((buffers_.size() + 63) / 64),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (!wake_)
        throwSystemError("create the eventfd of a block pool");
    for (unsigned i = 0; i < buffers_.size(); ++i) {
        slots_[i].pool = this;
        slots_[i].index = i;
        slots_[i].block.layout = layout_;
    }
}

BlockRef BlockPool::publish(unsigned index, std::size_t bytes, std::uint64_t sequence,
                            std::uint64_t firstSample, std::int64_t timestampNs,
                            bool discontinuity, const std::uint8_t *data)
{
    detail::BlockSlot &slot = slots_[index];
    Block &b = slot.block;
    b.data = data ? data : buffers_[index].data;
    b.bytes = bytes;
    b.sequence = sequence;
    b.firstSample = firstSample;
    b.timestampNs = timestampNs;
    b.discontinuity = discontinuity;
    slot.keepAlive = shared_from_this();
    outstanding_.fetch_add(1, std::memory_order_relaxed);
    // Relaxed is enough: consumers get the BlockRef through a subscription's mutex, which
    // orders these writes before their reads.
    slot.refs.store(1, std::memory_order_relaxed);
    return BlockRef(&slot);
}

void BlockPool::release(detail::BlockSlot *slot) noexcept
{
    // Take the keep-alive first: once the returned bit is set the stream thread may republish
    // the slot, and this thread must not touch it again. `keep` holds the pool until we are done.
    std::shared_ptr<BlockPool> keep = std::move(slot->keepAlive);
    const unsigned index = slot->index;
    outstanding_.fetch_sub(1, std::memory_order_relaxed);
    returned_[index / 64].fetch_or(std::uint64_t{1} << (index % 64), std::memory_order_seq_cst);
    if (waiting_.load(std::memory_order_seq_cst))
        wake();
}

bool BlockPool::prepareToWait() noexcept
{
    waiting_.store(true, std::memory_order_seq_cst);
    for (const auto &word : returned_) {
        if (word.load(std::memory_order_seq_cst) != 0) {
            waiting_.store(false, std::memory_order_relaxed);
            return false;
        }
    }
    return true;
}

void BlockPool::wake() noexcept
{
    const std::uint64_t one = 1;
    // Only fails when the counter would overflow, and then the fd is readable anyway.
    [[maybe_unused]] const ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

void BlockPool::clearWake() noexcept
{
    std::uint64_t value;
    [[maybe_unused]] const ssize_t n = ::read(wake_.get(), &value, sizeof value);
}

} // namespace dmascope

// The fixed set of buffers one stream run cycles through. The stream thread publishes a filled
// buffer as a Block; when the block's last BlockRef drops, the buffer is marked returned (a
// lock-free bit set) and the stream thread is woken through an eventfd to re-queue it. Nothing on
// that path allocates or takes a lock, so it is cheap on any consumer thread.
//
// The pool is shared-owned: the stream holds it while running and every outstanding block holds
// it too, so the buffer memory (owned through `memoryOwner`) outlives the last reference even
// when the stream has stopped or been destroyed.
#pragma once

#include "dmascope/block.h"
#include "dmascope/unique_fd.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace dmascope {

class BlockPool : public std::enable_shared_from_this<BlockPool>
{
    struct Token
    {
    };

public:
    struct Buffer
    {
        std::uint8_t *data = nullptr;
        std::size_t capacity = 0;
    };

    // `buffers` point into memory owned by `memoryOwner` (mapped DMABUFs, aligned heap blocks),
    // which is released only with the pool. Throws SystemError if the eventfd cannot be made.
    static std::shared_ptr<BlockPool> create(std::vector<Buffer> buffers,
                                             std::shared_ptr<void> memoryOwner,
                                             std::shared_ptr<const ScanLayout> layout);
    BlockPool(Token, std::vector<Buffer> buffers, std::shared_ptr<void> memoryOwner,
              std::shared_ptr<const ScanLayout> layout);
    BlockPool(const BlockPool &) = delete;
    BlockPool &operator=(const BlockPool &) = delete;

    unsigned size() const noexcept { return static_cast<unsigned>(buffers_.size()); }
    const Buffer &buffer(unsigned index) const noexcept { return buffers_[index]; }
    const std::shared_ptr<const ScanLayout> &layout() const noexcept { return layout_; }

    // Stream thread: hands buffer `index` (not currently published) to consumers as a block
    // holding one reference, which the caller passes on or drops. `data`, when given, is where
    // the block's bytes are instead of the buffer (memory kept alive by the pool's owner).
    BlockRef publish(unsigned index, std::size_t bytes, std::uint64_t sequence,
                     std::uint64_t firstSample, std::int64_t timestampNs, bool discontinuity,
                     const std::uint8_t *data = nullptr);

    // Stream thread: calls `fn(index)` for every buffer returned since the last call.
    template <typename Fn> void takeReturned(Fn &&fn)
    {
        for (std::size_t w = 0; w < returned_.size(); ++w) {
            std::uint64_t bits = returned_[w].exchange(0, std::memory_order_acquire);
            while (bits) {
                const unsigned bit = static_cast<unsigned>(__builtin_ctzll(bits));
                bits &= bits - 1;
                fn(static_cast<unsigned>(w * 64 + bit));
            }
        }
    }

    // Readable (an eventfd) after wake() was called, or after a buffer was returned while the
    // stream thread was waiting (between prepareToWait() and doneWaiting()). The stream thread
    // polls it beside the device and drains it with clearWake(). A release while the stream
    // thread is busy costs no system call: it calls takeReturned() before it waits again.
    int wakeFd() const noexcept { return wake_.get(); }
    void wake() noexcept;
    void clearWake() noexcept;
    // Stream thread, before it waits: false when a buffer came back already (take it first).
    bool prepareToWait() noexcept;
    void doneWaiting() noexcept { waiting_.store(false, std::memory_order_relaxed); }

    // Buffers published and not yet returned (held by consumers or subscriptions).
    unsigned outstanding() const noexcept
    {
        return outstanding_.load(std::memory_order_relaxed);
    }

private:
    friend class BlockRef;
    void release(detail::BlockSlot *slot) noexcept;

    std::vector<Buffer> buffers_;
    std::shared_ptr<void> memoryOwner_;
    std::shared_ptr<const ScanLayout> layout_;
    std::unique_ptr<detail::BlockSlot[]> slots_; // one per buffer; see BlockSlot for ownership
    std::vector<std::atomic<std::uint64_t>> returned_; // bit i: buffer i came back (lock-free)
    std::atomic<unsigned> outstanding_{0};
    // The stream thread is (about to be) waiting. It stores it and then reads returned_; a
    // release sets returned_ and then reads it, both seq_cst: one of the two sees the other.
    std::atomic<bool> waiting_{false};
    UniqueFd wake_;
};

} // namespace dmascope

// A Block is a read-only view of one filled buffer of a stream; a BlockRef is the copyable,
// reference-counted handle consumers hold. The buffer goes back to its stream (to be re-queued
// to the device) when the last BlockRef to it is dropped, on whichever thread that happens.
#pragma once

#include "dmascope/scan_layout.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace dmascope {

class BlockPool;

struct Block
{
    const std::uint8_t *data = nullptr;
    std::size_t bytes = 0;
    std::shared_ptr<const ScanLayout> layout; // the same for every block of one stream run
    std::uint64_t sequence = 0;    // 0, 1, 2, ... per stream run, counting every published block
    std::uint64_t firstSample = 0; // index of the block's first frame since the stream started
    std::int64_t timestampNs = 0;  // CLOCK_MONOTONIC when the stream published it
    bool discontinuity = false;    // samples were lost at the source just before this block

    std::size_t frames() const noexcept { return layout ? layout->frameCount(bytes) : 0; }
};

namespace detail {
// One buffer of a pool with its block metadata and reference count. `block` and `keepAlive` are
// written by the stream thread while refs == 0 and only read while refs > 0: the atomic count
// orders the two (see BlockRef and BlockPool::publish).
struct BlockSlot
{
    Block block;
    std::atomic<std::uint32_t> refs{0};
    BlockPool *pool = nullptr;
    unsigned index = 0;
    // Keeps the pool (and with it the buffer memory) alive while this block is referenced, even
    // after the stream stopped; moved out by whoever drops the last reference.
    std::shared_ptr<BlockPool> keepAlive;
};
} // namespace detail

class BlockRef
{
public:
    BlockRef() noexcept = default;
    BlockRef(const BlockRef &other) noexcept : slot_(other.slot_) { retain(); }
    BlockRef(BlockRef &&other) noexcept : slot_(other.slot_) { other.slot_ = nullptr; }
    BlockRef &operator=(const BlockRef &other) noexcept
    {
        if (slot_ != other.slot_) {
            BlockRef copy(other);
            swap(copy);
        }
        return *this;
    }
    BlockRef &operator=(BlockRef &&other) noexcept
    {
        if (this != &other) {
            reset();
            slot_ = other.slot_;
            other.slot_ = nullptr;
        }
        return *this;
    }
    ~BlockRef() { reset(); }

    void swap(BlockRef &other) noexcept { std::swap(slot_, other.slot_); }
    // Drops this reference; the buffer is recycled if it was the last one.
    void reset() noexcept;

    explicit operator bool() const noexcept { return slot_ != nullptr; }
    const Block &operator*() const noexcept { return slot_->block; }
    const Block *operator->() const noexcept { return &slot_->block; }
    const Block *get() const noexcept { return slot_ ? &slot_->block : nullptr; }
    // How many BlockRefs share this block (for tests and diagnostics; racy by nature).
    std::uint32_t useCount() const noexcept
    {
        return slot_ ? slot_->refs.load(std::memory_order_relaxed) : 0;
    }

private:
    friend class BlockPool;
    // Adopts the reference the pool already counted.
    explicit BlockRef(detail::BlockSlot *slot) noexcept : slot_(slot) {}
    void retain() noexcept
    {
        // A new reference is always made from an existing one, which keeps the block alive:
        // no ordering is needed, as in std::shared_ptr.
        if (slot_)
            slot_->refs.fetch_add(1, std::memory_order_relaxed);
    }

    detail::BlockSlot *slot_ = nullptr;
};

} // namespace dmascope

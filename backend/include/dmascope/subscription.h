// How a consumer receives a stream's blocks. Consumers pull; the stream thread pushes and never
// waits for a consumer:
//  - Lossy (display, FFT): keep-newest, depth 1. A new block replaces an unread one, whose
//    reference is released at once so its buffer goes back to the device.
//  - Lossless (recorder): an in-order FIFO of bounded depth. When it is full the block is dropped
//    for this consumer only, overruns() counts it and the next delivered block says so
//    (discontinuity, droppedBefore): loss is never silent.
// A subscription may outlive its stream: once the stream ends, the queued blocks can still be
// popped, then pop() returns nothing and ended() is true.
#pragma once

#include "dmascope/block.h"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dmascope {

enum class SubscriptionKind { Lossy, Lossless };

struct Delivery
{
    BlockRef block;
    // Samples are missing between the previous delivery and this block: blocks were dropped or
    // skipped for this consumer, or the source lost samples (block->discontinuity).
    bool discontinuity = false;
    std::uint64_t droppedBefore = 0; // blocks this consumer did not get right before this one
};

class Subscription
{
public:
    // `depth` is forced to 1 for Lossy. `onReady`, if given, runs on the stream thread after a
    // block was queued, with no lock held: keep it short (post an event, notify a loop).
    Subscription(SubscriptionKind kind, std::size_t depth, std::function<void()> onReady = {});
    Subscription(const Subscription &) = delete;
    Subscription &operator=(const Subscription &) = delete;

    SubscriptionKind kind() const noexcept { return kind_; }
    std::size_t depth() const noexcept { return ring_.size(); }

    // The next block, waiting up to timeoutMs (-1: until a block comes or the stream ends).
    // std::nullopt on timeout or at the end of the stream (check ended()).
    std::optional<Delivery> pop(int timeoutMs);
    std::optional<Delivery> tryPop();

    // The stream has ended (or unsubscribe() was called) and nothing is left to pop.
    bool ended() const;
    // Why the stream ended: empty after a normal stop, otherwise its error.
    std::string endReason() const;
    // Blocks dropped because this lossless consumer's queue was full.
    std::uint64_t overruns() const;
    // Blocks a lossy consumer never saw because a newer one replaced them.
    std::uint64_t skipped() const;
    // Blocks waiting to be popped.
    std::size_t queued() const;

    // Stops deliveries now and releases the queued blocks. Safe at any time, from any thread.
    void unsubscribe();

    // --- Producer side, called by the stream thread ---
    enum class Offer { Queued, Replaced, Dropped, Closed };
    // When the consumer hears of a queued block. Later batches wake-ups (each one a system call
    // and a context switch) while the stream thread has more blocks to publish: the consumer
    // is woken by wakeDeferred(), which the stream thread calls before it waits, or at once
    // when a lossless queue is half full (so that batching never causes an overrun).
    enum class Wake { Now, Later };
    // Queues `block`; never blocks. Dropped means a lossless overrun (already counted here).
    Offer offer(const BlockRef &block, Wake wake = Wake::Now);
    // Wakes the consumer if an offer deferred it.
    void wakeDeferred();
    // The stream ended; `reason` is empty for a normal stop. Queued blocks stay poppable.
    void finish(const std::string &reason);
    bool closed() const;

private:
    struct Entry
    {
        BlockRef block;
        std::uint64_t droppedBefore = 0;
    };
    std::optional<Delivery> takeLocked(std::unique_lock<std::mutex> &lock);
    void wake();

    const SubscriptionKind kind_;
    const std::function<void()> onReady_;

    mutable std::mutex mutex_;
    std::condition_variable ready_;     // signalled on a new block and on the end
    std::vector<Entry> ring_;           // guarded by mutex_; fixed size = depth
    std::size_t head_ = 0;              // guarded by mutex_; next to pop
    std::size_t count_ = 0;             // guarded by mutex_
    std::uint64_t pendingDrops_ = 0;    // guarded by mutex_; drops since the last queued block
    std::uint64_t overruns_ = 0;        // guarded by mutex_
    std::uint64_t skipped_ = 0;         // guarded by mutex_
    bool closed_ = false;               // guarded by mutex_
    std::string endReason_;             // guarded by mutex_
    bool wakeDeferred_ = false;         // producer side only (the stream thread)
};

} // namespace dmascope

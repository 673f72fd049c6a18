#include "dmascope/subscription.h"

#include <chrono>
#include <utility>

namespace dmascope {

Subscription::Subscription(SubscriptionKind kind, std::size_t depth,
                           std::function<void()> onReady)
    : kind_(kind), onReady_(std::move(onReady)),
      ring_(kind == SubscriptionKind::Lossy ? 1 : (depth == 0 ? 1 : depth))
{
}

Subscription::Offer Subscription::offer(const BlockRef &block, Wake wake)
{
    BlockRef displaced; // released after the lock: dropping the last ref recycles the buffer
    Offer result = Offer::Queued;
    bool halfFull = false;
    {
        std::lock_guard lock(mutex_);
        if (closed_)
            return Offer::Closed;
        if (count_ == ring_.size()) {
            if (kind_ == SubscriptionKind::Lossless) {
                ++overruns_;
                ++pendingDrops_;
                return Offer::Dropped;
            }
            // Keep-newest: the unread block makes room, and counts as skipped.
            Entry &old = ring_[head_];
            displaced = std::move(old.block);
            pendingDrops_ += old.droppedBefore + 1;
            ++skipped_;
            head_ = (head_ + 1) % ring_.size();
            --count_;
            result = Offer::Replaced;
        }
        Entry &e = ring_[(head_ + count_) % ring_.size()];
        e.block = block;
        e.droppedBefore = std::exchange(pendingDrops_, 0);
        ++count_;
        halfFull = kind_ == SubscriptionKind::Lossless && 2 * count_ >= ring_.size();
    }
    if (wake == Wake::Later && !halfFull) {
        wakeDeferred_ = true;
        return result;
    }
    wakeDeferred_ = false;
    this->wake();
    return result;
}

void Subscription::wakeDeferred()
{
    if (std::exchange(wakeDeferred_, false))
        wake();
}

void Subscription::wake()
{
    ready_.notify_one();
    if (onReady_)
        onReady_();
}

void Subscription::finish(const std::string &reason)
{
    {
        std::lock_guard lock(mutex_);
        if (closed_)
            return;
        closed_ = true;
        endReason_ = reason;
    }
    ready_.notify_all();
    if (onReady_)
        onReady_();
}

bool Subscription::closed() const
{
    std::lock_guard lock(mutex_);
    return closed_;
}

void Subscription::unsubscribe()
{
    std::vector<BlockRef> released;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        released.reserve(count_);
        for (; count_ > 0; --count_) {
            released.push_back(std::move(ring_[head_].block));
            head_ = (head_ + 1) % ring_.size();
        }
    }
    ready_.notify_all();
    // `released` goes out of scope here, after the lock: the buffers return to the stream.
}

std::optional<Delivery> Subscription::takeLocked(std::unique_lock<std::mutex> &lock)
{
    (void)lock;
    if (count_ == 0)
        return std::nullopt;
    Entry &e = ring_[head_];
    Delivery d;
    d.block = std::move(e.block);
    d.droppedBefore = std::exchange(e.droppedBefore, 0);
    d.discontinuity = d.droppedBefore > 0 || d.block->discontinuity;
    head_ = (head_ + 1) % ring_.size();
    --count_;
    return d;
}

std::optional<Delivery> Subscription::pop(int timeoutMs)
{
    std::unique_lock lock(mutex_);
    auto available = [this] { return count_ > 0 || closed_; };
    if (timeoutMs < 0)
        ready_.wait(lock, available);
    else
        ready_.wait_for(lock, std::chrono::milliseconds(timeoutMs), available);
    return takeLocked(lock);
}

std::optional<Delivery> Subscription::tryPop()
{
    std::unique_lock lock(mutex_);
    return takeLocked(lock);
}

bool Subscription::ended() const
{
    std::lock_guard lock(mutex_);
    return closed_ && count_ == 0;
}

std::string Subscription::endReason() const
{
    std::lock_guard lock(mutex_);
    return endReason_;
}

std::uint64_t Subscription::overruns() const
{
    std::lock_guard lock(mutex_);
    return overruns_;
}

std::uint64_t Subscription::skipped() const
{
    std::lock_guard lock(mutex_);
    return skipped_;
}

std::size_t Subscription::queued() const
{
    std::lock_guard lock(mutex_);
    return count_;
}

} // namespace dmascope

// The one interface every acquisition stream has (sim, fileio, DMABUF, remote, playback), and the
// machinery they share: a stream thread that only waits for the next filled buffer, publishes it
// to the subscriptions and re-queues buffers whose last reference dropped (block contract,
// ARCHITECTURE.md §4). Concrete streams supply a StreamSource, the small interface to the
// "hardware": allocate buffers, queue a free one, wait for a filled one, start and stop.
#pragma once

#include "dmascope/block_pool.h"
#include "dmascope/scan_layout.h"
#include "dmascope/subscription.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dmascope {

enum class PathPreference { Auto, Dmabuf, Fileio };

struct StreamConfig
{
    std::vector<std::string> channels; // channel ids ("voltage0"); empty: every scan channel
    std::size_t samplesPerBlock = 4096;
    unsigned blockCount = 8;
    PathPreference path = PathPreference::Auto;
};

enum class StreamState { Idle, Running, Stopped, Failed };
const char *toString(StreamState state) noexcept;

struct StreamStats
{
    StreamState state = StreamState::Idle;
    std::string error; // why the stream failed (state Failed)

    std::uint64_t bytes = 0;
    std::uint64_t blocks = 0;
    std::uint64_t samples = 0; // frames delivered
    double seconds = 0;        // since start (until the end once stopped)
    double megabytesPerSecond = 0; // 1 MB = 1e6 bytes, averaged over `seconds`
    double samplesPerSecond = 0;

    std::uint64_t consumerOverruns = 0; // blocks dropped for full lossless subscriptions
    std::uint64_t sourceOverruns = 0;   // gaps at the source (no free buffer, failed transfer)
    std::uint64_t lostSamples = 0;      // samples the source lost in those gaps
    std::uint64_t overruns = 0;         // consumerOverruns + sourceOverruns
    std::uint64_t discontinuities = 0;  // blocks published with the discontinuity flag

    // "dmabuf-heap", "dmabuf-udmabuf", "fileio", "remote", "sim" or "playback", and why the
    // preferred path was not taken (empty when it was).
    std::string path;
    std::string fallbackReason;
};

// One filled buffer as the source reports it.
struct FilledBuffer
{
    unsigned index = 0;
    std::size_t bytes = 0;
    std::uint64_t lostSamplesBefore = 0; // samples the hardware could not store before it
    // Where the filled bytes are when they are not in pool buffer `index`: a source that hands
    // out memory it already has (PlaybackStream's slices of a mapped file). Null: the buffer.
    const std::uint8_t *data = nullptr;
    // The block does not continue the previous one although nothing was lost (playback: a
    // seek, the loop wrapping around). Published as Block::discontinuity.
    bool discontinuity = false;
};

class StreamSource
{
public:
    struct Buffers
    {
        std::vector<BlockPool::Buffer> buffers;
        std::shared_ptr<void> owner; // keeps the memory alive; released with the last block
    };

    virtual ~StreamSource() = default;
    // Allocates `count` buffers of `bytes` each. Throws with a message for the user.
    virtual Buffers allocate(std::size_t bytes, unsigned count) = 0;
    // Starts acquisition after the first buffers were queued. Throws.
    virtual void start() = 0;
    // Hands free buffer `index` to the hardware. Returns 0 or an errno (the stream fails).
    virtual int queue(unsigned index) noexcept = 0;
    // Waits for the oldest queued buffer to be filled, or for `wakeFd` to become readable.
    // Returns 1 with *out set, 0 on timeout, -ECANCELED when woken, or -errno (the stream
    // ends with that error). With nothing queued it waits for the wake-up alone.
    virtual int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept = 0;
    // Whether waitFilled() would return a filled buffer without waiting, as far as the source
    // knows without a system call. While it says so, the stream defers waking its consumers
    // (a batch of blocks per wake-up); false (the default) wakes them before every wait.
    virtual bool filledReady() noexcept { return false; }
    // Stops acquisition and gives up the queued buffers: on the stream thread when it ends, or
    // on the caller's thread when start() fails part-way (then possibly before start()).
    virtual void stop() noexcept = 0;
    // Whether the device behind the source is gone (unplugged, driver unloaded). The stream
    // asks after a failure or a wait timeout, so that every error a removal causes (ENQUEUE
    // refused part-way through the driver's teardown, transfers that never complete) ends
    // the stream as ENODEV, not as whatever the half-removed driver answered.
    virtual bool removed() const noexcept { return false; }
};

class Stream
{
public:
    Stream();
    virtual ~Stream();
    Stream(const Stream &) = delete;
    Stream &operator=(const Stream &) = delete;

    // Opens the source and starts the stream thread. Throws std::runtime_error (SystemError,
    // std::invalid_argument for a bad config) with a message for the user; throws
    // std::logic_error when already running.
    void start(const StreamConfig &config);
    // Stops the thread and the source. Blocks held by consumers stay valid; their buffers are
    // freed when the last reference drops. Idempotent.
    void stop();

    StreamState state() const noexcept { return state_.load(std::memory_order_acquire); }
    StreamStats stats() const;
    // Safe from any thread, at any time. A subscription receives the blocks of the current run,
    // or of the next one when the stream is not running (subscribe before start() to miss
    // nothing), and ends with that run. Destroying the stream ends the waiting ones. Lossy
    // subscriptions have depth 1.
    std::shared_ptr<Subscription> subscribe(SubscriptionKind kind, std::size_t depth = 16,
                                            std::function<void()> onReady = {});
    // The layout of the current (or last) run; null before the first start.
    std::shared_ptr<const ScanLayout> layout() const;

protected:
    struct Opened
    {
        std::unique_ptr<StreamSource> source;
        std::shared_ptr<const ScanLayout> layout;
        std::string path;
        std::string fallbackReason;
    };
    // Validates `config`, configures the device and returns its source. Throws.
    virtual Opened open(const StreamConfig &config) = 0;

private:
    void run();
    void publish(const FilledBuffer &filled);
    void wakeSubscribers();
    void end(StreamState state, const std::string &error);
    void finishSubscribers(const std::string &reason);
    std::shared_ptr<const std::vector<std::weak_ptr<Subscription>>> subscribers() const;

    std::thread thread_; // touched by start()/stop()/~Stream() only (the controlling thread)

    // Set by start() before the thread runs and reset by stop() after it joined; in between
    // only the stream thread uses them (and stop() calls pool_->wake(), which is thread-safe).
    std::unique_ptr<StreamSource> source_;
    std::shared_ptr<BlockPool> pool_;
    std::uint64_t nextSequence_ = 0;
    std::uint64_t nextSample_ = 0;
    unsigned unwokenBlocks_ = 0; // published since the subscribers were last woken

    std::atomic<StreamState> state_{StreamState::Idle};
    std::atomic<bool> cancel_{false};
    // Counters: written by the stream thread, reset by start() under infoMutex_, which stats()
    // holds while it reads them (so a snapshot never mixes two runs).
    std::atomic<std::uint64_t> bytes_{0};
    std::atomic<std::uint64_t> blocks_{0};
    std::atomic<std::uint64_t> samples_{0};
    std::atomic<std::uint64_t> consumerOverruns_{0};
    std::atomic<std::uint64_t> sourceOverruns_{0};
    std::atomic<std::uint64_t> lostSamples_{0};
    std::atomic<std::uint64_t> discontinuities_{0};
    std::atomic<std::int64_t> startNs_{0};
    std::atomic<std::int64_t> endNs_{0}; // 0 while running

    mutable std::mutex infoMutex_;
    std::string path_;                          // guarded by infoMutex_
    std::string fallbackReason_;                // guarded by infoMutex_
    std::string error_;                         // guarded by infoMutex_
    std::shared_ptr<const ScanLayout> layout_;  // guarded by infoMutex_

    mutable std::mutex subscribersMutex_;
    // Copy-on-write so the stream thread iterates a snapshot without holding the lock.
    std::shared_ptr<const std::vector<std::weak_ptr<Subscription>>> subscribers_; // guarded by subscribersMutex_
};

// CLOCK_MONOTONIC in nanoseconds.
std::int64_t monotonicNs() noexcept;

} // namespace dmascope

#include "dmascope/stream.h"

#include "dmascope/system_error.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <stdexcept>

namespace dmascope {

namespace {
// How long one wait for the hardware lasts before the loop looks at the cancel flag again.
// Cancellation itself is immediate (the wake eventfd); this only bounds a lost wake-up.
constexpr int kWaitTimeoutMs = 1000;
} // namespace

const char *toString(StreamState state) noexcept
{
    switch (state) {
    case StreamState::Idle:
        return "idle";
    case StreamState::Running:
        return "running";
    case StreamState::Stopped:
        return "stopped";
    case StreamState::Failed:
        return "failed";
    }
    return "?";
}

std::int64_t monotonicNs() noexcept
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Stream::Stream() : subscribers_(std::make_shared<std::vector<std::weak_ptr<Subscription>>>()) {}

Stream::~Stream()
{
    stop();
    // Subscriptions still waiting for a run will not get one.
    finishSubscribers({});
}

void Stream::start(const StreamConfig &config)
{
    if (state() == StreamState::Running)
        throw std::logic_error("the stream is already running; stop it first");
    stop(); // joins a previous run that ended by itself (an error) and frees its source
    if (config.samplesPerBlock == 0)
        throw std::invalid_argument("samples per block must be at least 1");
    if (config.blockCount < 2)
        throw std::invalid_argument("a stream needs at least 2 blocks (one filling, one in use)");

    Opened opened = open(config);
    const std::size_t blockBytes = config.samplesPerBlock * opened.layout->frameBytes;
    if (blockBytes == 0)
        throw std::invalid_argument("no channel is enabled");
    StreamSource::Buffers buffers = opened.source->allocate(blockBytes, config.blockCount);
    for (auto &b : buffers.buffers)
        b.capacity = blockBytes; // the block size, even where the allocation was page-rounded
    auto pool = BlockPool::create(std::move(buffers.buffers), std::move(buffers.owner),
                                  opened.layout);
    try {
        for (unsigned i = 0; i < pool->size(); ++i)
            if (const int err = opened.source->queue(i))
                throw SystemError(err, "queue buffer " + std::to_string(i) + " of " +
                                           std::to_string(pool->size()));
        opened.source->start();
    } catch (...) {
        opened.source->stop();
        throw;
    }

    {
        // The counters restart under the lock stats() reads them with, so no snapshot mixes
        // this run's counters with the last run's.
        std::lock_guard lock(infoMutex_);
        path_ = opened.path;
        fallbackReason_ = opened.fallbackReason;
        error_.clear();
        layout_ = opened.layout;
        for (auto *counter : {&bytes_, &blocks_, &samples_, &consumerOverruns_,
                              &sourceOverruns_, &lostSamples_, &discontinuities_})
            counter->store(0, std::memory_order_relaxed);
    }
    source_ = std::move(opened.source);
    pool_ = std::move(pool);
    nextSequence_ = 0;
    nextSample_ = 0;
    unwokenBlocks_ = 0;
    cancel_.store(false, std::memory_order_relaxed);
    startNs_.store(monotonicNs(), std::memory_order_relaxed);
    endNs_.store(0, std::memory_order_relaxed);
    state_.store(StreamState::Running, std::memory_order_release);
    try {
        thread_ = std::thread([this] { run(); });
    } catch (...) {
        source_->stop();
        source_.reset();
        pool_.reset();
        state_.store(StreamState::Failed, std::memory_order_release);
        throw;
    }
}

void Stream::stop()
{
    cancel_.store(true, std::memory_order_release);
    if (thread_.joinable()) {
        pool_->wake();
        thread_.join();
    }
    // The pool lives on in the blocks consumers still hold; the source is done.
    source_.reset();
    pool_.reset();
}

void Stream::run()
{
    StreamState endState = StreamState::Stopped;
    std::string error;
    // Ends the run with `err`; a removed device ends it with ENODEV whatever the failure was.
    auto fail = [&](int err, const std::string &what) {
        endState = StreamState::Failed;
        const bool removed = err == ENODEV || source_->removed();
        error = what + describeErrno(removed ? ENODEV : err);
        if (removed)
            error += ". The device was removed";
    };
    while (!cancel_.load(std::memory_order_acquire)) {
        int queueError = 0;
        pool_->takeReturned([&](unsigned index) {
            if (queueError == 0)
                queueError = source_->queue(index);
        });
        if (queueError) {
            fail(queueError, "re-queueing a buffer failed: ");
            break;
        }
        if (!pool_->prepareToWait())
            continue; // a buffer came back meanwhile: re-queue it before waiting
        // Consumers are woken before a wait that may block, so batching never delays a block
        // that could be processed while the stream thread waits.
        if (!source_->filledReady())
            wakeSubscribers();
        FilledBuffer filled;
        const int r = source_->waitFilled(kWaitTimeoutMs, pool_->wakeFd(), &filled);
        pool_->doneWaiting();
        if (r == 1) {
            publish(filled);
        } else if (r == -ECANCELED) {
            pool_->clearWake();
        } else if (r < 0) {
            fail(-r, "");
            break;
        } else if (source_->removed()) {
            // A timeout: after a removal some drivers keep taking buffers and never fill them.
            fail(ENODEV, "");
            break;
        }
    }
    source_->stop();
    end(endState, error);
}

void Stream::publish(const FilledBuffer &filled)
{
    const std::size_t frames = pool_->layout()->frameCount(filled.bytes);
    const bool discontinuity = filled.lostSamplesBefore > 0 || filled.discontinuity;
    if (filled.lostSamplesBefore > 0) {
        sourceOverruns_.fetch_add(1, std::memory_order_relaxed);
        lostSamples_.fetch_add(filled.lostSamplesBefore, std::memory_order_relaxed);
    }
    if (discontinuity)
        discontinuities_.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t first = nextSample_ + filled.lostSamplesBefore;
    nextSample_ = first + frames;
    BlockRef block = pool_->publish(filled.index, filled.bytes, nextSequence_++, first,
                                    monotonicNs(), discontinuity, filled.data);
    // bytes before blocks (release), read in the opposite order by stats() (acquire): a
    // snapshot never counts a block whose bytes it has not counted.
    bytes_.fetch_add(filled.bytes, std::memory_order_relaxed);
    blocks_.fetch_add(1, std::memory_order_release);
    samples_.fetch_add(frames, std::memory_order_relaxed);

    const auto subs = subscribers();
    for (const auto &weak : *subs) {
        const std::shared_ptr<Subscription> sub = weak.lock();
        if (sub && sub->offer(block, Subscription::Wake::Later) == Subscription::Offer::Dropped)
            consumerOverruns_.fetch_add(1, std::memory_order_relaxed);
    }
    // A batch is at most a quarter of the pool, so consumers get blocks back to the source
    // early even while the stream thread never has to wait.
    if (++unwokenBlocks_ >= std::max(1u, pool_->size() / 4))
        wakeSubscribers();
    // `block` drops here: with no subscriber holding it the buffer returns at once.
}

void Stream::wakeSubscribers()
{
    if (unwokenBlocks_ == 0)
        return;
    unwokenBlocks_ = 0;
    const auto subs = subscribers(); // held: a range-for would drop the snapshot before the loop
    for (const auto &weak : *subs)
        if (const std::shared_ptr<Subscription> sub = weak.lock())
            sub->wakeDeferred();
}

void Stream::end(StreamState state, const std::string &error)
{
    endNs_.store(monotonicNs(), std::memory_order_relaxed);
    {
        std::lock_guard lock(infoMutex_);
        error_ = error;
    }
    // The subscriptions of this run end with it; new ones wait for the next start.
    finishSubscribers(error);
    state_.store(state, std::memory_order_release);
}

std::shared_ptr<const std::vector<std::weak_ptr<Subscription>>> Stream::subscribers() const
{
    std::lock_guard lock(subscribersMutex_);
    return subscribers_;
}

std::shared_ptr<Subscription> Stream::subscribe(SubscriptionKind kind, std::size_t depth,
                                                std::function<void()> onReady)
{
    auto sub = std::make_shared<Subscription>(kind, depth, std::move(onReady));
    std::lock_guard lock(subscribersMutex_);
    auto next = std::make_shared<std::vector<std::weak_ptr<Subscription>>>();
    next->reserve(subscribers_->size() + 1);
    for (const auto &weak : *subscribers_) {
        const auto existing = weak.lock();
        if (existing && !existing->closed()) // prune the ones consumers dropped
            next->push_back(weak);
    }
    next->push_back(sub);
    subscribers_ = std::move(next);
    return sub;
}

void Stream::finishSubscribers(const std::string &reason)
{
    std::shared_ptr<const std::vector<std::weak_ptr<Subscription>>> subs;
    {
        std::lock_guard lock(subscribersMutex_);
        subs = std::move(subscribers_);
        subscribers_ = std::make_shared<std::vector<std::weak_ptr<Subscription>>>();
    }
    for (const auto &weak : *subs)
        if (const auto sub = weak.lock())
            sub->finish(reason);
}

std::shared_ptr<const ScanLayout> Stream::layout() const
{
    std::lock_guard lock(infoMutex_);
    return layout_;
}

StreamStats Stream::stats() const
{
    StreamStats s;
    std::lock_guard lock(infoMutex_); // start() resets the counters under it
    s.state = state();
    s.blocks = blocks_.load(std::memory_order_acquire);
    s.bytes = bytes_.load(std::memory_order_relaxed);
    s.samples = samples_.load(std::memory_order_relaxed);
    s.consumerOverruns = consumerOverruns_.load(std::memory_order_relaxed);
    s.sourceOverruns = sourceOverruns_.load(std::memory_order_relaxed);
    s.lostSamples = lostSamples_.load(std::memory_order_relaxed);
    s.discontinuities = discontinuities_.load(std::memory_order_relaxed);
    s.overruns = s.consumerOverruns + s.sourceOverruns;
    const std::int64_t start = startNs_.load(std::memory_order_relaxed);
    const std::int64_t end = endNs_.load(std::memory_order_relaxed);
    if (start != 0) {
        s.seconds = static_cast<double>((end ? end : monotonicNs()) - start) * 1e-9;
        if (s.seconds > 0) {
            s.megabytesPerSecond = static_cast<double>(s.bytes) / s.seconds * 1e-6;
            s.samplesPerSecond = static_cast<double>(s.samples) / s.seconds;
        }
    }
    s.path = path_;
    s.fallbackReason = fallbackReason_;
    s.error = error_;
    return s;
}

} // namespace dmascope

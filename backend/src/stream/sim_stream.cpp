#include "dmascope/sim_stream.h"

#include "dmascope/dmabuf.h"
#include "dmascope/iio_buffer_handle.h"
#include "dmascope/system_error.h"
#include "dmascope/unique_fd.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <poll.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

namespace dmascope {

namespace {

// Upper bound of frames generated in one go, so an attribute write never waits long for the
// device lock the generator holds.
constexpr std::size_t kMaxFramesPerStep = 65536;
constexpr std::chrono::milliseconds kIdleTick{10};

// A fixed-capacity FIFO of small values: no allocation after construction.
template <typename T> class Ring
{
public:
    explicit Ring(std::size_t capacity) : items_(capacity) {}
    bool empty() const noexcept { return count_ == 0; }
    bool push(const T &v) noexcept
    {
        if (count_ == items_.size())
            return false;
        items_[(head_ + count_++) % items_.size()] = v;
        return true;
    }
    const T &front() const noexcept { return items_[head_]; }
    T pop() noexcept
    {
        T v = items_[head_];
        head_ = (head_ + 1) % items_.size();
        --count_;
        return v;
    }

private:
    std::vector<T> items_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

// Page-aligned heap buffers, like the pages a DMA heap hands out.
struct AlignedBuffers
{
    std::vector<void *> blocks;
    ~AlignedBuffers()
    {
        for (void *p : blocks)
            std::free(p);
    }
};

class SimSource final : public StreamSource
{
public:
    SimSource(std::shared_ptr<SimDevice> device, std::vector<unsigned> scan, std::size_t frameBytes)
        : device_(std::move(device)), scan_(std::move(scan)), frameBytes_(frameBytes),
          filledFd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
        if (!filledFd_)
            throwSystemError("create the sim device's completion eventfd");
    }

    ~SimSource() override { stop(); }

    Buffers allocate(std::size_t bytes, unsigned count) override
    {
        auto memory = std::make_shared<AlignedBuffers>();
        Buffers out;
        const std::size_t size = pageAlign(bytes);
        for (unsigned i = 0; i < count; ++i) {
            void *p = std::aligned_alloc(4096, size);
            if (!p)
                throw std::bad_alloc();
            memory->blocks.push_back(p);
            std::memset(p, 0, size);
            out.buffers.push_back({static_cast<std::uint8_t *>(p), bytes});
            buffers_.push_back(static_cast<std::uint8_t *>(p));
        }
        bufferBytes_ = bytes;
        framesPerBuffer_ = bytes / frameBytes_;
        queued_ = std::make_unique<Ring<unsigned>>(count);
        filled_ = std::make_unique<Ring<FilledBuffer>>(count);
        out.owner = memory;
        return out;
    }

    void start() override
    {
        device_->beginStreaming(scan_);
        throughput_ = device_->throughputMode();
        samplingFrequency_ = device_->samplingFrequency();
        t0Ns_ = monotonicNs();
        started_ = true;
        engine_ = std::thread([this] { runEngine(); });
    }

    int queue(unsigned index) noexcept override
    {
        {
            std::lock_guard lock(mutex_);
            if (!queued_->push(index))
                return EBUSY; // queued twice: a bug in the caller
        }
        queuedCv_.notify_one();
        return 0;
    }

    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override
    {
        for (;;) {
            {
                std::lock_guard lock(mutex_);
                if (!filled_->empty()) {
                    *out = filled_->pop();
                    return 1;
                }
            }
            // Like a real device's fd: filled buffers, the stream's wake-up, and removal.
            pollfd fds[3] = {{filledFd_.get(), POLLIN, 0},
                             {wakeFd, POLLIN, 0},
                             {device_->removedFd(), POLLIN, 0}};
            const int n = ::poll(fds, 3, timeoutMs);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -errno;
            if (n == 0)
                return 0;
            if (fds[2].revents & POLLIN)
                return -ENODEV;
            if (fds[1].revents & POLLIN)
                return -ECANCELED;
            std::uint64_t count;
            [[maybe_unused]] const ssize_t r = ::read(filledFd_.get(), &count, sizeof count);
        }
    }

    bool filledReady() noexcept override
    {
        std::lock_guard lock(mutex_);
        return !filled_->empty();
    }

    void stop() noexcept override
    {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        queuedCv_.notify_all();
        if (engine_.joinable())
            engine_.join();
        if (started_) {
            device_->endStreaming();
            started_ = false;
        }
    }

private:
    void signalFilled() noexcept
    {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(filledFd_.get(), &one, sizeof one);
    }

    // The simulated DMA controller: let the device catch up with the clock, filling the queued
    // buffers in order; drop what is due while nothing is queued; then sleep until the head
    // buffer would be full (or a buffer is queued, or stop).
    void runEngine()
    {
        std::uint64_t position = 0;    // samples generated or dropped since start
        std::size_t cursor = 0;        // frames already in the head buffer
        std::uint64_t pendingLost = 0; // dropped since the last completed buffer
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            if (throughput_) {
                if (queued_->empty()) {
                    queuedCv_.wait(lock, [this] { return stopping_ || !queued_->empty(); });
                    continue;
                }
                const unsigned index = queued_->front();
                lock.unlock();
                device_->stamp(buffers_[index], framesPerBuffer_ * frameBytes_, frameBytes_);
                lock.lock();
                queued_->pop();
                filled_->push({index, framesPerBuffer_ * frameBytes_, 0});
                signalFilled();
                continue;
            }
            const std::uint64_t due = simmath::samplesDue(t0Ns_, monotonicNs(), samplingFrequency_);
            if (position < due) {
                if (queued_->empty()) {
                    const std::uint64_t n = due - position;
                    lock.unlock();
                    device_->drop(n);
                    lock.lock();
                    position = due;
                    pendingLost += n;
                    continue;
                }
                const unsigned index = queued_->front();
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(
                    {due - position, framesPerBuffer_ - cursor, kMaxFramesPerStep}));
                lock.unlock();
                device_->generate(buffers_[index] + cursor * frameBytes_, n, frameBytes_);
                lock.lock();
                position += n;
                cursor += n;
                if (cursor == framesPerBuffer_) {
                    queued_->pop();
                    filled_->push({index, framesPerBuffer_ * frameBytes_, pendingLost});
                    pendingLost = 0;
                    cursor = 0;
                    signalFilled();
                }
                continue;
            }
            if (queued_->empty()) {
                // Ticks keep dropped_samples current while consumers hold every buffer.
                queuedCv_.wait_for(lock, kIdleTick);
                // Every sample that fell due while nothing was queued is lost: a buffer
                // queued now starts with the sample due now, as on hardware.
                const std::uint64_t now =
                    simmath::samplesDue(t0Ns_, monotonicNs(), samplingFrequency_);
                if (position < now) {
                    lock.unlock();
                    device_->drop(now - position);
                    lock.lock();
                    pendingLost += now - position;
                    position = now;
                }
                continue;
            }
            // Sample k is due at t0 + k / fs: the head buffer is full when sample
            // position + frames left - 1 is due.
            const std::uint64_t last = position + (framesPerBuffer_ - cursor) - 1;
            const std::int64_t wakeNs =
                t0Ns_ + static_cast<std::int64_t>(
                            (static_cast<unsigned __int128>(last) * 1'000'000'000ULL +
                             samplingFrequency_ - 1) /
                            samplingFrequency_);
            queuedCv_.wait_until(lock, std::chrono::steady_clock::time_point(
                                           std::chrono::nanoseconds(wakeNs)));
        }
    }

    const std::shared_ptr<SimDevice> device_;
    const std::vector<unsigned> scan_;
    const std::size_t frameBytes_;
    UniqueFd filledFd_; // readable after the engine completed a buffer

    // Set by allocate()/start() before the engine runs; read-only afterwards.
    std::vector<std::uint8_t *> buffers_;
    std::size_t bufferBytes_ = 0;
    std::size_t framesPerBuffer_ = 0;
    bool throughput_ = false;
    std::uint32_t samplingFrequency_ = 0;
    std::int64_t t0Ns_ = 0;
    bool started_ = false; // touched by start()/stop() only

    std::thread engine_;
    std::mutex mutex_;
    std::condition_variable queuedCv_;         // a buffer was queued, or stop
    std::unique_ptr<Ring<unsigned>> queued_;   // guarded by mutex_; the engine fills the front
    std::unique_ptr<Ring<FilledBuffer>> filled_; // guarded by mutex_
    bool stopping_ = false;                    // guarded by mutex_
};

} // namespace

SimStream::SimStream(std::shared_ptr<SimDevice> device) : device_(std::move(device))
{
    if (!device_)
        throw std::invalid_argument("SimStream needs a device");
}

SimStream::~SimStream() { stop(); }

Stream::Opened SimStream::open(const StreamConfig &config)
{
    std::vector<ChannelLayout> all = SimDevice::scanChannels();
    std::vector<ChannelLayout> selected;
    if (config.channels.empty()) {
        selected = all;
    } else {
        for (const std::string &id : config.channels) {
            auto it = std::find_if(all.begin(), all.end(),
                                   [&](const ChannelLayout &c) { return c.id == id; });
            if (it == all.end())
                throw std::invalid_argument("iio-sim-adc has no scan channel \"" + id +
                                            "\" (it has voltage0 to voltage3)");
            if (std::any_of(selected.begin(), selected.end(),
                            [&](const ChannelLayout &c) { return c.id == id; }))
                throw std::invalid_argument("channel \"" + id + "\" is listed twice");
            selected.push_back(*it);
        }
    }
    auto layout = std::make_shared<const ScanLayout>(ScanLayout::compute(std::move(selected)));
    std::vector<unsigned> scan;
    for (const ChannelLayout &c : layout->channels)
        scan.push_back(c.scanIndex);

    Opened opened;
    opened.source = std::make_unique<SimSource>(device_, std::move(scan), layout->frameBytes);
    opened.layout = std::move(layout);
    opened.path = "sim";
    if (config.path == PathPreference::Dmabuf)
        opened.fallbackReason = "the sim device runs inside dmascope and has no DMABUF path";
    return opened;
}

} // namespace dmascope

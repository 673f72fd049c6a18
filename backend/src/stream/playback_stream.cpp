#include "dmascope/playback_stream.h"

#include "dmascope/system_error.h"
#include "dmascope/unique_fd.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <poll.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

namespace dmascope {

const char *toString(PlaybackState state) noexcept
{
    switch (state) {
    case PlaybackState::Playing:
        return "playing";
    case PlaybackState::Paused:
        return "paused";
    case PlaybackState::Ended:
        return "ended";
    }
    return "?";
}

// What the controls (any thread) and the engine thread share. One mutex guards all of it; the
// engine waits on `changed` for a control change, a queued buffer, stop, or the next due time.
struct PlaybackStream::Controls
{
    std::mutex mutex;
    std::condition_variable changed;
    PlaybackState state = PlaybackState::Playing; // guarded by mutex
    std::uint64_t position = 0;                   // guarded by mutex; next frame to deliver
    bool loop = false;                            // guarded by mutex
    double speed = 1.0;                           // guarded by mutex
    std::uint64_t loops = 0;                      // guarded by mutex
    // guarded by mutex: the next block does not continue the last one (seek, loop)
    bool jumped = false;
    bool preview = false;     // guarded by mutex; deliver one block although paused (a seek)
    std::uint64_t epoch = 0;  // guarded by mutex; bumped when the pacing must restart
};

namespace {

struct PlaybackMemory
{
    std::shared_ptr<const SigmfRecording> recording; // the mapping zero-copy blocks point into
    std::vector<std::vector<std::uint8_t>> buffers;  // converted blocks (floats, subsets)
};

// How one output channel is made from a frame of the file.
struct Source
{
    std::size_t from = 0;  // byte offset in the file's frame
    std::size_t to = 0;    // byte offset in the output frame
    std::size_t bytes = 0; // element bytes (raw copy)
};

class PlaybackSource final : public StreamSource
{
public:
    PlaybackSource(std::shared_ptr<const SigmfRecording> recording,
                   std::shared_ptr<PlaybackStream::Controls> controls,
                   std::shared_ptr<const ScanLayout> layout, std::vector<Source> sources,
                   bool zeroCopy, std::size_t framesPerBlock)
        : recording_(std::move(recording)), controls_(std::move(controls)),
          layout_(std::move(layout)), sources_(std::move(sources)), zeroCopy_(zeroCopy),
          framesPerBlock_(framesPerBlock), filledFd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
        if (!filledFd_)
            throwSystemError("create the playback's completion eventfd");
    }

    ~PlaybackSource() override { stop(); }

    Buffers allocate(std::size_t bytes, unsigned count) override
    {
        auto memory = std::make_shared<PlaybackMemory>();
        memory->recording = recording_;
        Buffers out;
        for (unsigned i = 0; i < count; ++i) {
            std::uint8_t *p = nullptr;
            if (!zeroCopy_) {
                memory->buffers.emplace_back(bytes);
                p = memory->buffers.back().data();
            }
            out.buffers.push_back({p, bytes});
            buffers_.push_back(p);
        }
        out.owner = memory;
        return out;
    }

    void start() override
    {
        engine_ = std::thread([this] { runEngine(); });
    }

    int queue(unsigned index) noexcept override
    {
        {
            std::lock_guard lock(controls_->mutex);
            queued_.push_back(index);
        }
        controls_->changed.notify_all();
        return 0;
    }

    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override
    {
        for (;;) {
            {
                std::lock_guard lock(controls_->mutex);
                if (!filled_.empty()) {
                    *out = filled_.front();
                    filled_.pop_front();
                    return 1;
                }
            }
            pollfd fds[2] = {{filledFd_.get(), POLLIN, 0}, {wakeFd, POLLIN, 0}};
            const int n = ::poll(fds, 2, timeoutMs);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -errno;
            if (n == 0)
                return 0;
            if (fds[1].revents & POLLIN)
                return -ECANCELED;
            std::uint64_t count;
            [[maybe_unused]] const ssize_t r = ::read(filledFd_.get(), &count, sizeof count);
        }
    }

    bool filledReady() noexcept override
    {
        std::lock_guard lock(controls_->mutex);
        return !filled_.empty();
    }

    void stop() noexcept override
    {
        {
            std::lock_guard lock(controls_->mutex);
            stopping_ = true;
        }
        controls_->changed.notify_all();
        if (engine_.joinable())
            engine_.join();
    }

private:
    // The playback's "DMA engine": hands out the next slice of the file when a buffer is queued
    // and its last frame is due (sample_rate x speed after the pacing origin).
    void runEngine()
    {
        PlaybackStream::Controls &c = *controls_;
        const SigmfRecording &rec = *recording_;
        const std::uint64_t total = rec.frameCount();
        // Without a sample rate there is nothing to pace by: such a recording plays unpaced.
        const double rate = rec.meta().sampleRate;
        std::uint64_t epoch = ~std::uint64_t{0};
        std::int64_t originNs = 0;
        std::uint64_t sentSinceOrigin = 0;
        bool haveLast = false;         // a block was delivered in this run
        std::uint64_t lastEnd = 0;     // the frame after the last delivered block

        std::unique_lock lock(c.mutex);
        while (!stopping_) {
            if (c.state == PlaybackState::Ended || queued_.empty() ||
                (c.state == PlaybackState::Paused && !c.preview)) {
                c.changed.wait(lock);
                continue;
            }
            if (c.position >= total) {
                if (c.loop && total > 0) {
                    c.position = 0;
                    ++c.loops;
                    c.jumped = true;
                } else {
                    c.position = total;
                    c.state = PlaybackState::Ended;
                    continue;
                }
            }
            if (c.epoch != epoch) {
                epoch = c.epoch;
                originNs = monotonicNs();
                sentSinceOrigin = 0;
            }
            const std::uint64_t start = c.position;
            const std::size_t capture = rec.captureAt(start);
            const auto &caps = rec.meta().captures;
            const std::uint64_t captureEnd =
                capture + 1 < caps.size() ? std::min(caps[capture + 1].sampleStart, total) : total;
            const std::uint64_t frames =
                std::min<std::uint64_t>(framesPerBlock_, captureEnd - start);
            const bool preview = c.state == PlaybackState::Paused;
            if (!preview && c.speed != PlaybackStream::kUnpaced && rate > 0) {
                // Paced: the block is due when its last frame is. A very slow recording's due
                // time is capped (at a year) so that it stays a time point; a control change
                // wakes the wait anyway.
                const double dueSeconds = std::min(
                    static_cast<double>(sentSinceOrigin + frames) / (rate * c.speed), 3.2e7);
                const std::int64_t dueNs = originNs + static_cast<std::int64_t>(dueSeconds * 1e9);
                if (monotonicNs() < dueNs) {
                    c.changed.wait_until(lock, std::chrono::steady_clock::time_point(
                                                   std::chrono::nanoseconds(dueNs)));
                    continue; // anything may have changed meanwhile
                }
            }
            FilledBuffer filled;
            filled.index = queued_.front();
            queued_.pop_front();
            filled.bytes = static_cast<std::size_t>(frames) * layout_->frameBytes;
            filled.discontinuity = c.jumped || (haveLast && start != lastEnd);
            // A capture boundary reached by playing on: the gap the recording noted is
            // published as samples the source lost, as the device reported them.
            if (!filled.discontinuity && haveLast && capture > 0 &&
                caps[capture].sampleStart == start && caps[capture].globalIndex &&
                caps[capture - 1].globalIndex) {
                const std::uint64_t expected =
                    *caps[capture - 1].globalIndex + (start - caps[capture - 1].sampleStart);
                filled.lostSamplesBefore =
                    *caps[capture].globalIndex > expected ? *caps[capture].globalIndex - expected
                                                          : 0;
                filled.discontinuity = true;
            } else if (!filled.discontinuity && haveLast && capture > 0 &&
                       caps[capture].sampleStart == start) {
                filled.discontinuity = true;
            }
            c.jumped = false;
            c.preview = false;
            c.position = start + frames;
            sentSinceOrigin += frames;
            haveLast = true;
            lastEnd = start + frames;
            if (zeroCopy_) {
                filled.data = rec.frame(start);
            } else {
                lock.unlock(); // converting is the engine's work, not under the controls' lock
                convert(start, static_cast<std::size_t>(frames), buffers_[filled.index]);
                lock.lock();
            }
            filled_.push_back(filled);
            signalFilled();
        }
    }

    void convert(std::uint64_t first, std::size_t frames, std::uint8_t *out) const
    {
        const SigmfRecording &rec = *recording_;
        const std::size_t inBytes = rec.frameBytes();
        const std::size_t outBytes = layout_->frameBytes;
        const std::uint8_t *in = rec.frame(first);
        const SigmfDatatype &dt = rec.meta().datatype;
        if (!dt.isFloat) {
            for (std::size_t f = 0; f < frames; ++f)
                for (const Source &s : sources_)
                    std::memcpy(out + f * outBytes + s.to, in + f * inBytes + s.from, s.bytes);
            return;
        }
        // Floats become le:s32/32 values of x / kFloatPlaybackScale, clamped.
        constexpr double kMax = std::numeric_limits<std::int32_t>::max();
        constexpr double kMin = std::numeric_limits<std::int32_t>::min();
        for (std::size_t f = 0; f < frames; ++f) {
            for (const Source &s : sources_) {
                const std::uint8_t *p = in + f * inBytes + s.from;
                double x;
                if (dt.bits == 32) {
                    std::uint32_t bits;
                    std::memcpy(&bits, p, 4);
                    if (dt.bigEndian)
                        bits = __builtin_bswap32(bits);
                    x = std::bit_cast<float>(bits);
                } else {
                    std::uint64_t bits;
                    std::memcpy(&bits, p, 8);
                    if (dt.bigEndian)
                        bits = __builtin_bswap64(bits);
                    x = std::bit_cast<double>(bits);
                }
                double v = std::nearbyint(x / kFloatPlaybackScale);
                v = std::isnan(v) ? 0.0 : std::clamp(v, kMin, kMax);
                const std::int32_t i = static_cast<std::int32_t>(v);
                std::memcpy(out + f * outBytes + s.to, &i, 4); // little-endian host
            }
        }
    }

    void signalFilled() noexcept
    {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(filledFd_.get(), &one, sizeof one);
    }

    const std::shared_ptr<const SigmfRecording> recording_;
    const std::shared_ptr<PlaybackStream::Controls> controls_;
    const std::shared_ptr<const ScanLayout> layout_;
    const std::vector<Source> sources_;
    const bool zeroCopy_;
    const std::size_t framesPerBlock_;
    UniqueFd filledFd_;
    std::vector<std::uint8_t *> buffers_; // set by allocate() before the engine runs

    std::thread engine_;
    std::deque<unsigned> queued_;      // guarded by controls_->mutex
    std::deque<FilledBuffer> filled_;  // guarded by controls_->mutex
    bool stopping_ = false;            // guarded by controls_->mutex
};

} // namespace

PlaybackStream::PlaybackStream(std::shared_ptr<const SigmfRecording> recording)
    : recording_(std::move(recording)), controls_(std::make_shared<Controls>())
{
    if (!recording_)
        throw std::invalid_argument("PlaybackStream needs a recording");
}

PlaybackStream::PlaybackStream(const std::string &path)
    : PlaybackStream(SigmfRecording::open(path))
{
}

PlaybackStream::~PlaybackStream() { stop(); }

Stream::Opened PlaybackStream::open(const StreamConfig &config)
{
    const SigmfRecording &rec = *recording_;
    if (rec.frameCount() == 0)
        throw std::invalid_argument("the recording " + rec.dataPath() + " holds no samples");
    const ScanLayout &full = *rec.layout();
    std::vector<ChannelLayout> selected;
    if (config.channels.empty()) {
        selected = full.channels;
    } else {
        for (const std::string &id : config.channels) {
            const ChannelLayout *c = full.find(id);
            if (!c) {
                std::string have;
                for (const ChannelLayout &ch : full.channels)
                    have += (have.empty() ? "" : ", ") + ch.id;
                throw std::invalid_argument("the recording has no channel \"" + id +
                                            "\" (it has " + have + ")");
            }
            if (std::any_of(selected.begin(), selected.end(),
                            [&](const ChannelLayout &s) { return s.id == id; }))
                throw std::invalid_argument("channel \"" + id + "\" is listed twice");
            selected.push_back(*c);
        }
    }
    auto layout = std::make_shared<const ScanLayout>(ScanLayout::compute(std::move(selected)));
    const bool raw = rec.meta().layoutIsRaw();
    const bool zeroCopy = raw && layout->frameBytes == full.frameBytes;
    std::vector<Source> sources;
    for (const ChannelLayout &c : layout->channels) {
        const ChannelLayout *in = full.find(c.id);
        Source s;
        s.to = c.byteOffset;
        s.bytes = c.type.elementBytes();
        // Raw frames: the same offsets as the full layout. Floats: channel k of the synthesised
        // layout is component k of the file's frame.
        s.from = raw ? in->byteOffset
                     : static_cast<std::size_t>(in - full.channels.data()) *
                           rec.meta().datatype.componentBytes();
        sources.push_back(s);
    }

    Opened opened;
    opened.source = std::make_unique<PlaybackSource>(recording_, controls_, layout,
                                                     std::move(sources), zeroCopy,
                                                     config.samplesPerBlock);
    opened.layout = std::move(layout);
    opened.path = "playback";
    if (config.path != PathPreference::Auto)
        opened.fallbackReason = "a recording is played from its file (no DMABUF or read() path)";
    return opened;
}

void PlaybackStream::play()
{
    {
        std::lock_guard lock(controls_->mutex);
        if (controls_->state == PlaybackState::Ended) {
            controls_->position = 0;
            controls_->jumped = true;
        }
        controls_->state = PlaybackState::Playing;
        ++controls_->epoch;
    }
    controls_->changed.notify_all();
}

void PlaybackStream::pause()
{
    {
        std::lock_guard lock(controls_->mutex);
        if (controls_->state == PlaybackState::Playing)
            controls_->state = PlaybackState::Paused;
    }
    controls_->changed.notify_all();
}

void PlaybackStream::seek(std::uint64_t frame)
{
    {
        std::lock_guard lock(controls_->mutex);
        controls_->position = std::min(frame, recording_->frameCount());
        controls_->jumped = true;
        if (controls_->state == PlaybackState::Ended)
            controls_->state = PlaybackState::Playing;
        controls_->preview = controls_->state == PlaybackState::Paused;
        ++controls_->epoch;
    }
    controls_->changed.notify_all();
}

void PlaybackStream::setLoop(bool loop)
{
    {
        std::lock_guard lock(controls_->mutex);
        controls_->loop = loop;
    }
    controls_->changed.notify_all();
}

void PlaybackStream::setSpeed(double speed)
{
    if (speed != kUnpaced && !(speed >= 1e-3 && speed <= 1e3))
        throw std::invalid_argument("playback speed must be between 0.001 and 1000 (or 0 for "
                                    "as fast as possible)");
    {
        std::lock_guard lock(controls_->mutex);
        controls_->speed = speed;
        ++controls_->epoch;
    }
    controls_->changed.notify_all();
}

PlaybackState PlaybackStream::playbackState() const
{
    std::lock_guard lock(controls_->mutex);
    return controls_->state;
}

bool PlaybackStream::loop() const
{
    std::lock_guard lock(controls_->mutex);
    return controls_->loop;
}

double PlaybackStream::speed() const
{
    std::lock_guard lock(controls_->mutex);
    return controls_->speed;
}

std::uint64_t PlaybackStream::position() const
{
    std::lock_guard lock(controls_->mutex);
    return controls_->position;
}

std::uint64_t PlaybackStream::loops() const
{
    std::lock_guard lock(controls_->mutex);
    return controls_->loops;
}

} // namespace dmascope

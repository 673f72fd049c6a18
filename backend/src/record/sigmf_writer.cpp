#include "dmascope/record/sigmf_writer.h"

#include "dmascope/record/recording_files.h"
#include "dmascope/stream.h"
#include "dmascope/syscalls.h"
#include "dmascope/system_error.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <future>
#include <stdexcept>
#include <sys/statvfs.h>
#include <unistd.h>

namespace dmascope {

namespace {

// A discontinuity rewrites the metadata before the block after the gap is written, so a crash
// never leaves an undescribed gap in the data. Each rewrite costs O(annotations), so after
// this many gaps (a disk far slower than the device) it happens at most every
// kMinMetaIntervalNs and a crash may leave the last gaps of that interval undescribed.
constexpr std::uint64_t kEagerDiscontinuities = 1000;
constexpr std::int64_t kMinMetaIntervalNs = 100'000'000;
// When the disk is full, the final metadata may not fit. The recording then gives up this
// much of its tail to make room for it (the data file shrinks; tmpfs and ext4 free at once).
constexpr std::uint64_t kMetaRoomBytes = 64 * 1024;

std::int64_t realtimeNs() noexcept
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// ISO 8601 UTC with microseconds: "2026-11-25T13:17:00.123456Z".
std::string isoDatetime(std::int64_t realNs)
{
    const std::time_t secs = static_cast<std::time_t>(realNs / 1'000'000'000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char text[64];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(text + n, sizeof text - n, ".%06dZ",
                  static_cast<int>((realNs % 1'000'000'000) / 1000));
    return text;
}

// core:datatype and core:num_channels for a frame layout: the SigMF datatype itself when every
// channel is one (ri16_le x 4); the storage words when all channels share one storage width
// and byte order without padding (le:s12/16>>4 is recorded as ri16_le, its exact scan type in
// the iio extension); otherwise bytes (ru8 x frame bytes).
void describeFrames(const ScanLayout &layout, SigmfMeta &meta)
{
    const ScanType &first = layout.channels.front().type;
    bool uniform = true;
    std::size_t elements = 0;
    for (const ChannelLayout &c : layout.channels) {
        uniform = uniform && c.type.storageBits == first.storageBits &&
                  c.type.bigEndian == first.bigEndian && c.type.isSigned == first.isSigned &&
                  (c.type.storageBits == 8 || c.type.storageBits == 16 ||
                   c.type.storageBits == 32);
        elements += c.type.repeat;
    }
    if (uniform && elements * first.storageBytes() == layout.frameBytes) {
        meta.datatype = SigmfDatatype{};
        meta.datatype.isSigned = first.isSigned;
        meta.datatype.bits = first.storageBits;
        meta.datatype.bigEndian = first.storageBits > 8 && first.bigEndian;
        meta.numChannels = static_cast<unsigned>(elements);
        return;
    }
    meta.datatype = SigmfDatatype{};
    meta.datatype.isSigned = false;
    meta.datatype.bits = 8;
    meta.numChannels = static_cast<unsigned>(layout.frameBytes);
}

std::string formatCount(std::uint64_t n) { return std::to_string(n); }

} // namespace

const char *toString(RecordingState state) noexcept
{
    switch (state) {
    case RecordingState::Idle:
        return "idle";
    case RecordingState::Recording:
        return "recording";
    case RecordingState::Finished:
        return "finished";
    case RecordingState::Failed:
        return "failed";
    }
    return "?";
}

// Everything the writer thread owns.
struct SigmfWriter::State
{
    RecordingFiles files;
    std::string metaTempPath;
    std::int64_t startNs = 0;

    SigmfMeta meta;
    bool haveLayout = false;
    std::size_t frameBytes = 0;
    std::uint64_t maxFrames = UINT64_MAX; // from the limits, once the frame size is known
    std::string limitReason;
    // A channel subset: per recorded channel, where its bytes are in the stream's frame and in
    // the recorded one; empty when the stream's frames are written as they are.
    struct Move
    {
        std::size_t from, to, bytes;
    };
    std::vector<Move> gather;
    std::size_t sourceFrameBytes = 0;
    std::vector<std::uint8_t> gatherBuffer;

    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
    std::uint64_t blocks = 0;
    std::uint64_t nextSourceSample = 0; // Block::firstSample expected next
    std::uint64_t overruns = 0;
    std::uint64_t lostSamples = 0;
    std::uint64_t freeDisk = 0;

    // The stream's layout when it was already running at start(): the metadata is written
    // before the first block arrives.
    std::shared_ptr<const ScanLayout> initialLayout;
    std::promise<void> initialMetaWritten; // start() returns once that metadata is on disk
    bool gotBlock = false;

    std::int64_t lastMetaNs = 0;
    bool metaDirty = false;
    std::uint64_t metaFrames = UINT64_MAX; // frames described by the last metadata written
};

SigmfWriter::SigmfWriter(RecordingOptions options) : options_(std::move(options)) {}

SigmfWriter::~SigmfWriter() { stop(); }

void SigmfWriter::start(Stream &stream)
{
    if (thread_.joinable() || state_)
        throw std::logic_error("this recording was already started");
    if (!isValidSampleRate(options_.sampleRate))
        throw std::invalid_argument("the recording needs its sample rate (above 0 and at most "
                                    "1e12 Hz)");
    if (options_.limits.seconds < 0 || !std::isfinite(options_.limits.seconds))
        throw std::invalid_argument("the duration limit must be 0 (none) or positive");
    if (options_.metadataIntervalMs <= 0)
        throw std::invalid_argument("the metadata interval must be positive");

    auto state = std::make_unique<State>();
    const std::string name =
        expandRecordingName(options_.name, options_.device.device, std::time(nullptr));
    state->files = createRecordingFiles(options_.directory, name);
    state->metaTempPath = state->files.metaPath + ".tmp";
    state->startNs = monotonicNs();

    SigmfMeta &meta = state->meta;
    meta.sampleRate = options_.sampleRate;
    meta.recorder = "dmascope " DMASCOPE_VERSION;
    meta.hw = !options_.hw.empty()        ? options_.hw
              : options_.device.uri.empty() ? options_.device.device
                                            : options_.device.device + " via " +
                                                  options_.device.uri;
    meta.description = options_.description;
    meta.author = options_.author;
    meta.iio = options_.device;

    {
        std::lock_guard lock(progressMutex_);
        progress_ = RecordingProgress{};
        progress_.state = RecordingState::Recording;
        progress_.base = state->files.base;
        progress_.dataPath = state->files.dataPath;
        progress_.metaPath = state->files.metaPath;
        stopRequested_ = false;
    }
    subscription_ = stream.subscribe(SubscriptionKind::Lossless, options_.queueDepth);
    // The layout is known now when the stream runs; otherwise with the first block.
    if (stream.state() == StreamState::Running)
        state->initialLayout = stream.layout();
    state_ = std::move(state);
    std::future<void> initialMeta = state_->initialMetaWritten.get_future();
    thread_ = std::thread([this] { run(); });
    initialMeta.wait();
}

void SigmfWriter::stop()
{
    {
        std::lock_guard lock(progressMutex_);
        stopRequested_ = true;
    }
    if (subscription_) {
        // Wakes a pop() that waits for the next block; the queued ones stay poppable.
        subscription_->finish({});
    }
    if (thread_.joinable())
        thread_.join();
}

bool SigmfWriter::wait(int timeoutMs)
{
    std::unique_lock lock(progressMutex_);
    auto done = [this] {
        return progress_.state == RecordingState::Finished ||
               progress_.state == RecordingState::Failed;
    };
    if (timeoutMs < 0) {
        finishedCv_.wait(lock, done);
        return true;
    }
    return finishedCv_.wait_for(lock, std::chrono::milliseconds(timeoutMs), done);
}

RecordingProgress SigmfWriter::progress() const
{
    std::lock_guard lock(progressMutex_);
    return progress_;
}

SigmfMeta SigmfWriter::meta() const
{
    std::lock_guard lock(progressMutex_);
    return meta_;
}

namespace {

// write(2) all of [data, data + len) through the syscall table. Returns 0 or an errno; *done
// is what reached the file.
int writeAll(int fd, const std::uint8_t *data, std::size_t len, std::size_t *done)
{
    *done = 0;
    while (*done < len) {
        const ssize_t n = sys::write(fd, data + *done, len - *done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (n == 0)
            return EIO;
        *done += static_cast<std::size_t>(n);
    }
    return 0;
}

} // namespace

void SigmfWriter::run()
{
    State &st = *state_;
    std::string error;
    std::string stopReason;

    auto publishProgress = [&](RecordingState state) {
        std::lock_guard lock(progressMutex_);
        progress_.state = state;
        progress_.frames = st.frames;
        progress_.bytes = st.bytes;
        progress_.blocks = st.blocks;
        progress_.seconds = static_cast<double>(st.frames) / options_.sampleRate;
        progress_.elapsed = static_cast<double>(monotonicNs() - st.startNs) * 1e-9;
        progress_.megabytesPerSecond =
            progress_.elapsed > 0 ? static_cast<double>(st.bytes) / progress_.elapsed * 1e-6 : 0;
        progress_.overruns = st.overruns;
        progress_.discontinuities = st.meta.captures.empty() ? 0 : st.meta.captures.size() - 1;
        progress_.lostSamples = st.lostSamples;
        progress_.freeDiskBytes = st.freeDisk;
        progress_.stopReason = stopReason;
        progress_.error = error;
    };

    // Writes the metadata to a temporary file and renames it over NAME.sigmf-meta: a reader
    // (or a crash) sees the old or the new one, never a mix. Returns 0 or an errno.
    auto writeMeta = [&]() -> int {
        if (!st.haveLayout)
            return 0;
        st.meta.iio->sampleCount = st.frames;
        const std::string json = st.meta.toJson();
        if (options_.syncData && ::fdatasync(st.files.data.get()) != 0)
            return errno;
        UniqueFd out(
            ::open(st.metaTempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        // No inode for the temporary file (a full inode table) while the reserved metadata
        // file is still empty: there is nothing to protect, so that file is written itself (if
        // that fails part-way, the caller removes it with the data: nothing describes them).
        const bool inPlace =
            !out && (errno == ENOSPC || errno == EDQUOT) && st.metaFrames == UINT64_MAX;
        if (inPlace)
            out = UniqueFd(::open(st.files.metaPath.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
        if (!out)
            return errno;
        auto failed = [&](int err) {
            if (!inPlace)
                ::unlink(st.metaTempPath.c_str());
            return err;
        };
        std::size_t done = 0;
        if (const int err = writeAll(out.get(), reinterpret_cast<const std::uint8_t *>(json.data()),
                                     json.size(), &done))
            return failed(err);
        if (options_.syncData && ::fsync(out.get()) != 0)
            return failed(errno);
        out.reset();
        if (!inPlace && ::rename(st.metaTempPath.c_str(), st.files.metaPath.c_str()) != 0)
            return failed(errno);
        st.lastMetaNs = monotonicNs();
        st.metaDirty = false;
        st.metaFrames = st.frames;
        struct statvfs vfs{};
        if (::fstatvfs(st.files.data.get(), &vfs) == 0)
            st.freeDisk = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
        {
            std::lock_guard lock(progressMutex_);
            meta_ = st.meta;
        }
        return 0;
    };

    // The recorded layout: the stream's, or the chosen subset (then `gather` says where each
    // channel's bytes move). Returns an error message for an unknown channel.
    auto setupLayout = [&](const ScanLayout &streamLayout) -> std::string {
        ScanLayout layout = streamLayout;
        if (!options_.channels.empty()) {
            std::vector<ChannelLayout> selected;
            for (const std::string &id : options_.channels) {
                const ChannelLayout *c = streamLayout.find(id);
                if (!c)
                    return "the stream has no channel \"" + id + "\"";
                selected.push_back(*c);
            }
            try {
                layout = ScanLayout::compute(std::move(selected));
            } catch (const std::invalid_argument &e) {
                return e.what();
            }
            if (layout.frameBytes != streamLayout.frameBytes) {
                for (const ChannelLayout &c : layout.channels)
                    st.gather.push_back({streamLayout.find(c.id)->byteOffset, c.byteOffset,
                                         c.type.elementBytes()});
                st.sourceFrameBytes = streamLayout.frameBytes;
            }
        }
        SigmfIioInfo &iio = *st.meta.iio;
        iio.frameBytes = layout.frameBytes;
        iio.channels.clear();
        for (const ChannelLayout &c : layout.channels)
            iio.channels.push_back({c.id, c.label.empty() ? c.id : c.label, c.type.toString(),
                                    c.scale, c.offset, c.byteOffset, c.scanIndex});
        describeFrames(layout, st.meta);
        st.frameBytes = layout.frameBytes;
        const RecordingLimits &lim = options_.limits;
        auto limitTo = [&](std::uint64_t frames, const char *reason) {
            if (frames < st.maxFrames) {
                st.maxFrames = frames;
                st.limitReason = reason;
            }
        };
        if (lim.samples)
            limitTo(lim.samples, "sample limit reached");
        if (lim.bytes)
            limitTo(lim.bytes / st.frameBytes, "size limit reached");
        if (lim.seconds > 0)
            limitTo(static_cast<std::uint64_t>(std::llround(lim.seconds * options_.sampleRate)),
                    "duration limit reached");
        st.haveLayout = true;
        SigmfCapture c;
        c.sampleStart = 0;
        c.frequency = options_.frequency;
        c.datetime = isoDatetime(realtimeNs());
        st.meta.captures.push_back(std::move(c));
        st.metaDirty = true;
        return {};
    };

    // The disk is full or failed: keep whole frames and leave metadata that describes them,
    // giving up kMetaRoomBytes of the tail when the metadata does not fit (and putting them
    // back when that did not help). Returns the metadata's errno and what was kept.
    struct Kept
    {
        int metaErr;
        std::string what;
    };
    auto keepWholeFrames = [&]() -> Kept {
        const int fd = st.files.data.get();
        [[maybe_unused]] const int t1 =
            sys::table().ftruncate(fd, static_cast<off_t>(st.frames * st.frameBytes));
        int metaErr = writeMeta();
        if ((metaErr == ENOSPC || metaErr == EDQUOT) && st.frames > 0) {
            const std::uint64_t give = std::min<std::uint64_t>(
                st.frames, (kMetaRoomBytes + st.frameBytes - 1) / st.frameBytes);
            const off_t at = static_cast<off_t>((st.frames - give) * st.frameBytes);
            std::vector<std::uint8_t> tail(give * st.frameBytes);
            if (sys::pread(fd, tail.data(), tail.size(), at) == static_cast<ssize_t>(tail.size()) &&
                sys::table().ftruncate(fd, at) == 0) {
                st.frames -= give;
                metaErr = writeMeta();
                if (metaErr) {
                    std::size_t back = 0;
                    if (::lseek(fd, at, SEEK_SET) == at)
                        writeAll(fd, tail.data(), tail.size(), &back);
                    st.frames += back / st.frameBytes;
                    [[maybe_unused]] const int t2 =
                        sys::table().ftruncate(fd, static_cast<off_t>(st.frames * st.frameBytes));
                }
            }
        }
        st.bytes = st.frames * st.frameBytes;
        if (!metaErr)
            return {0, " and holds the " + formatCount(st.frames) + " samples written"};
        if (st.metaFrames != UINT64_MAX)
            return {metaErr, "; " + st.files.metaPath + " describes its first " +
                                 formatCount(st.metaFrames) + " samples (its last update), and " +
                                 "a reader also finds the " +
                                 formatCount(st.frames - std::min(st.frames, st.metaFrames)) +
                                 " written after them"};
        // Nothing describes the data, and an empty metadata file is not a recording.
        ::unlink(st.files.metaPath.c_str());
        ::unlink(st.files.dataPath.c_str());
        st.frames = st.bytes = 0;
        return {metaErr, "; no metadata could be written, so nothing was kept"};
    };

    auto failWrite = [&](int err) {
        const bool full = err == ENOSPC || err == EDQUOT;
        const Kept kept = keepWholeFrames();
        error = (full ? "disk full: could not write " : "could not write ") +
                st.files.dataPath + " (" + describeErrno(err) + "); the recording was stopped";
        if (kept.metaErr)
            error += ", and its metadata could not be updated either (" +
                     describeErrno(kept.metaErr) + ")";
        error += kept.what;
        stopReason = full ? "disk full" : "write error";
    };

    // The metadata could not be updated (or written at all).
    auto failMeta = [&](int err) {
        const bool full = err == ENOSPC || err == EDQUOT;
        error = (full ? "disk full: could not update " : "could not update ") + st.files.metaPath +
                " (" + describeErrno(err) + "); the recording was stopped" + keepWholeFrames().what;
        stopReason = full ? "disk full" : "write error";
    };

    // Wall-clock time of a block's first sample: it was published (monotonic timestamp) when
    // its last sample had arrived.
    auto blockStartRealNs = [&](const Block &block) {
        return realtimeNs() - (monotonicNs() - block.timestampNs) -
               static_cast<std::int64_t>(static_cast<double>(block.frames()) /
                                         options_.sampleRate * 1e9);
    };

    auto addDiscontinuity = [&](const Block &block, const Delivery &d) {
        const std::uint64_t lost =
            block.firstSample > st.nextSourceSample ? block.firstSample - st.nextSourceSample : 0;
        st.lostSamples += lost;
        if (d.droppedBefore)
            st.overruns += d.droppedBefore;
        SigmfCapture c;
        c.sampleStart = st.frames;
        c.globalIndex = block.firstSample;
        c.frequency = options_.frequency;
        SigmfAnnotation a;
        a.sampleStart = st.frames;
        a.sampleCount = 0;
        a.label = "discontinuity";
        std::string why = d.droppedBefore
                              ? "the recorder fell behind the device (the disk is slower): " +
                                    formatCount(d.droppedBefore) + " blocks dropped"
                              : "the source overran (samples lost before this block)";
        a.comment = formatCount(lost) + " samples lost: " + why;
        a.lostSamples = lost;
        c.datetime = isoDatetime(blockStartRealNs(block));
        st.meta.captures.push_back(std::move(c));
        st.meta.annotations.push_back(std::move(a));
        st.metaDirty = true;
    };

    if (st.initialLayout) {
        error = setupLayout(*st.initialLayout);
        if (!error.empty())
            stopReason = "bad channel selection";
        else if (const int err = writeMeta())
            failMeta(err);
    }

    st.initialMetaWritten.set_value();

    bool stop = !error.empty();
    while (!stop) {
        bool stopRequested;
        {
            std::lock_guard lock(progressMutex_);
            stopRequested = stopRequested_;
        }
        std::optional<Delivery> d = stopRequested ? subscription_->tryPop()
                                                  : subscription_->pop(100);
        if (!d) {
            // stop() sets the flag before it ends the subscription: read it again, so its
            // ending is not taken for the stream's.
            {
                std::lock_guard lock(progressMutex_);
                stopRequested = stopRequested_;
            }
            if (stopRequested && subscription_->queued() == 0) {
                stopReason = "stopped";
                break;
            }
            if (subscription_->ended()) {
                const std::string reason = subscription_->endReason();
                stopReason = reason.empty() ? "the stream stopped" : "the stream failed: " + reason;
                break;
            }
        } else if (d->block && d->block->layout) {
            const Block &block = *d->block;
            if (!st.haveLayout) {
                error = setupLayout(*block.layout);
                if (!error.empty()) {
                    stopReason = "bad channel selection";
                    break;
                }
            }
            if (!st.gotBlock) {
                // The first capture starts with this block's first sample.
                SigmfCapture &c = st.meta.captures.front();
                c.globalIndex = block.firstSample;
                c.datetime = isoDatetime(blockStartRealNs(block));
                st.nextSourceSample = block.firstSample;
                st.gotBlock = true;
                st.metaDirty = true;
            } else if (d->discontinuity || block.firstSample != st.nextSourceSample) {
                addDiscontinuity(block, *d);
                if (st.meta.captures.size() <= kEagerDiscontinuities ||
                    monotonicNs() - st.lastMetaNs >= kMinMetaIntervalNs) {
                    if (const int err = writeMeta()) {
                        failMeta(err);
                        break;
                    }
                }
            }
            const std::uint64_t frames =
                std::min<std::uint64_t>(block.frames(), st.maxFrames - st.frames);
            const std::size_t len = static_cast<std::size_t>(frames) * st.frameBytes;
            const std::uint8_t *bytes = block.data; // straight from the block's mapped memory
            if (!st.gather.empty()) {
                st.gatherBuffer.resize(len);
                for (std::size_t f = 0; f < frames; ++f)
                    for (const State::Move &m : st.gather)
                        std::memcpy(&st.gatherBuffer[f * st.frameBytes + m.to],
                                    block.data + f * st.sourceFrameBytes + m.from, m.bytes);
                bytes = st.gatherBuffer.data();
            }
            std::size_t done = 0;
            if (const int err = writeAll(st.files.data.get(), bytes, len, &done)) {
                // failWrite() cuts the partial block off again.
                (void)done;
                failWrite(err);
                publishProgress(RecordingState::Failed);
                subscription_->unsubscribe();
                break;
            }
            st.frames += frames;
            st.bytes += len;
            ++st.blocks;
            st.nextSourceSample = block.firstSample + block.frames();
            if (st.frames >= st.maxFrames) {
                stopReason = st.limitReason;
                stop = true;
            }
        }
        // Metadata: periodically, and deferred discontinuity updates.
        const std::int64_t now = monotonicNs();
        const std::int64_t sinceMeta = now - st.lastMetaNs;
        const bool due =
            st.haveLayout &&
            ((st.metaDirty && sinceMeta >= kMinMetaIntervalNs) ||
             (st.frames != st.metaFrames &&
              sinceMeta >= std::int64_t{options_.metadataIntervalMs} * 1'000'000));
        if (due && !stop) {
            if (const int err = writeMeta()) {
                failMeta(err);
                break;
            }
        }
        publishProgress(RecordingState::Recording);
    }

    RecordingState finalState = error.empty() ? RecordingState::Finished : RecordingState::Failed;
    subscription_->unsubscribe();
    if (!st.haveLayout) {
        // Nothing arrived (or the channels were wrong): there is no layout to describe.
        // Remove the reserved names rather than leave an invalid pair behind.
        ::unlink(st.files.metaPath.c_str());
        ::unlink(st.files.dataPath.c_str());
        stopReason += " (nothing was recorded, no files were kept)";
    } else if (error.empty()) {
        if (const int err = writeMeta()) {
            failMeta(err); // a full disk here is handled as during the recording
            finalState = RecordingState::Failed;
        }
    }
    st.files.data.reset();
    publishProgress(finalState);
    finishedCv_.notify_all();
    if (options_.onFinished)
        options_.onFinished();
}

} // namespace dmascope

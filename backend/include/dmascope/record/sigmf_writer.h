// Records a stream to SigMF: a lossless Subscription consumer with its own writer thread that
// writes every delivered block, in order, straight from the block's mapped memory (write(2) from
// Block::data; no copy in user space) to NAME.sigmf-data, and keeps NAME.sigmf-meta valid the
// whole time:
//  - the metadata is written when the first block arrives and rewritten atomically (temporary
//    file + rename) about once a second, at every discontinuity and at the end, so a crash or
//    kill -9 leaves a recording readable up to the last written block;
//  - every discontinuity (samples lost at the source, or blocks this recorder dropped because
//    the disk was slower than the device) starts a new capture (core:global_index says where)
//    and adds an annotation saying how many samples were lost: gaps are recorded, never hidden;
//  - a full disk (ENOSPC, EDQUOT) or any write error stops the recording cleanly: the data file
//    is cut to whole frames, the metadata describes exactly those, and the error says what
//    happened and where;
//  - limits (duration, bytes, samples) end it at exactly the limit (the last block is cut).
// File names never overwrite an existing recording (createRecordingFiles).
//
// Threads and locks: start()/stop()/wait()/~SigmfWriter() are for one controlling thread. The
// writer thread owns the files and the recording state; it publishes progress under
// progressMutex_, which progress() takes (any thread). The stream thread only queues blocks into
// the subscription (see Subscription); it never waits for the disk.
#pragma once

#include "dmascope/record/sigmf_meta.h"
#include "dmascope/subscription.h"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace dmascope {

class Stream;

// Zero means "no limit". The recording ends when the first limit is reached.
struct RecordingLimits
{
    double seconds = 0;        // of samples (frames / sample rate), not of wall-clock time
    std::uint64_t bytes = 0;   // of the data file
    std::uint64_t samples = 0; // frames
};

struct RecordingOptions
{
    std::string directory = ".";
    // NAME or a pattern (recording_files.h): "{device}-{datetime}" gives
    // "iio-sim-adc-20261125-131700".
    std::string name = "{device}-{datetime}";
    RecordingLimits limits;
    // Channel ids to record; empty: every channel of the stream, written straight from the
    // blocks (zero-copy). A subset is gathered frame by frame into a buffer on the writer
    // thread (one copy). start() fails later, in the recording's error, for an unknown id.
    std::vector<std::string> channels;

    double sampleRate = 0; // core:sample_rate in Hz; required (> 0)
    // The device: name, id, URI and the attributes read at the start. The channels and frame
    // size are filled in from the stream's ScanLayout.
    SigmfIioInfo device;
    std::string hw;          // core:hw; default "<device> via <uri>"
    std::string description; // core:description
    std::string author;      // core:author
    std::optional<double> frequency; // core:frequency of the captures (Hz), e.g. an SDR's LO

    std::size_t queueDepth = 64;   // blocks the subscription holds while the disk catches up
    int metadataIntervalMs = 1000; // how often the metadata is rewritten while recording
    bool syncData = false;         // fdatasync the data file before each metadata rewrite

    // Runs once on the writer thread when the recording has finished (any reason, including
    // stop()), after the final metadata is written. Keep it short (post an event).
    std::function<void()> onFinished;
};

enum class RecordingState { Idle, Recording, Finished, Failed };
const char *toString(RecordingState state) noexcept;

struct RecordingProgress
{
    RecordingState state = RecordingState::Idle;
    std::string base;     // directory/NAME (empty before start)
    std::string dataPath; // NAME.sigmf-data
    std::string metaPath; // NAME.sigmf-meta

    std::uint64_t frames = 0; // samples (frames) written
    std::uint64_t bytes = 0;  // bytes written to the data file
    std::uint64_t blocks = 0; // blocks written (a cut last block counts)
    double seconds = 0;       // recorded duration: frames / sample rate
    double elapsed = 0;       // wall-clock seconds since start()
    double megabytesPerSecond = 0; // bytes / elapsed, 1 MB = 1e6 bytes

    std::uint64_t overruns = 0;        // blocks dropped because the recorder fell behind
    std::uint64_t discontinuities = 0; // gaps recorded (captures after the first)
    std::uint64_t lostSamples = 0;     // samples missing in those gaps (source + recorder)
    std::uint64_t freeDiskBytes = 0;   // on the recording's file system, at the last update

    // Why the recording finished: "stopped", "duration limit reached", "size limit reached",
    // "sample limit reached", "the stream stopped", "the stream failed: ...". Empty while
    // recording.
    std::string stopReason;
    // Set when state is Failed: "disk full: could not write /data/rec.sigmf-data (No space
    // left on device); the recording was stopped and holds the 1234567 samples written".
    std::string error;
};

class SigmfWriter
{
public:
    explicit SigmfWriter(RecordingOptions options);
    ~SigmfWriter(); // stop()
    SigmfWriter(const SigmfWriter &) = delete;
    SigmfWriter &operator=(const SigmfWriter &) = delete;

    // Checks the options, creates the files (never overwriting), subscribes losslessly to
    // `stream` (running or about to start: subscribe-before-start misses nothing) and starts
    // the writer thread. Throws std::invalid_argument for bad options, SystemError when the
    // files cannot be created (the message names the path), std::logic_error when started
    // twice.
    void start(Stream &stream);
    // Ends the recording: the blocks already delivered are written, then the final metadata.
    // Blocks until the writer thread has finished. Idempotent; safe after the recording
    // finished by itself.
    void stop();
    // Waits up to timeoutMs (-1: forever) for the recording to finish by itself (limit, end
    // of the stream, error). True when it has finished.
    bool wait(int timeoutMs);

    // A consistent snapshot; any thread.
    RecordingProgress progress() const;
    // The metadata as last written (a copy; any thread).
    SigmfMeta meta() const;

private:
    struct State;
    void run();

    RecordingOptions options_;
    std::shared_ptr<Subscription> subscription_; // set by start(); the writer thread pops it
    std::unique_ptr<State> state_;               // writer thread only (after start())
    std::thread thread_;

    mutable std::mutex progressMutex_;
    std::condition_variable finishedCv_;  // signalled when the recording finished
    RecordingProgress progress_;          // guarded by progressMutex_
    SigmfMeta meta_;                      // guarded by progressMutex_
    bool stopRequested_ = false;          // guarded by progressMutex_
};

} // namespace dmascope

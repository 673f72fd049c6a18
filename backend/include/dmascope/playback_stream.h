// A SigMF recording as a stream like any device's (path "playback"): the Oscilloscope, the
// Spectrum analyzer and the recorder subscribe to it exactly as to a live device. Its "DMA
// engine" is a thread that hands out consecutive slices of the mapped data file, paced at
// sample_rate x speed (CLOCK_MONOTONIC, so the average rate is exact); blocks point straight
// into the mapping (zero-copy) unless the recording holds floats, which are converted to int32
// (SigmfMeta::layout(), kFloatPlaybackScale).
//
// Blocks never straddle a capture boundary; the first block of every capture after the first,
// the block after a seek and the first block after the loop wraps carry the discontinuity
// flag. Block::firstSample counts the frames delivered since start, plus at a capture boundary
// the gap the captures' core:global_index record (published as samples the source lost, as the
// device reported them when recording); seeks and loops are flagged only.
//
// Controls are thread-safe and work while running or not, within one run (no restart, so the
// subscriptions stay): play()/pause(), seek(frame), setLoop(), setSpeed(). A seek while paused
// delivers the one block at the new position (so a paused scope shows it). At the end of the
// file without loop the stream keeps running but idle (playbackState() == Ended); play()
// rewinds and plays, seek() plays from there.
#pragma once

#include "dmascope/record/sigmf_recording.h"
#include "dmascope/stream.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace dmascope {

enum class PlaybackState { Playing, Paused, Ended };
const char *toString(PlaybackState state) noexcept;

class PlaybackStream final : public Stream
{
public:
    // 0: as fast as the consumers take the blocks (no pacing); otherwise 1e-3 .. 1e3.
    static constexpr double kUnpaced = 0.0;

    explicit PlaybackStream(std::shared_ptr<const SigmfRecording> recording);
    // Opens `path` (SigmfRecording::open; throws its errors).
    explicit PlaybackStream(const std::string &path);
    ~PlaybackStream() override;

    const std::shared_ptr<const SigmfRecording> &recording() const noexcept { return recording_; }

    void play();
    void pause();
    // Next frame to deliver; clamped to the recording's length. Throws nothing.
    void seek(std::uint64_t frame);
    void setLoop(bool loop);
    // Throws std::invalid_argument outside 1e-3 .. 1e3 (and not kUnpaced).
    void setSpeed(double speed);

    PlaybackState playbackState() const;
    bool loop() const;
    double speed() const;
    // The frame of the recording the next block starts at.
    std::uint64_t position() const;
    std::uint64_t frameCount() const noexcept { return recording_->frameCount(); }
    // Times the playback wrapped around (loop).
    std::uint64_t loops() const;

    // The controls shared with the source (the engine thread reads them). Public only so the
    // source in playback_stream.cpp can name it.
    struct Controls;

protected:
    // StreamConfig: `channels` selects channels by id (a subset means the frames are copied);
    // samplesPerBlock and blockCount as for devices; `path` must be Auto.
    Opened open(const StreamConfig &config) override;

private:
    std::shared_ptr<const SigmfRecording> recording_;
    std::shared_ptr<Controls> controls_;
};

} // namespace dmascope

// Feeds a SpectrumEngine straight from raw stream blocks: one channel (real input) or an I/Q
// pair of channels (complex input), converted to volts in the engine's own frame memory in one
// pass over the mapped block (no copy of the block, no intermediate float record).
//
// Units: IIO voltage channels are in millivolts after scale/offset; the feed folds the 1e-3 in,
// so the engine sees volts. Full scale (0 dBFS) is the peak of a sine spanning the whole code
// range: 2^(realbits-1) codes times the scale.
#pragma once

#include "dmascope/dsp/spectrum_engine.h"
#include "dmascope/scan_layout.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace dmascope::dsp {

class SpectrumFeed
{
public:
    // `i` (and `q` for a complex feed) index layout.channels. Throws std::invalid_argument for an
    // index out of range or a channel that is not a plain sample (timestamps, repeat > 1).
    SpectrumFeed(const ScanLayout &layout, std::size_t i, std::optional<std::size_t> q = {});

    bool complex() const { return complex_; }
    // Peak volts (or the channel's unit) of a full-scale sine: SpectrumConfig::fullScale.
    double fullScale() const { return fullScale_; }

    // Feeds `frames` frames starting at `data` (the block's first frame). Returns the FFTs the
    // engine computed. The engine must have been made with complexInput == complex().
    std::size_t feed(SpectrumEngine &engine, const std::uint8_t *data, std::size_t frames);

    // Volts per unit of a channel after IIO scale/offset: 1e-3 for voltage channels (mV).
    static double voltsPerUnit(const ChannelLayout &channel);
    std::size_t frameBytes() const { return frameBytes_; }

private:
    // Channel I of `count` frames at `frames`, in volts, times the window, into `out`.
    void convertWindowedI(const std::uint8_t *frames, std::size_t count, WindowRun w, float *out);

    ChannelLayout i_, q_; // copies with the scale already in volts
    std::size_t frameBytes_;
    bool complex_;
    double fullScale_;
    // Channel I as one aligned 32-bit load per sample (see the constructor); 0 words: not
    // possible for this layout.
    std::size_t words_ = 0, wordOffset_ = 0;
    unsigned wordLeft_ = 0, wordRight_ = 0;
    std::vector<float> scratch_; // I and Q before interleaving; odd formats before windowing
};

// Feeds the same `frames` frames to several traces, feeds[t] into *engines[t], a cache-sized run
// of frames at a time: the block comes from memory once and each further trace reads it from
// cache, instead of once per trace (one channel of an interleaved block costs reading all of
// it). The spectra are those of feeding each trace the whole block. Returns the FFTs all engines
// computed. feeds and engines have the same length.
std::size_t feedTraces(std::span<SpectrumFeed> feeds, std::span<SpectrumEngine *const> engines,
                       const std::uint8_t *data, std::size_t frames);

} // namespace dmascope::dsp

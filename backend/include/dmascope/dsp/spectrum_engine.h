// The spectrum engine: frames of `size` samples (with overlap) are windowed, transformed with
// FFTW and averaged as power; the result is converted to the chosen unit only when asked for
// (at most once per screen frame), so the per-FFT work outside FFTW stays a few linear passes.
//
// Definitions (X = DFT of the windowed frame x[n]w[n], N = size, fs = sample rate):
//   peak amplitude of bin k   A[k] = c |X[k]| / sum(w)      c = 2 for real input between DC and
//                                                           Nyquist, else 1
//   dBFS                       20 log10(A / fullScale)       fullScale = peak volts of a
//                                                           full-scale sine: it reads 0 dBFS
//   dBV                        20 log10(A / sqrt 2)          RMS volts of the tone (DC: A itself)
//   V/sqrt(Hz)                 sqrt(c |X[k]|^2 / (fs sum(w^2)))   amplitude spectral density,
//                                                           one-sided for real input
// A bin-centred tone therefore reads its amplitude exactly with every window (coherent-gain
// correction); noise reads its density exactly in V/sqrt(Hz) (noise-bandwidth correction).
//
// Averaging works on power |X|^2:
//   Linear N      mean of each group of N consecutive spectra; until the first group is
//                 complete, the mean of those so far
//   Exponential N P += (|X|^2 - P) / N   (the first spectrum starts it)
//   PeakHold      maximum per bin since reset();  MinHold: minimum
// Complex input (I/Q): bins run from -fs/2 to +fs/2 (index 0 is -fs/2, DC at N/2).
#pragma once

#include "dmascope/dsp/fft_plans.h"
#include "dmascope/dsp/window.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dmascope::dsp {

// dst[i] = src[i] * w[i] for i < count (one vectorised loop per form of the run).
void multiplyWindow(float *dst, const float *src, std::size_t count, WindowRun w) noexcept;
// Interleaved complex samples: dst[2i], dst[2i+1] = src[2i] * w[i], src[2i+1] * w[i].
void multiplyWindowComplex(float *dst, const float *src, std::size_t count, WindowRun w) noexcept;

enum class SpectrumUnit { Dbfs, Dbv, VoltsPerRootHz };
enum class Averaging { None, Linear, Exponential, PeakHold, MinHold };

// Names used by the CLI and saved settings: "dbfs", "dbv", "v/rthz"; "none", "linear",
// "exponential", "peak-hold", "min-hold". Parsing is case-insensitive.
const char *toString(SpectrumUnit unit) noexcept;
const char *toString(Averaging averaging) noexcept;
std::optional<SpectrumUnit> spectrumUnitFromString(std::string_view name) noexcept;
std::optional<Averaging> averagingFromString(std::string_view name) noexcept;
// What the unit is called on an axis: "dBFS", "dBV", "V/√Hz" (UTF-8).
const char *unitLabel(SpectrumUnit unit) noexcept;

struct SpectrumConfig
{
    std::size_t size = 65536;
    WindowSpec window;
    double overlap = 0;    // fraction of a frame shared with the next, 0 .. 0.95
    Averaging averaging = Averaging::None;
    unsigned averages = 8; // N of Linear and Exponential
    bool complexInput = false;
    SpectrumUnit unit = SpectrumUnit::Dbfs;
    double sampleRate = 1;  // Hz
    double fullScale = 1;   // volts, peak
    int threads = 0;        // FFTW threads; 0 = automatic by size
    PlanEffort effort = PlanEffort::Estimate;
};

class SpectrumEngine
{
public:
    // Throws std::invalid_argument for a size < 16 or an overlap outside 0..0.95.
    explicit SpectrumEngine(const SpectrumConfig &config);
    SpectrumEngine(const SpectrumEngine &) = delete;
    SpectrumEngine &operator=(const SpectrumEngine &) = delete;

    const SpectrumConfig &config() const { return config_; }
    std::size_t bins() const { return config_.complexInput ? config_.size : config_.size / 2 + 1; }
    double binWidth() const { return config_.sampleRate / double(config_.size); }
    double frequency(std::size_t bin) const;
    const WindowFactors &windowFactors() const { return factors_; }

    // Feeds n samples in volts (im = nullptr for real input). Returns the FFTs it computed.
    std::size_t feed(const float *re, const float *im, std::size_t n);

    // Feeds n samples produced by `convert`, which writes samples first..first+count-1 of its
    // input in volts straight into engine memory (interleaved I,Q for complex input): raw block
    // memory converts in one pass, no copy. Two forms:
    //   convert(float *dst, std::size_t first, std::size_t count)      the samples as they are
    //   convert(float *dst, std::size_t first, std::size_t count, WindowRun w)
    //                                        sample i (0..count-1) times w[i] (both of I and Q)
    // The engine calls the windowed form, when `convert` has it, without overlap: the samples
    // are converted, scaled and windowed straight into FFTW's input in one pass. Otherwise (and
    // always with overlap) it windows the converted samples itself.
    template <typename Convert> std::size_t feedWith(std::size_t n, Convert &&convert)
    {
        constexpr bool windowed =
            std::is_invocable_v<Convert &, float *, std::size_t, std::size_t, WindowRun>;
        std::size_t done = 0, ffts = 0;
        const std::size_t k = config_.complexInput ? 2 : 1;
        while (done < n) {
            std::size_t take = std::min(n - done, config_.size - filled_);
            if (hop_ != config_.size) {
                convert(frame_.get() + filled_ * k, done, take);
            } else if constexpr (windowed) {
                // No overlap: nothing of this frame is needed later, so convert, scale and
                // window straight into FFTW's input.
                const WindowRun w = windowRun(filled_, take);
                convert(fft_.get() + filled_ * k, done, take, w);
            } else {
                // Convert a cache-sized piece and window it into FFTW's input.
                take = std::min(take, kChunk);
                convert(chunk_.data(), done, take);
                applyWindow(chunk_.data(), filled_, take);
            }
            filled_ += take;
            done += take;
            if (filled_ == config_.size) {
                transformFrame();
                ++ffts;
            }
        }
        return ffts;
    }

    // Spectra computed since construction or reset().
    std::uint64_t spectraComputed() const { return computed_; }
    // Spectra in the current average (Linear: the group shown; others: since reset).
    std::uint64_t averagedCount() const { return shownCount_; }

    // The averaged power spectrum |X|^2 (complex input: reordered -fs/2..fs/2).
    const std::vector<float> &power() const { return shown_; }
    // The averaged spectrum in the configured unit (or `unit`), one value per bin.
    void spectrum(std::vector<float> &out) const { spectrum(out, config_.unit); }
    void spectrum(std::vector<float> &out, SpectrumUnit unit) const;
    // Peak amplitude in volts of bin k (see the definitions above).
    double amplitude(std::size_t bin) const;

    // Restarts averaging and drops buffered samples.
    void reset();
    // Drops the samples of the frame being filled but keeps the average: the next frame starts
    // with the next sample fed (after a gap in the input, so no frame spans the gap).
    void restartFrame() { filled_ = 0; }
    // Samples still needed to complete the frame being filled.
    std::size_t samplesToNextFrame() const { return config_.size - filled_; }

    struct Timing
    {
        double fftSeconds = 0;   // inside FFTW
        double otherSeconds = 0; // windowing, magnitude, averaging
    };
    Timing timing() const { return timing_; }

private:
    static constexpr std::size_t kChunk = 2048; // samples converted at a time (stays in L1)
    // The window from frame sample `first` on, for `count` samples or fewer: `count` is cut to
    // what the run covers. A long window's run is drawn from its knots to the end of the frame;
    // a short one's is its stored first half, forwards up to the middle of the frame and
    // backwards from there to the end.
    WindowRun windowRun(std::size_t first, std::size_t &count) const
    {
        if (interpolated_)
            return interpolated_->run(first);
        const std::size_t half = config_.size / 2;
        if (first <= half) {
            count = std::min(count, half + 1 - first);
            return WindowRun{window_.data() + first, false};
        }
        count = std::min(count, config_.size - first);
        return WindowRun{window_.data() + (config_.size - first), true};
    }
    // Windows samples first..first+count-1 of the frame (at `samples`) into FFTW's input.
    void applyWindow(const float *samples, std::size_t first, std::size_t count);
    void transformFrame();
    void accumulate();
    double binScale(std::size_t bin) const; // c of the definitions

    SpectrumConfig config_;
    std::vector<float> window_; // first half, w[0..size/2] (makeHalfWindow); empty when
                                // interpolated_ draws the window
    std::optional<InterpolatedWindow> interpolated_;
    WindowFactors factors_;
    std::size_t hop_;
    fftwf_plan plan_;
    FftwArray<float> frame_; // samples (volts) of the frame being filled (with overlap)
    FftwArray<float> fft_;   // windowed frame handed to FFTW, transformed in place
    std::vector<float> chunk_; // conversion scratch (without overlap)
    std::size_t filled_ = 0;
    std::vector<float> acc_;     // running average state
    std::vector<float> shown_;   // what power() returns
    std::uint64_t computed_ = 0, accCount_ = 0, shownCount_ = 0;
    Timing timing_;
};

} // namespace dmascope::dsp

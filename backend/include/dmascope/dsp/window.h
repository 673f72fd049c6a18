// Spectral windows and their amplitude / noise corrections.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmascope::dsp {

enum class WindowType { Rectangular, Hann, Hamming, Blackman, BlackmanHarris, FlatTop, Kaiser };

struct WindowSpec
{
    WindowType type = WindowType::Hann;
    // Only for Kaiser: the larger, the lower its sidelobes and the wider its main lobe (8.6 caps
    // SNR near 70 dB, 20 leaks nothing float resolves: docs/spectrum.md).
    double kaiserBeta = 8.6;

    // "hann", "flattop", "kaiser:6.5", ... (what the CLI and settings use).
    static std::optional<WindowSpec> parse(std::string_view text, std::string *error = nullptr);
    std::string toString() const;
};

// The periodic ("DFT-even") window of length n: w[k] for k = 0..n-1 of a window of period n,
// the form spectral analysis wants (its coefficients repeat exactly every n samples).
// It is symmetric, w[k] == w[n - k] for k = 1..n-1 (exactly: the upper half is mirrored).
std::vector<float> makeWindow(const WindowSpec &spec, std::size_t n);
// Its first half, w[0..n/2] (n/2 + 1 values; none for n = 0): w[k] for k > n/2 is half[n - k]. What the spectrum
// engine keeps of a short window, so a frame's windowing reads half the coefficients' memory (a
// long window it draws from knots: InterpolatedWindow).
std::vector<float> makeHalfWindow(const WindowSpec &spec, std::size_t n);

struct WindowFactors
{
    // Mean of w: a bin-centred tone of amplitude A shows |X| = A * N * coherentGain / 2.
    double coherentGain = 1;
    // Equivalent noise bandwidth in bins, N * sum(w^2) / sum(w)^2: noise power per bin is
    // this many bins' worth of the noise density.
    double enbwBins = 1;
    double sum = 0;        // sum(w)
    double sumSquares = 0; // sum(w^2)
};

// The window coefficients of a run of consecutive samples of a frame, in one of three forms.
// Stored: sample i of the run is multiplied by at[i], or by at[-i] when `reversed` (the engine
// stores only the first half of a symmetric window, so the second half reads it backwards).
// Drawn (`knots` set, from InterpolatedWindow::run): by the line through the knots around frame
// sample first + i; loops that window many samples take it apart with forEachLine, so the
// coefficients are computed where they are used instead of read from memory.
struct WindowRun
{
    const float *at = nullptr;
    bool reversed = false;
    const float *knots = nullptr; // w[q << shift], q = 0..n >> shift
    unsigned shift = 0;
    std::size_t first = 0;

    // The run from its sample i on.
    WindowRun from(std::size_t i) const
    {
        WindowRun r = *this;
        if (knots)
            r.first += i;
        else
            r.at += reversed ? -static_cast<std::ptrdiff_t>(i) : static_cast<std::ptrdiff_t>(i);
        return r;
    }
};

// For a drawn run, the pieces of samples 0..count-1 that lie on one line: line(i, take, a,
// slope, r) for each, where sample i + j (j < take) has the coefficient a + float(r + j) * slope
// (r is the piece's position on its line: the position is exact in float, and every loop gets
// the same coefficients as InterpolatedWindow::fill).
template <typename Line>
inline void forEachLine(const WindowRun &w, std::size_t count, Line &&line)
{
    const std::size_t step = std::size_t(1) << w.shift;
    const float inv = 1.f / float(step);
    std::size_t k = w.first;
    for (std::size_t i = 0; i < count;) {
        const std::size_t q = k >> w.shift;
        const std::size_t r = k & (step - 1);
        const std::size_t take = std::min(count - i, step - r);
        const float a = w.knots[q];
        line(i, take, a, (w.knots[q + 1] - a) * inv, int(r));
        i += take;
        k += take;
    }
}

// Coefficients 0..count-1 of a run of any form, forwards, into out.
void drawWindow(const WindowRun &w, std::size_t count, float *out) noexcept;

// A long window as every step-th coefficient (its knots) and straight lines between them, where
// that reproduces the window to within float rounding: a 1M-point Blackman-Harris window is
// 16K knots (64 KiB, which stay in cache) instead of 2 MiB of coefficients streamed from memory
// for every frame. The window is smooth, so over a short segment it is nearly a parabola and
// the line between two knots is furthest from it near the middle (step^2 / 8 times its second
// derivative): make() measures the error at a quarter, half and three quarters of every
// segment, and keeps segments to a 64th of the window or less so that no coincidence of a long
// segment (a Hann window's middle lies on the line between its ends) passes for a match.
class InterpolatedWindow
{
public:
    // The largest power-of-two step (kMinStep or more, dividing n into kMinSegments or more)
    // whose lines stay within kTolerance of the window; none when no such step exists (short
    // windows, whose coefficients themselves are few enough).
    static std::optional<InterpolatedWindow> make(const WindowSpec &spec, std::size_t n);

    // Below 32 samples a segment, drawing the lines costs more than reading the coefficients
    // (measured at 128K and 256K points, whose half windows stay in L2).
    static constexpr std::size_t kMinStep = 32;
    static constexpr std::size_t kMinSegments = 64;
    static constexpr double kTolerance = 0x1p-25; // half of float's spacing just below 1

    std::size_t step() const { return std::size_t(1) << shift_; }
    // The drawn run from frame sample `first` on.
    WindowRun run(std::size_t first) const
    {
        return WindowRun{nullptr, false, knots_.data(), shift_, first};
    }
    // w[first + i] for i < count into out (0 <= first, first + count <= n).
    void fill(std::size_t first, std::size_t count, float *out) const noexcept
    {
        drawWindow(run(first), count, out);
    }
    // The factors of the window as drawn (what the engine applies), without storing it.
    WindowFactors factors() const;

private:
    InterpolatedWindow(std::vector<float> knots, unsigned shift)
        : knots_(std::move(knots)), shift_(shift)
    {
    }
    std::vector<float> knots_; // w[q * step()] for q = 0..n / step()
    unsigned shift_;           // log2(step())
};

WindowFactors windowFactors(const std::vector<float> &window);
// The same factors of the window of length n whose first half (makeHalfWindow) is given.
WindowFactors halfWindowFactors(const std::vector<float> &half, std::size_t n);

} // namespace dmascope::dsp

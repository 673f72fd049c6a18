// Spectral windows and their amplitude / noise corrections.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmascope::dsp {

enum class WindowType { Rectangular, Hann, Hamming, Blackman, BlackmanHarris, FlatTop, Kaiser };

struct WindowSpec
{
    WindowType type = WindowType::Hann;
    double kaiserBeta = 8.6; // only for Kaiser; 8.6 gives sidelobes near Blackman-Harris

    // "hann", "flattop", "kaiser:6.5", ... (what the CLI and settings use).
    static std::optional<WindowSpec> parse(std::string_view text, std::string *error = nullptr);
    std::string toString() const;
};

// The periodic ("DFT-even") window of length n: w[k] for k = 0..n-1 of a window of period n,
// the form spectral analysis wants (its coefficients repeat exactly every n samples).
// It is symmetric, w[k] == w[n - k] for k = 1..n-1 (exactly: the upper half is mirrored).
std::vector<float> makeWindow(const WindowSpec &spec, std::size_t n);
// Its first half, w[0..n/2] (n/2 + 1 values; none for n = 0): w[k] for k > n/2 is half[n - k]. What the spectrum
// engine keeps, so a frame's windowing reads half the coefficients' memory.
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

WindowFactors windowFactors(const std::vector<float> &window);
// The same factors of the window of length n whose first half (makeHalfWindow) is given.
WindowFactors halfWindowFactors(const std::vector<float> &half, std::size_t n);

} // namespace dmascope::dsp

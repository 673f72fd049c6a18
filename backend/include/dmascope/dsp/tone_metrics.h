// Single-tone figures of merit from an averaged power spectrum (real input), as ADC data sheets
// and IEEE 1241 define them:
//   signal S      power in the fundamental's main lobe (the largest peak above DC)
//   tone level    the amplitude whose sine puts S (less the noise in the lobe's bins) into the
//                 lobe: exact between bins with every window, where a bin's reading is not
//   harmonics D   power in the main lobes of harmonics 2..(1+harmonics), folded into 0..fs/2
//   noise N       mean power of the remaining bins (DC's lobe, fundamental and harmonics
//                 excluded) times the number of bins above DC's lobe: the noise extrapolated
//                 under the tone and its harmonics
//   SNR = 10 log10(S/N)   THD = 10 log10(D/S) dBc   SINAD = 10 log10(S/(N+D))
//   ENOB = (SINAD - 1.76) / 6.02
//   SFDR = fundamental peak bin over the largest other bin above DC's lobe (dBc, positive)
//   noise floor = mean level of a noise bin in dBFS (it falls 3 dB per doubling of the FFT size)
// Main lobes are counted as +-halfWidth bins of the peak; the width follows the window.
// The window's leakage beyond the main lobe counts as noise and its sidelobes as spurs: Hann
// caps SNR near 50 dB; Blackman-Harris (-92 dB sidelobes) reads a 16-bit sine's SNR ~6 dB low
// and a sidelobe as its worst spur; Kaiser with beta >= 16 leaks nothing a 16-bit converter
// would show (docs/spectrum.md).
#pragma once

#include "dmascope/dsp/spectrum_engine.h"

#include <optional>
#include <string>

namespace dmascope::dsp {

// The SNR and SFDR of a noiseless tone half a bin off centre (where windows leak the most) seen
// through a window with these metrics: its power outside the main lobe counts as noise, its
// highest sidelobe as the worst spur.
struct WindowCeiling
{
    double snrDb = 0;
    double sfdrDbc = 0;
};

struct ToneMetrics
{
    double fundamentalHz = 0;
    double fundamentalDbfs = 0;
    double snrDb = 0;
    double thdDbc = 0;
    double sinadDb = 0;
    double enob = 0;
    double sfdrDbc = 0;
    double worstSpurHz = 0;
    double noiseFloorDbfs = 0;
    // What the spectrum's window lets any tone reach, and whether SNR or SFDR is within 3 dB
    // of it: then the window's leakage, not the signal, makes at least half the noise or the
    // worst spur.
    WindowCeiling windowCeiling;
    bool windowLimited = false;
};

// Half-width in bins of a window's main lobe (plus the leakage of a tone between bins).
unsigned mainLobeHalfWidth(const WindowSpec &window);

// The ceiling of `window`, computed once per window (a 1024-point DTFT), then cached.
WindowCeiling windowCeiling(const WindowSpec &window);

// Measures the tone in `engine`'s current (averaged) spectrum. std::nullopt with *error set when
// the input is complex or there is no tone (an all-zero spectrum).
std::optional<ToneMetrics> measureSingleTone(const SpectrumEngine &engine, unsigned harmonics = 5,
                                             std::string *error = nullptr);

} // namespace dmascope::dsp

// What the spectrum plot and the waterfall paint: per trace one value per FFT bin in the
// display unit, computed off the GUI thread (the spectrum instrument's feeder) and handed over
// as an immutable shared_ptr.
#pragma once

#include <QString>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dmascope::ui {

struct SpectrumTrace
{
    QString label;
    std::vector<float> values; // one per bin
};

struct SpectrumSnapshot
{
    std::uint64_t sequence = 0; // increases with every new spectrum
    double f0 = 0;              // frequency of bin 0 (negative for complex input)
    double df = 1;              // bin width, Hz
    std::size_t bins = 0;
    QString unit = QStringLiteral("dBFS");
    // Values are levels in dB (dBFS, dBV). Otherwise linear (V/sqrt(Hz)) and plotted on a
    // logarithmic value axis.
    bool decibels = true;
    std::uint64_t averaged = 0; // spectra in the average shown
    std::vector<SpectrumTrace> traces;

    double frequency(std::size_t bin) const { return f0 + double(bin) * df; }
    // The bin nearest to frequency f, clamped to the data.
    std::size_t binAt(double f) const
    {
        if (bins == 0)
            return 0;
        const double b = std::round((f - f0) / df);
        return b <= 0 ? 0 : b >= double(bins - 1) ? bins - 1 : std::size_t(b);
    }
    // A value converted to the plot's level axis (dB; linear units as 20 log10).
    float level(float value) const
    {
        return decibels ? value : float(20.0 * std::log10(std::max(value, 1e-30f)));
    }
};

} // namespace dmascope::ui

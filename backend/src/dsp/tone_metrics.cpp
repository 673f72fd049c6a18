#include "dmascope/dsp/tone_metrics.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <mutex>
#include <numbers>
#include <vector>

namespace dmascope::dsp {

unsigned mainLobeHalfWidth(const WindowSpec &window)
{
    switch (window.type) {
    case WindowType::Rectangular: return 2;
    case WindowType::Hann:
    case WindowType::Hamming: return 3;
    case WindowType::Blackman: return 4;
    case WindowType::BlackmanHarris: return 5;
    case WindowType::FlatTop: return 6;
    case WindowType::Kaiser: {
        const double b = window.kaiserBeta / std::numbers::pi;
        return unsigned(std::ceil(std::sqrt(1 + b * b))) + 2;
    }
    }
    return 3;
}

namespace {
WindowCeiling computeWindowCeiling(const WindowSpec &window)
{
    // |W(k - 1/2)|^2 for every bin k of an m-point DFT: the DFT of w[n] e^{i pi n / m}.
    constexpr std::size_t m = 1024;
    const std::vector<float> w = makeWindow(window, m);
    std::vector<std::complex<double>> twiddle(m), shifted(m);
    for (std::size_t n = 0; n < m; ++n) {
        twiddle[n] = std::polar(1.0, -2 * std::numbers::pi * double(n) / double(m));
        shifted[n] = double(w[n]) * std::polar(1.0, std::numbers::pi * double(n) / double(m));
    }
    std::vector<double> power(m);
    for (std::size_t k = 0; k < m; ++k) {
        std::complex<double> sum = 0;
        for (std::size_t n = 0; n < m; ++n)
            sum += shifted[n] * twiddle[(n * k) % m];
        power[k] = std::norm(sum);
    }
    // The tone sits between bins 0 and 1: bin 0 is its peak, the lobe +-halfWidth around it.
    const long half = long(mainLobeHalfWidth(window));
    double lobe = 0, outside = 0, sidelobe = 0;
    for (long k = -long(m) / 2; k < long(m) / 2; ++k) {
        const double p = power[std::size_t((k + long(m)) % long(m))];
        if (std::labs(k) <= half) {
            lobe += p;
        } else {
            outside += p;
            sidelobe = std::max(sidelobe, p);
        }
    }
    constexpr double kFloor = 1e-300;
    return {10 * std::log10(lobe / std::max(outside, kFloor)),
            10 * std::log10(power[0] / std::max(sidelobe, kFloor))};
}
} // namespace

WindowCeiling windowCeiling(const WindowSpec &window)
{
    // Measurements run on the GUI thread and on CLI threads alike: the cache takes a lock.
    static std::mutex mutex;
    static std::vector<std::pair<WindowSpec, WindowCeiling>> cache; // guarded by mutex
    const std::lock_guard lock(mutex);
    for (const auto &[spec, ceiling] : cache)
        if (spec.type == window.type &&
            (window.type != WindowType::Kaiser || spec.kaiserBeta == window.kaiserBeta))
            return ceiling;
    cache.emplace_back(window, computeWindowCeiling(window));
    return cache.back().second;
}

std::optional<ToneMetrics> measureSingleTone(const SpectrumEngine &engine, unsigned harmonics,
                                             std::string *error)
{
    auto fail = [error](const char *why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (engine.config().complexInput)
        return fail("single-tone metrics need a real input spectrum");
    const std::vector<float> &p = engine.power();
    const long nb = long(p.size());
    const long w = long(mainLobeHalfWidth(engine.config().window));
    if (nb <= 4 * w)
        return fail("the FFT is too small for single-tone metrics");

    std::vector<char> used(std::size_t(nb), 0); // bins that belong to DC, tone or harmonics
    auto claim = [&](long centre) {
        double sum = 0;
        for (long k = std::max(0L, centre - w); k <= std::min(nb - 1, centre + w); ++k) {
            if (!used[std::size_t(k)])
                sum += p[std::size_t(k)];
            used[std::size_t(k)] = 1;
        }
        return sum;
    };
    claim(0);
    long k0 = -1;
    for (long k = w + 1; k < nb; ++k)
        if (k0 < 0 || p[std::size_t(k)] > p[std::size_t(k0)])
            k0 = k;
    if (k0 < 0 || p[std::size_t(k0)] <= 0)
        return fail("no tone found in the spectrum");

    // Power-weighted centre of the main lobe: the tone's frequency between bins.
    double num = 0, den = 0;
    for (long k = std::max(0L, k0 - w); k <= std::min(nb - 1, k0 + w); ++k) {
        num += double(k) * p[std::size_t(k)];
        den += p[std::size_t(k)];
    }
    const double bin0 = num / den;
    const double signal = claim(k0);

    const double fs = engine.config().sampleRate;
    const double f0 = bin0 * engine.binWidth();
    double distortion = 0;
    for (unsigned h = 2; h < 2 + harmonics; ++h) {
        double f = std::fmod(double(h) * f0, fs);
        if (f > fs / 2)
            f = fs - f;
        distortion += claim(std::lround(f / engine.binWidth()));
    }

    double noiseSum = 0, spur = 0;
    long noiseBins = 0, spurBin = -1;
    for (long k = 0; k < nb; ++k) {
        const bool insideTone = std::labs(k - k0) <= w;
        const bool insideDc = k <= w;
        if (!insideTone && !insideDc && p[std::size_t(k)] > spur) {
            spur = p[std::size_t(k)];
            spurBin = k;
        }
        if (!used[std::size_t(k)]) {
            noiseSum += p[std::size_t(k)];
            ++noiseBins;
        }
    }
    if (noiseBins == 0)
        return fail("no noise bins left outside the tone and its harmonics");
    const double noisePerBin = noiseSum / double(noiseBins);
    const double noise = noisePerBin * double(nb - (w + 1));

    ToneMetrics m;
    m.fundamentalHz = f0;
    // The tone's level from the power of its whole main lobe, less the noise under it: a sine
    // of amplitude A puts N sum(w^2) A^2 / 4 into its lobe wherever it falls between bins, so
    // unlike the peak bin (which drops by the window's scalloping loss, up to 1.4 dB for Hann)
    // this reads A with every window.
    const double lobeBins = double(std::min(nb - 1, k0 + w) - std::max(0L, k0 - w) + 1);
    const double lobePower = std::max(signal - noisePerBin * lobeBins, 0.0);
    const double amplitude =
        2 *
        std::sqrt(lobePower / (double(engine.config().size) * engine.windowFactors().sumSquares));
    m.fundamentalDbfs = 20 * std::log10(amplitude / engine.config().fullScale);
    m.snrDb = 10 * std::log10(signal / noise);
    m.thdDbc = 10 * std::log10(std::max(distortion, 1e-300) / signal);
    m.sinadDb = 10 * std::log10(signal / (noise + distortion));
    m.enob = (m.sinadDb - 1.76) / 6.02;
    m.sfdrDbc = spurBin >= 0 ? 10 * std::log10(p[std::size_t(k0)] / spur) : 0;
    m.worstSpurHz = spurBin >= 0 ? engine.frequency(std::size_t(spurBin)) : 0;
    // A bin holding noisePerBin reads, as a one-sided amplitude (c = 2):
    const double a = 2 * std::sqrt(noisePerBin) / engine.windowFactors().sum;
    m.noiseFloorDbfs = 20 * std::log10(a / engine.config().fullScale);
    m.windowCeiling = windowCeiling(engine.config().window);
    m.windowLimited =
        m.snrDb > m.windowCeiling.snrDb - 3 || m.sfdrDbc > m.windowCeiling.sfdrDbc - 3;
    return m;
}

} // namespace dmascope::dsp

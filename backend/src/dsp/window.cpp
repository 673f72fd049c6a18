#include "dmascope/dsp/window.h"

#include <cmath>
#include <numbers>

namespace dmascope::dsp {

namespace {
struct Named
{
    WindowType type;
    const char *name;
};
constexpr Named kNames[] = {
    {WindowType::Rectangular, "rectangular"}, {WindowType::Hann, "hann"},
    {WindowType::Hamming, "hamming"},         {WindowType::Blackman, "blackman"},
    {WindowType::BlackmanHarris, "blackman-harris"}, {WindowType::FlatTop, "flattop"},
    {WindowType::Kaiser, "kaiser"},
};

// Sum of cosines: a0 - a1 cos(x) + a2 cos(2x) - a3 cos(3x) + a4 cos(4x).
double cosineSum(const double (&a)[5], double x)
{
    return a[0] - a[1] * std::cos(x) + a[2] * std::cos(2 * x) - a[3] * std::cos(3 * x) +
           a[4] * std::cos(4 * x);
}

// Modified Bessel function of the first kind, order 0 (power series; converges fast for the
// beta values windows use).
double besselI0(double x)
{
    double term = 1, sum = 1;
    const double q = x * x / 4;
    for (int k = 1; k < 200 && term > 1e-17 * sum; ++k) {
        term *= q / (double(k) * double(k));
        sum += term;
    }
    return sum;
}
} // namespace

std::optional<WindowSpec> WindowSpec::parse(std::string_view text, std::string *error)
{
    std::string_view name = text;
    std::optional<double> beta;
    if (const auto colon = text.find(':'); colon != std::string_view::npos) {
        name = text.substr(0, colon);
        const std::string arg(text.substr(colon + 1));
        char *end = nullptr;
        const double v = std::strtod(arg.c_str(), &end);
        if (arg.empty() || *end != '\0' || !(v >= 0 && v <= 50)) {
            if (error)
                *error = "window '" + std::string(text) + "': beta must be a number 0..50";
            return std::nullopt;
        }
        beta = v;
    }
    for (const Named &n : kNames) {
        if (name != n.name)
            continue;
        if (beta && n.type != WindowType::Kaiser) {
            if (error)
                *error = "window '" + std::string(text) + "': only kaiser takes a parameter";
            return std::nullopt;
        }
        WindowSpec spec;
        spec.type = n.type;
        if (beta)
            spec.kaiserBeta = *beta;
        return spec;
    }
    if (error) {
        *error = "unknown window '" + std::string(text) + "' (expected one of:";
        for (const Named &n : kNames)
            *error += std::string(" ") + n.name;
        *error += "; kaiser takes :BETA)";
    }
    return std::nullopt;
}

std::string WindowSpec::toString() const
{
    for (const Named &n : kNames)
        if (n.type == type)
            return type == WindowType::Kaiser
                       ? std::string(n.name) + ":" + std::to_string(kaiserBeta)
                       : std::string(n.name);
    return "?";
}

std::vector<float> makeHalfWindow(const WindowSpec &spec, std::size_t n)
{
    static constexpr double kHann[5] = {0.5, 0.5, 0, 0, 0};
    static constexpr double kHamming[5] = {0.54, 0.46, 0, 0, 0};
    static constexpr double kBlackman[5] = {0.42, 0.5, 0.08, 0, 0};
    static constexpr double kBlackmanHarris[5] = {0.35875, 0.48829, 0.14128, 0.01168, 0};
    // The flat-top of Matlab/SRS analysers: under 0.01 dB of scalloping.
    static constexpr double kFlatTop[5] = {0.21557895, 0.41663158, 0.277263158, 0.083578947,
                                           0.006947368};
    std::vector<float> w(n ? n / 2 + 1 : 0);
    const double step = 2 * std::numbers::pi / double(n);
    const double i0Beta = besselI0(spec.kaiserBeta);
    for (std::size_t k = 0; k < w.size(); ++k) {
        const double x = step * double(k);
        double v = 1;
        switch (spec.type) {
        case WindowType::Rectangular: v = 1; break;
        case WindowType::Hann: v = cosineSum(kHann, x); break;
        case WindowType::Hamming: v = cosineSum(kHamming, x); break;
        case WindowType::Blackman: v = cosineSum(kBlackman, x); break;
        case WindowType::BlackmanHarris: v = cosineSum(kBlackmanHarris, x); break;
        case WindowType::FlatTop: v = cosineSum(kFlatTop, x); break;
        case WindowType::Kaiser: {
            const double r = 2.0 * double(k) / double(n) - 1.0; // periodic: centre at n/2
            v = besselI0(spec.kaiserBeta * std::sqrt(std::max(0.0, 1 - r * r))) / i0Beta;
            break;
        }
        }
        w[k] = static_cast<float>(v);
    }
    return w;
}

std::vector<float> makeWindow(const WindowSpec &spec, std::size_t n)
{
    std::vector<float> w = makeHalfWindow(spec, n);
    w.resize(n);
    for (std::size_t k = n / 2 + 1; k < n; ++k)
        w[k] = w[n - k];
    return w;
}

namespace {
WindowFactors finish(WindowFactors f, double n)
{
    if (n > 0 && f.sum != 0) {
        f.coherentGain = f.sum / n;
        f.enbwBins = n * f.sumSquares / (f.sum * f.sum);
    }
    return f;
}
} // namespace

WindowFactors windowFactors(const std::vector<float> &window)
{
    WindowFactors f;
    for (float v : window) {
        f.sum += v;
        f.sumSquares += double(v) * v;
    }
    return finish(f, double(window.size()));
}

WindowFactors halfWindowFactors(const std::vector<float> &half, std::size_t n)
{
    // w[k] for k = 1..n-1 is half[min(k, n - k)]: every index of the half but 0 (and n/2 when n
    // is even, its own mirror) counts twice.
    WindowFactors f;
    for (std::size_t k = 0; k < half.size() && k < n; ++k) {
        const double weight = (k == 0 || 2 * k == n) ? 1 : 2;
        f.sum += weight * half[k];
        f.sumSquares += weight * double(half[k]) * half[k];
    }
    return finish(f, double(n));
}

} // namespace dmascope::dsp

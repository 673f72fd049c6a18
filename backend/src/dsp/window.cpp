#include "dmascope/dsp/window.h"

#include "simd_clones.h"

#include <algorithm>
#include <charconv>
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
    for (const Named &n : kNames) {
        if (n.type != type)
            continue;
        if (type != WindowType::Kaiser)
            return n.name;
        // The shortest text that parses back to the same beta ("kaiser:8.6", not 8.600000).
        char beta[32];
        const auto end = std::to_chars(beta, beta + sizeof beta, kaiserBeta).ptr;
        return std::string(n.name) + ":" + std::string(beta, end);
    }
    return "?";
}

namespace {
// The periodic window of length n as a function of the sample index, in double.
class WindowFunction
{
public:
    WindowFunction(const WindowSpec &spec, std::size_t n)
        : spec_(spec), n_(double(n)), step_(2 * std::numbers::pi / double(n)),
          i0Beta_(spec.type == WindowType::Kaiser ? besselI0(spec.kaiserBeta) : 1)
    {
    }

    double operator()(double k) const
    {
        static constexpr double kHann[5] = {0.5, 0.5, 0, 0, 0};
        static constexpr double kHamming[5] = {0.54, 0.46, 0, 0, 0};
        static constexpr double kBlackman[5] = {0.42, 0.5, 0.08, 0, 0};
        static constexpr double kBlackmanHarris[5] = {0.35875, 0.48829, 0.14128, 0.01168, 0};
        // The flat-top of Matlab/SRS analysers: under 0.01 dB of scalloping.
        static constexpr double kFlatTop[5] = {0.21557895, 0.41663158, 0.277263158, 0.083578947,
                                               0.006947368};
        const double x = step_ * k;
        switch (spec_.type) {
        case WindowType::Rectangular: return 1;
        case WindowType::Hann: return cosineSum(kHann, x);
        case WindowType::Hamming: return cosineSum(kHamming, x);
        case WindowType::Blackman: return cosineSum(kBlackman, x);
        case WindowType::BlackmanHarris: return cosineSum(kBlackmanHarris, x);
        case WindowType::FlatTop: return cosineSum(kFlatTop, x);
        case WindowType::Kaiser: {
            const double r = 2.0 * k / n_ - 1.0; // periodic: centre at n/2
            return besselI0(spec_.kaiserBeta * std::sqrt(std::max(0.0, 1 - r * r))) / i0Beta_;
        }
        }
        return 1;
    }

private:
    WindowSpec spec_;
    double n_;
    double step_;
    double i0Beta_;
};
} // namespace

std::vector<float> makeHalfWindow(const WindowSpec &spec, std::size_t n)
{
    std::vector<float> w(n ? n / 2 + 1 : 0);
    const WindowFunction window(spec, n);
    for (std::size_t k = 0; k < w.size(); ++k)
        w[k] = static_cast<float>(window(double(k)));
    return w;
}

std::optional<InterpolatedWindow> InterpolatedWindow::make(const WindowSpec &spec, std::size_t n)
{
    const WindowFunction window(spec, n);
    // Largest step first: the error falls with the square of the step.
    for (unsigned shift = 16; (std::size_t(1) << shift) >= kMinStep; --shift) {
        const std::size_t step = std::size_t(1) << shift;
        if (n % step != 0 || n / step < kMinSegments)
            continue;
        const std::size_t segments = n / step;
        bool close = true;
        for (std::size_t q = 0; q < segments && close; ++q) {
            const double x = double(q * step);
            const double a = window(x), b = window(x + double(step));
            for (const double t : {0.25, 0.5, 0.75})
                close = close &&
                        std::fabs(window(x + t * double(step)) - (a + t * (b - a))) <= kTolerance;
        }
        if (!close)
            continue;
        std::vector<float> knots(segments + 1);
        for (std::size_t q = 0; q <= segments; ++q)
            knots[q] = static_cast<float>(window(double(q * step)));
        return InterpolatedWindow(std::move(knots), shift);
    }
    return std::nullopt;
}

DMASCOPE_SIMD_CLONES void drawWindow(const WindowRun &w, std::size_t count,
                                     float *__restrict out) noexcept
{
    if (w.knots) {
        forEachLine(w, count, [out](std::size_t i, std::size_t take, float a, float slope, int r) {
            float *__restrict o = out + i;
            for (int j = 0; j < int(take); ++j)
                o[j] = a + float(r + j) * slope;
        });
    } else if (w.reversed) {
        for (std::size_t i = 0; i < count; ++i)
            out[i] = w.at[-static_cast<std::ptrdiff_t>(i)];
    } else {
        std::copy(w.at, w.at + count, out);
    }
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
// Adds w[0..count-1] to the sums of f.
void accumulate(WindowFactors &f, const float *w, std::size_t count)
{
    for (std::size_t k = 0; k < count; ++k) {
        f.sum += w[k];
        f.sumSquares += double(w[k]) * w[k];
    }
}

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
    accumulate(f, window.data(), window.size());
    return finish(f, double(window.size()));
}

WindowFactors InterpolatedWindow::factors() const
{
    const std::size_t n = (knots_.size() - 1) << shift_;
    constexpr std::size_t kPiece = 4096;
    std::vector<float> piece(kPiece);
    WindowFactors f;
    for (std::size_t first = 0; first < n; first += kPiece) {
        const std::size_t count = std::min(kPiece, n - first);
        fill(first, count, piece.data());
        accumulate(f, piece.data(), count);
    }
    return finish(f, double(n));
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

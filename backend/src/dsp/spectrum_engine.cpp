#include "dmascope/dsp/spectrum_engine.h"

#include "simd_clones.h"

#include <fftw3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace dmascope::dsp {

using Clock = std::chrono::steady_clock;

namespace {
bool sameName(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x))
                      == std::tolower(static_cast<unsigned char>(y));
           });
}
constexpr SpectrumUnit kUnits[] = {SpectrumUnit::Dbfs, SpectrumUnit::Dbv,
                                   SpectrumUnit::VoltsPerRootHz};
constexpr Averaging kAveraging[] = {Averaging::None, Averaging::Linear, Averaging::Exponential,
                                    Averaging::PeakHold, Averaging::MinHold};
} // namespace

const char *toString(SpectrumUnit unit) noexcept
{
    switch (unit) {
    case SpectrumUnit::Dbfs: return "dbfs";
    case SpectrumUnit::Dbv: return "dbv";
    case SpectrumUnit::VoltsPerRootHz: return "v/rthz";
    }
    return "";
}

const char *unitLabel(SpectrumUnit unit) noexcept
{
    switch (unit) {
    case SpectrumUnit::Dbfs: return "dBFS";
    case SpectrumUnit::Dbv: return "dBV";
    case SpectrumUnit::VoltsPerRootHz: return "V/\u221aHz";
    }
    return "";
}

const char *toString(Averaging averaging) noexcept
{
    switch (averaging) {
    case Averaging::None: return "none";
    case Averaging::Linear: return "linear";
    case Averaging::Exponential: return "exponential";
    case Averaging::PeakHold: return "peak-hold";
    case Averaging::MinHold: return "min-hold";
    }
    return "";
}

std::optional<SpectrumUnit> spectrumUnitFromString(std::string_view name) noexcept
{
    for (SpectrumUnit u : kUnits)
        if (sameName(name, toString(u)))
            return u;
    return std::nullopt;
}

std::optional<Averaging> averagingFromString(std::string_view name) noexcept
{
    for (Averaging a : kAveraging)
        if (sameName(name, toString(a)))
            return a;
    return std::nullopt;
}

SpectrumEngine::SpectrumEngine(const SpectrumConfig &config) : config_(config)
{
    if (config_.size < 16)
        throw std::invalid_argument("FFT size must be at least 16 points");
    if (!(config_.overlap >= 0 && config_.overlap <= 0.95))
        throw std::invalid_argument("overlap must be between 0 and 0.95");
    if (!(config_.sampleRate > 0))
        throw std::invalid_argument("sample rate must be positive");
    config_.averages = std::max(1u, config_.averages);
    // A long window is drawn from knots: its factors come from the knots too, so the
    // coefficients are never computed or stored at full length.
    interpolated_ = InterpolatedWindow::make(config_.window, config_.size);
    if (interpolated_) {
        factors_ = interpolated_->factors();
    } else {
        window_ = makeHalfWindow(config_.window, config_.size);
        factors_ = halfWindowFactors(window_, config_.size);
    }
    hop_ = std::max<std::size_t>(1, std::size_t(std::lround(double(config_.size) *
                                                            (1.0 - config_.overlap))));
    const std::size_t n = config_.size;
    const std::size_t k = config_.complexInput ? 2 : 1;
    plan_ = config_.complexInput ? FftPlans::instance().complexForward(n, config_.effort,
                                                                       config_.threads)
                                 : FftPlans::instance().realForward(n, config_.effort,
                                                                    config_.threads);
    frame_ = allocateFloats(n * k);
    fft_ = allocateFloats(config_.complexInput ? 2 * n : 2 * (n / 2 + 1));
    chunk_.assign(kChunk * k, 0.f);
    acc_.assign(bins(), 0.f);
    shown_.assign(bins(), 0.f);
}

double SpectrumEngine::frequency(std::size_t bin) const
{
    if (config_.complexInput)
        return (double(bin) - double(config_.size / 2)) * binWidth();
    return double(bin) * binWidth();
}

std::size_t SpectrumEngine::feed(const float *re, const float *im, std::size_t n)
{
    if (config_.complexInput) {
        struct Interleave
        {
            const float *re, *im;
            void operator()(float *dst, std::size_t first, std::size_t count) const
            {
                for (std::size_t i = 0; i < count; ++i) {
                    dst[2 * i] = re[first + i];
                    dst[2 * i + 1] = im ? im[first + i] : 0.f;
                }
            }
        };
        return feedWith(n, Interleave{re, im});
    }
    struct Copy
    {
        const float *re;
        void operator()(float *dst, std::size_t first, std::size_t count) const
        {
            std::memcpy(dst, re + first, count * sizeof(float));
        }
        void operator()(float *dst, std::size_t first, std::size_t count, WindowRun w) const
        {
            multiplyWindow(dst, re + first, count, w);
        }
    };
    return feedWith(n, Copy{re});
}

DMASCOPE_SIMD_CLONES void multiplyWindow(float *__restrict dst, const float *__restrict src, std::size_t count,
                    WindowRun w) noexcept
{
    if (w.knots) {
        forEachLine(w, count, [&](std::size_t i, std::size_t take, float a, float slope, int r) {
            float *__restrict o = dst + i;
            const float *__restrict x = src + i;
            for (int j = 0; j < int(take); ++j)
                o[j] = x[j] * (a + float(r + j) * slope);
        });
        return;
    }
    const float *__restrict c = w.at;
    if (w.reversed) {
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = src[i] * c[-static_cast<std::ptrdiff_t>(i)];
    } else {
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = src[i] * c[i];
    }
}

DMASCOPE_SIMD_CLONES void multiplyWindowComplex(float *__restrict dst, const float *__restrict src, std::size_t count,
                           WindowRun w) noexcept
{
    if (w.knots) {
        forEachLine(w, count, [&](std::size_t i, std::size_t take, float a, float slope, int r) {
            float *__restrict o = dst + 2 * i;
            const float *__restrict x = src + 2 * i;
            for (int j = 0; j < int(take); ++j) {
                const float v = a + float(r + j) * slope;
                o[2 * j] = x[2 * j] * v;
                o[2 * j + 1] = x[2 * j + 1] * v;
            }
        });
        return;
    }
    const float *__restrict c = w.at;
    if (w.reversed) {
        for (std::size_t i = 0; i < count; ++i) {
            const float v = c[-static_cast<std::ptrdiff_t>(i)];
            dst[2 * i] = src[2 * i] * v;
            dst[2 * i + 1] = src[2 * i + 1] * v;
        }
    } else {
        for (std::size_t i = 0; i < count; ++i) {
            dst[2 * i] = src[2 * i] * c[i];
            dst[2 * i + 1] = src[2 * i + 1] * c[i];
        }
    }
}

void SpectrumEngine::applyWindow(const float *samples, std::size_t first, std::size_t count)
{
    const std::size_t k = config_.complexInput ? 2 : 1;
    while (count > 0) {
        std::size_t take = count;
        const WindowRun w = windowRun(first, take);
        float *in = fft_.get() + first * k;
        if (config_.complexInput)
            multiplyWindowComplex(in, samples, take, w);
        else
            multiplyWindow(in, samples, take, w);
        samples += take * k;
        first += take;
        count -= take;
    }
}

void SpectrumEngine::transformFrame()
{
    const auto t0 = Clock::now();
    const std::size_t n = config_.size;
    const std::size_t k = config_.complexInput ? 2 : 1;
    const bool overlapped = hop_ != n;
    if (overlapped)
        applyWindow(frame_.get(), 0, n);
    const auto t1 = Clock::now();
    auto *spectrum = reinterpret_cast<fftwf_complex *>(fft_.get());
    if (config_.complexInput)
        fftwf_execute_dft(plan_, spectrum, spectrum);
    else
        fftwf_execute_dft_r2c(plan_, fft_.get(), spectrum);
    const auto t2 = Clock::now();
    accumulate();
    // Keep the overlap for the next frame.
    const std::size_t keep = overlapped ? n - hop_ : 0;
    if (keep > 0)
        std::memmove(frame_.get(), frame_.get() + (n - keep) * k, keep * k * sizeof(float));
    filled_ = keep;
    ++computed_;
    const auto t3 = Clock::now();
    timing_.fftSeconds += std::chrono::duration<double>(t2 - t1).count();
    timing_.otherSeconds += std::chrono::duration<double>((t1 - t0) + (t3 - t2)).count();
}

namespace {
// Applies `update(bin, |X|^2)` to every output bin in output order (complex spectra reordered so
// bin 0 is -fs/2): one pass over FFTW's output, no intermediate spectrum.
template <typename Update>
DMASCOPE_SIMD_CLONES void forEachPower(const float *x, std::size_t n, bool complexInput, Update &&update)
{
    if (!complexInput) {
        for (std::size_t i = 0; i < n / 2 + 1; ++i)
            update(i, x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1]);
        return;
    }
    // Negative frequencies (upper part of FFTW's output) first, then DC and up.
    const std::size_t neg = n - n / 2;
    for (std::size_t i = 0; i < n / 2; ++i) {
        const float *c = x + 2 * (i + neg);
        update(i, c[0] * c[0] + c[1] * c[1]);
    }
    for (std::size_t i = 0; i < neg; ++i)
        update(n / 2 + i, x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1]);
}
} // namespace

void SpectrumEngine::accumulate()
{
    const float *x = fft_.get();
    const std::size_t n = config_.size;
    const bool cplx = config_.complexInput;
    float *acc = acc_.data();
    float *shown = shown_.data();
    const bool first = accCount_ == 0;
    switch (config_.averaging) {
    case Averaging::None:
        forEachPower(x, n, cplx, [shown](std::size_t i, float p) { shown[i] = p; });
        shownCount_ = 1;
        return;
    case Averaging::Linear: {
        if (first)
            forEachPower(x, n, cplx, [acc](std::size_t i, float p) { acc[i] = p; });
        else
            forEachPower(x, n, cplx, [acc](std::size_t i, float p) { acc[i] += p; });
        ++accCount_;
        // Show the running mean until a group completes, then each completed group.
        if (accCount_ == config_.averages || shownCount_ < config_.averages) {
            const float inv = 1.f / float(accCount_);
            for (std::size_t i = 0; i < shown_.size(); ++i)
                shown[i] = acc[i] * inv;
            shownCount_ = accCount_;
        }
        if (accCount_ == config_.averages)
            accCount_ = 0;
        return;
    }
    case Averaging::Exponential: {
        const float alpha = 1.f / float(config_.averages);
        if (first)
            forEachPower(x, n, cplx, [shown](std::size_t i, float p) { shown[i] = p; });
        else
            forEachPower(x, n, cplx,
                         [shown, alpha](std::size_t i, float p) { shown[i] += (p - shown[i]) * alpha; });
        break;
    }
    case Averaging::PeakHold:
        if (first)
            forEachPower(x, n, cplx, [shown](std::size_t i, float p) { shown[i] = p; });
        else
            forEachPower(x, n, cplx,
                         [shown](std::size_t i, float p) { shown[i] = std::max(shown[i], p); });
        break;
    case Averaging::MinHold:
        if (first)
            forEachPower(x, n, cplx, [shown](std::size_t i, float p) { shown[i] = p; });
        else
            forEachPower(x, n, cplx,
                         [shown](std::size_t i, float p) { shown[i] = std::min(shown[i], p); });
        break;
    }
    // Exponential and the holds keep their state in shown_ itself.
    ++accCount_;
    shownCount_ = accCount_;
}

double SpectrumEngine::binScale(std::size_t bin) const
{
    if (config_.complexInput)
        return 1;
    return (bin == 0 || (config_.size % 2 == 0 && bin == config_.size / 2)) ? 1 : 2;
}

double SpectrumEngine::amplitude(std::size_t bin) const
{
    return binScale(bin) * std::sqrt(double(shown_[bin])) / factors_.sum;
}

void SpectrumEngine::spectrum(std::vector<float> &out, SpectrumUnit unit) const
{
    const std::size_t nb = bins();
    out.resize(nb);
    // Floor far below any real signal so log10 never sees 0.
    constexpr double kTiny = 1e-30;
    switch (unit) {
    case SpectrumUnit::Dbfs:
    case SpectrumUnit::Dbv: {
        const double ref = unit == SpectrumUnit::Dbfs ? config_.fullScale : std::sqrt(2.0);
        for (std::size_t i = 0; i < nb; ++i) {
            // DC has no RMS-vs-peak factor.
            const double r = (unit == SpectrumUnit::Dbv && !config_.complexInput && i == 0) ? 1.0
                                                                                            : ref;
            const double a = amplitude(i) / r;
            out[i] = float(10.0 * std::log10(a * a + kTiny));
        }
        break;
    }
    case SpectrumUnit::VoltsPerRootHz: {
        const double norm = config_.sampleRate * factors_.sumSquares;
        for (std::size_t i = 0; i < nb; ++i)
            out[i] = float(std::sqrt(binScale(i) * double(shown_[i]) / norm));
        break;
    }
    }
}

void SpectrumEngine::reset()
{
    filled_ = 0;
    accCount_ = 0;
    shownCount_ = 0;
    computed_ = 0;
    std::fill(acc_.begin(), acc_.end(), 0.f);
    std::fill(shown_.begin(), shown_.end(), 0.f);
}

} // namespace dmascope::dsp

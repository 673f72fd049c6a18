#include "dmascope/dsp/fft_plans.h"

#include <fftw3.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <tuple>

namespace dmascope::dsp {

struct FftPlans::Impl
{
    std::mutex lock; // guards every FFTW planner / wisdom call and `plans`
    // (kind, size, threads, effort) -> plan; kind 0 = real, 1 = complex
    std::map<std::tuple<int, std::size_t, int, int>, fftwf_plan> plans;
    std::string wisdom;
};

namespace {
std::string defaultWisdomPath()
{
    if (const char *p = std::getenv("DMASCOPE_FFTW_WISDOM"); p && *p)
        return p;
    std::filesystem::path base;
    if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x)
        base = x;
    else if (const char *h = std::getenv("HOME"); h && *h)
        base = std::filesystem::path(h) / ".cache";
    else
        return {};
    return (base / "dmascope" / "fftwf-wisdom").string();
}

int pickThreads(std::size_t n, int threads)
{
    if (threads > 0)
        return threads;
    if (n < FftPlans::kThreadedFrom)
        return 1;
    return std::max(1, int(std::thread::hardware_concurrency()));
}
} // namespace

FftPlans &FftPlans::instance()
{
    static FftPlans plans;
    return plans;
}

FftPlans::FftPlans() : d(std::make_unique<Impl>())
{
    std::lock_guard guard(d->lock);
    fftwf_init_threads();
    d->wisdom = defaultWisdomPath();
    if (!d->wisdom.empty())
        fftwf_import_wisdom_from_filename(d->wisdom.c_str()); // a missing file is fine
}

FftPlans::~FftPlans()
{
    std::lock_guard guard(d->lock);
    for (auto &[key, plan] : d->plans)
        fftwf_destroy_plan(plan);
}

std::string FftPlans::wisdomPath() const { return d->wisdom; }

namespace {
fftwf_plan makePlan(int kind, std::size_t n, PlanEffort effort)
{
    const unsigned flags = effort == PlanEffort::Measure ? FFTW_MEASURE : FFTW_ESTIMATE;
    // Planning with MEASURE overwrites the array: plan on a scratch array of the right size and
    // alignment and execute later on the caller's (new-array execute interface). In place: the
    // engine's working set is one array, not two, which leaves the cache to the raw block; the
    // 1M pipeline ran 10-15 % faster, Estimate plans of 2M-8M up to twice as fast, 16M 7-13 %
    // slower on one thread (docs/PERFORMANCE.md).
    if (kind == 0) {
        FftwArray<float> data = allocateFloats(2 * (n / 2 + 1));
        return fftwf_plan_dft_r2c_1d(int(n), data.get(),
                                     reinterpret_cast<fftwf_complex *>(data.get()), flags);
    }
    FftwArray<float> data = allocateFloats(2 * n);
    auto *c = reinterpret_cast<fftwf_complex *>(data.get());
    return fftwf_plan_dft_1d(int(n), c, c, FFTW_FORWARD, flags);
}
} // namespace

fftwf_plan FftPlans::realForward(std::size_t n, PlanEffort effort, int threads)
{
    return plan(0, n, effort, threads);
}

fftwf_plan FftPlans::complexForward(std::size_t n, PlanEffort effort, int threads)
{
    return plan(1, n, effort, threads);
}

fftwf_plan FftPlans::plan(int kind, std::size_t n, PlanEffort effort, int threads)
{
    const int t = pickThreads(n, threads);
    std::lock_guard guard(d->lock);
    const auto key = std::make_tuple(kind, n, t, int(effort));
    if (auto it = d->plans.find(key); it != d->plans.end())
        return it->second;
    fftwf_plan_with_nthreads(t);
    fftwf_plan p = makePlan(kind, n, effort);
    if (!p)
        throw std::runtime_error("FFTW could not plan an FFT of " + std::to_string(n) + " points");
    d->plans.emplace(key, p);
    if (effort == PlanEffort::Measure && !d->wisdom.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(d->wisdom).parent_path(), ec);
        fftwf_export_wisdom_to_filename(d->wisdom.c_str());
    }
    return p;
}

template <> void FftwDeleter<float>::operator()(float *p) const noexcept { fftwf_free(p); }

FftwArray<float> allocateFloats(std::size_t n)
{
    auto *p = static_cast<float *>(fftwf_malloc(sizeof(float) * std::max<std::size_t>(n, 1)));
    if (!p)
        throw std::bad_alloc();
    return FftwArray<float>(p);
}

} // namespace dmascope::dsp

// FFTW single-precision plans, created once per size and reused by every spectrum engine, with
// FFTW's wisdom kept in the user's cache directory so the next start plans at once.
//
// FFTW's planner is not thread-safe; executing a plan is. Every planner call (and wisdom I/O)
// happens under one process-wide mutex here; plans are executed without it, on the caller's
// own arrays (fftwf_execute_dft_r2c / fftwf_execute_dft), which must come from fftwf_malloc.
// Plans are in place: executed with the output at the input's address.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

typedef struct fftwf_plan_s *fftwf_plan;

namespace dmascope::dsp {

enum class PlanEffort {
    Estimate, // plans at once from heuristics
    Measure,  // times candidate algorithms once (seconds for large sizes), then reuses wisdom
};

class FftPlans
{
public:
    static FftPlans &instance();

    // A real-to-complex forward plan of size n (n/2+1 complex outputs, written over the input:
    // the array holds 2 * (n/2+1) floats), and a complex forward plan, in place. `threads` = 0
    // picks: all cores for sizes where threading pays off, else 1.
    fftwf_plan realForward(std::size_t n, PlanEffort effort, int threads = 0);
    fftwf_plan complexForward(std::size_t n, PlanEffort effort, int threads = 0);

    // Where wisdom lives: $XDG_CACHE_HOME/dmascope/fftwf-wisdom (or ~/.cache/...), or
    // DMASCOPE_FFTW_WISDOM when set. Saved after every new Measure plan.
    std::string wisdomPath() const;

    // Sizes from this one up are planned with threads (when threads = 0).
    static constexpr std::size_t kThreadedFrom = std::size_t(1) << 18;

private:
    FftPlans();
    fftwf_plan plan(int kind, std::size_t n, PlanEffort effort, int threads);
    ~FftPlans();
    struct Impl;
    std::unique_ptr<Impl> d;
};

// fftwf_malloc'ed array, freed with fftwf_free: the alignment FFTW's SIMD code wants.
template <typename T> struct FftwDeleter
{
    void operator()(T *p) const noexcept;
};
template <typename T> using FftwArray = std::unique_ptr<T[], FftwDeleter<T>>;
FftwArray<float> allocateFloats(std::size_t n);

} // namespace dmascope::dsp

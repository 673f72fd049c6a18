// Internal: a second build of the auto-vectorised hot loops for current x86-64 CPUs.
#pragma once

// A function marked DMASCOPE_SIMD_CLONES is compiled twice, for baseline x86-64 and for
// x86-64-v3 (AVX2, FMA), and an ifunc resolver picks one when the library loads: the package
// runs on any x86-64 and loops that work from cache (a 64K-point frame) take half the vector
// instructions per sample. Unoptimised (Debug, sanitizer) builds keep one plain copy.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__)
#define DMASCOPE_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define DMASCOPE_SIMD_CLONES
#endif

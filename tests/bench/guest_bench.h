// What the benchmarks that run in the QEMU guest share: throughput and CPU measurement, and the
// raw IIO DMABUF and read() cycles on iio-sim-adc in throughput mode (the baselines the stream
// engine is compared with).
#pragma once

#include "dmascope/iio_sysfs.h"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace guestbench {

constexpr std::size_t kFrameBytes = 8; // all four s16-stored channels

struct Result
{
    double mibPerSec = 0;
    double processCpu = 0; // this process, % of one core
    double systemCpu = 0;  // whole guest (includes the driver's fill thread), % of one core
};

// Busy time of the whole machine in clock ticks, from /proc/stat.
unsigned long long machineBusyTicks();
// CPU time (user + system) of this process so far.
double processCpuSeconds();
// Reads every byte, so the data really crosses the CPU (the compiler cannot drop it).
std::uint64_t touch(const std::uint8_t *data, std::size_t bytes);
extern volatile std::uint64_t g_sink;

// The Result of `bytes` moved in `elapsed` s from the CPU counters taken at the start.
Result finish(std::uint64_t bytes, double elapsed, double cpu0, unsigned long long busy0);

// Calls step() (which moves one block of `blockBytes`) for `seconds`.
template <typename Step>
Result measure(double seconds, std::size_t blockBytes, Step step)
{
    using Clock = std::chrono::steady_clock;
    const double cpu0 = processCpuSeconds();
    const unsigned long long busy0 = machineBusyTicks();
    const auto t0 = Clock::now();
    std::uint64_t bytes = 0;
    double elapsed = 0;
    while (elapsed < seconds) {
        step();
        bytes += blockBytes;
        elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    }
    return finish(bytes, elapsed, cpu0, busy0);
}

// Throughput mode on, all four channels, buffer/length of `lengthBlocks` blocks (buffer-dma's
// read() path splits the length into two blocks; DMABUF ignores it).
void prepareAdc(const dmascope::IioSysfsDevice &adc, std::size_t blockBytes,
                std::size_t lengthBlocks);
// `blockCount` DMABUFs from the system heap cycled through ENQUEUE / POLLIN / SYNC, with no
// stream engine.
Result benchDmabuf(const dmascope::IioSysfsDevice &adc, std::size_t blockBytes, bool readAll,
                   double seconds, unsigned blockCount);
// read() of whole blocks into one buffer.
Result benchRead(const dmascope::IioSysfsDevice &adc, std::size_t blockBytes, bool readAll,
                 double seconds);

} // namespace guestbench

// Kernel data-path benchmark (runs in the QEMU guest, see scripts/bench kernel): throughput and
// CPU use of the IIO DMABUF cycle versus read() on iio-sim-adc in throughput mode, for several
// block sizes, (a) fetching blocks only and (b) reading every byte. Prints a Markdown table.
#include "guest_bench.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

using namespace dmascope;
using namespace guestbench;

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    try {
        const auto adc = IioSysfsDevice::find("iio-sim-adc");
        std::printf("| block | access | DMABUF MiB/s | read() MiB/s | DMABUF/read() | "
                    "DMABUF CPU (proc/sys %%) | read() CPU (proc/sys %%) |\n");
        std::printf("|---|---|---|---|---|---|---|\n");
        for (const std::size_t kib : {64u, 1024u, 4096u}) {
            for (const bool readAll : {false, true}) {
                const Result d = benchDmabuf(adc, kib * 1024, readAll, seconds, 4);
                const Result f = benchRead(adc, kib * 1024, readAll, seconds);
                std::printf("| %zu KiB | %s | %.0f | %.0f | %.2fx | %.0f / %.0f | %.0f / %.0f |\n",
                            kib, readAll ? "read every byte" : "fetch only", d.mibPerSec,
                            f.mibPerSec, d.mibPerSec / f.mibPerSec, d.processCpu, d.systemCpu,
                            f.processCpu, f.systemCpu);
                std::fflush(stdout);
            }
        }
        adc.write("throughput_mode", "0");
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_kernel: %s\n", e.what());
        return 1;
    }
    return 0;
}

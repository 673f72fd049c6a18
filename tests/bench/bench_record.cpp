// Recording benchmark (scripts/bench record). Prints Markdown tables; never fails on a figure.
//
//   bench_record disk DIR [MiB]   SigmfWriter vs dd on the file system of DIR, in one run: the
//                                 same bytes, the same block size and the same fsync policy
//                                 (none: page cache; end: fdatasync before the clock stops).
//                                 The source is the demo device in throughput mode (it fills a
//                                 block as soon as one is free, at almost no CPU), with fewer
//                                 blocks than the recorder's queue, so the recorder is the
//                                 bottleneck and never overruns: the figure is the writer's.
//                                 CPU per GiB is this process's (writer + source) and dd's.
//   bench_record vm DIR [SECONDS] in the QEMU guest: the highest iio_sim sampling rate recorded
//                                 over DMABUF to DIR with zero overruns, zero driver drops and
//                                 no discontinuity for SECONDS (default 30): short probes going
//                                 up, then a full-length confirmation going down.
#include "dmascope/dmabuf_stream.h"
#include "dmascope/iio_sysfs.h"
#include "dmascope/record/sigmf_writer.h"
#include "dmascope/sim_stream.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace dmascope;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kSimFrames = 65536; // 4 channels x 2 bytes: 512 KiB blocks
constexpr std::size_t kSimFrameBytes = 8;
constexpr std::size_t kBlockBytes = kSimFrames * kSimFrameBytes;

double cpuSeconds(int who)
{
    rusage ru{};
    getrusage(who, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Figure
{
    double mbPerSec = 0;  // 1 MB = 1e6 bytes
    double cpuPerGiB = 0; // CPU seconds per GiB written
    std::string note;
};

void syncFile(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ::fdatasync(fd);
        ::close(fd);
    }
}

Figure runDd(const std::string &dir, std::size_t blocks, bool fsyncAtEnd)
{
    const std::string out = dir + "/bench-dd.bin";
    const std::string cmd = "dd if=/dev/zero of='" + out + "' bs=" + std::to_string(kBlockBytes) +
                            " count=" + std::to_string(blocks) +
                            (fsyncAtEnd ? " conv=fdatasync" : "") + " status=none";
    const double cpu0 = cpuSeconds(RUSAGE_CHILDREN);
    const auto t0 = Clock::now();
    const int rc = std::system(cmd.c_str());
    const double s = since(t0);
    const double cpu = cpuSeconds(RUSAGE_CHILDREN) - cpu0;
    ::unlink(out.c_str());
    Figure f;
    const double bytes = double(blocks) * kBlockBytes;
    if (rc != 0) {
        f.note = "dd failed (status " + std::to_string(rc) + ")";
        return f;
    }
    f.mbPerSec = bytes / s * 1e-6;
    f.cpuPerGiB = cpu / (bytes / double(1u << 30));
    return f;
}

Figure runRecorder(const std::string &dir, std::size_t blocks, bool fsyncAtEnd)
{
    auto device = std::make_shared<SimDevice>();
    device->setThroughputMode(true);
    SimStream stream(device);
    RecordingOptions o;
    o.directory = dir;
    o.name = "bench-recorder";
    o.sampleRate = device->samplingFrequency();
    o.device.device = "iio-sim-adc";
    o.device.uri = "sim:";
    o.limits.bytes = std::uint64_t(blocks) * kBlockBytes;
    o.queueDepth = 64;
    StreamConfig c;
    c.samplesPerBlock = kSimFrames;
    c.blockCount = 16; // < queueDepth: the source waits for the writer, never the other way
    Figure f;
    try {
        SigmfWriter writer(o);
        const double cpu0 = cpuSeconds(RUSAGE_SELF);
        const auto t0 = Clock::now();
        writer.start(stream);
        stream.start(c);
        writer.wait(-1);
        const RecordingProgress p = writer.progress();
        if (fsyncAtEnd)
            syncFile(p.dataPath);
        const double s = since(t0);
        const double cpu = cpuSeconds(RUSAGE_SELF) - cpu0;
        stream.stop();
        ::unlink(p.dataPath.c_str());
        ::unlink(p.metaPath.c_str());
        if (p.state == RecordingState::Failed) {
            f.note = p.error;
            return f;
        }
        f.mbPerSec = double(p.bytes) / s * 1e-6;
        f.cpuPerGiB = cpu / (double(p.bytes) / double(1u << 30));
        if (p.overruns)
            f.note = std::to_string(p.overruns) + " overruns";
    } catch (const std::exception &e) {
        f.note = e.what();
    }
    return f;
}

int benchDisk(const std::string &dir, std::size_t mib)
{
    const std::size_t blocks = std::max<std::size_t>(1, mib * (1u << 20) / kBlockBytes);
    std::printf("Same disk (%s), %zu MiB in %zu KiB blocks, recorder fed by the demo device in "
                "throughput mode (4 x s16).\n\n",
                dir.c_str(), blocks * kBlockBytes >> 20, kBlockBytes >> 10);
    std::printf("| fsync policy | dd MB/s | recorder MB/s | recorder / dd | dd CPU s/GiB | "
                "recorder CPU s/GiB | note |\n|---|---:|---:|---:|---:|---:|---|\n");
    // A warm-up write, so the first measurement does not pay for the file system's first
    // allocations; then dd and the recorder alternate and each row shows the median of three
    // runs (the machine is shared: single runs scatter).
    runDd(dir, blocks, true);
    const auto median = [](std::vector<Figure> v) {
        std::sort(v.begin(), v.end(),
                  [](const Figure &a, const Figure &b) { return a.mbPerSec < b.mbPerSec; });
        return v[v.size() / 2];
    };
    for (const bool fsyncAtEnd : {false, true}) {
        std::vector<Figure> dds, recs;
        for (int i = 0; i < 3; ++i) {
            dds.push_back(runDd(dir, blocks, fsyncAtEnd));
            recs.push_back(runRecorder(dir, blocks, fsyncAtEnd));
        }
        const Figure dd = median(dds);
        const Figure rec = median(recs);
        std::printf("| %s | %.0f | %.0f | %.0f%% | %.3f | %.3f | %s%s%s |\n",
                    fsyncAtEnd ? "fdatasync at end" : "none (page cache)", dd.mbPerSec,
                    rec.mbPerSec, dd.mbPerSec > 0 ? 100 * rec.mbPerSec / dd.mbPerSec : 0.0,
                    dd.cpuPerGiB, rec.cpuPerGiB, dd.note.c_str(),
                    dd.note.empty() || rec.note.empty() ? "" : "; ", rec.note.c_str());
        std::fflush(stdout);
    }
    return 0;
}

struct Probe
{
    bool clean = false;
    double mbPerSec = 0;
    std::uint64_t overruns = 0, gaps = 0, dropped = 0;
    std::string error;
};

// Records iio-sim-adc (all four channels) at `rate` for `seconds` of samples.
Probe probe(const IioSysfsDevice &adc, const std::string &dir, unsigned rate, double seconds)
{
    Probe r;
    try {
        adc.write("sampling_frequency", std::to_string(rate));
        DmabufStream stream("iio-sim-adc");
        RecordingOptions o;
        o.directory = dir;
        o.name = "bench-vm";
        o.sampleRate = rate;
        o.device.device = "iio-sim-adc";
        o.device.uri = "local:";
        o.limits.seconds = seconds;
        // ~20 ms blocks: 96 in the pool, at most 32 held by the recorder, so a slow writer
        // shows as recorder overruns while the driver still has blocks; driver drops then mean
        // the guest's DMABUF cycle itself fell behind.
        o.queueDepth = 32;
        StreamConfig c;
        c.samplesPerBlock =
            std::max<std::size_t>(4096, std::size_t(rate / 50) & ~std::size_t(1023));
        c.blockCount = 96;
        c.path = PathPreference::Dmabuf;
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(c);
        writer.wait(static_cast<int>(seconds * 4000) + 20000);
        writer.stop();
        stream.stop();
        const RecordingProgress p = writer.progress();
        ::unlink(p.dataPath.c_str());
        ::unlink(p.metaPath.c_str());
        r.mbPerSec = p.megabytesPerSecond;
        r.overruns = p.overruns;
        r.gaps = p.discontinuities;
        r.dropped = std::stoull(adc.read("dropped_samples").value_or("0"));
        r.error = p.error;
        r.clean = p.state == RecordingState::Finished && p.stopReason == "duration limit reached" &&
                  !r.overruns && !r.gaps && !r.dropped;
    } catch (const std::exception &e) {
        r.error = e.what();
    }
    return r;
}

int benchVm(const std::string &dir, double seconds)
{
    std::optional<IioSysfsDevice> adc;
    try {
        adc = IioSysfsDevice::find("iio-sim-adc");
    } catch (const std::exception &e) {
        std::printf("%s (run it in the guest: kernel/vm/run)\n", e.what());
        return 0;
    }
    std::printf("iio-sim-adc, 4 x s16 over DMABUF, recorded to %s (QEMU TCG guest).\n\n",
                dir.c_str());
    std::printf("| rate (S/s) | seconds | MB/s written | overruns | gaps | driver drops | "
                "clean |\n|---:|---:|---:|---:|---:|---:|---|\n");
    const auto row = [](unsigned rate, double s, const Probe &p) {
        std::printf("| %u | %.0f | %.1f | %llu | %llu | %llu | %s%s%s |\n", rate, s, p.mbPerSec,
                    (unsigned long long)p.overruns, (unsigned long long)p.gaps,
                    (unsigned long long)p.dropped, p.clean ? "yes" : "no",
                    p.error.empty() ? "" : ": ", p.error.c_str());
        std::fflush(stdout);
    };
    const std::vector<unsigned> rates = {250'000,   500'000,   1'000'000, 2'000'000,
                                         4'000'000, 8'000'000, 16'000'000};
    std::size_t best = 0;
    bool any = false;
    for (std::size_t i = 0; i < rates.size(); ++i) {
        const Probe p = probe(*adc, dir, rates[i], 3);
        row(rates[i], 3, p);
        if (!p.clean)
            break;
        best = i;
        any = true;
    }
    if (!any) {
        std::printf("\nno rate was recorded cleanly\n");
        return 0;
    }
    for (std::size_t i = best + 1; i-- > 0;) {
        const Probe p = probe(*adc, dir, rates[i], seconds);
        row(rates[i], seconds, p);
        if (p.clean) {
            std::printf("\nhighest rate recorded with zero overruns for %.0f s: %u S/s "
                        "(%.1f MB/s)\n",
                        seconds, rates[i], rates[i] * 8e-6);
            return 0;
        }
    }
    std::printf("\nno rate held for %.0f s\n", seconds);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (argc < 3 || (mode != "disk" && mode != "vm")) {
        std::fprintf(stderr, "usage: bench_record disk DIR [MiB] | vm DIR [SECONDS]\n");
        return 2;
    }
    if (mode == "disk")
        return benchDisk(argv[2], argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1024);
    return benchVm(argv[2], argc > 3 ? std::atof(argv[3]) : 30.0);
}

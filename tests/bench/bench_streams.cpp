// Stream engine benchmark (scripts/bench streams). Prints Markdown tables, never fails on a goal.
//
//   bench_streams local [SECONDS]   in the QEMU guest: DmabufStream vs FileioStream on iio-sim-adc
//                                   in throughput mode at 64 KiB / 1 MiB / 4 MiB blocks with 0, 1
//                                   and 3 consumers, next to the raw DMABUF cycle (no engine)
//                                   measured in the same run (with 4 DMABUFs, and with as many
//                                   as the stream's pool, which the streams are compared with);
//                                   then BENCH_ROUNDS (3) rounds of that raw cycle and the stream
//                                   with no consumer back to back, and their medians
//   bench_streams remote [SECONDS]  on the host, with the guest's iiod at $DMASCOPE_IIOD_URI:
//                                   RemoteStream vs iio_readdev over the same network path
//
// Consumers: (1) lossy, converts every channel of the newest block to float at most 60 times a
// second (a display: it keeps the newest and skips the rest); (2) lossless, writes every
// block to /dev/null (a recorder); (3) lossless, checks the driver's page stamps (the sample
// index in the first frame of every 4 KiB page), so the figures are of intact data. Consumer CPU
// is the consumers' own thread time per GiB streamed.
#include "guest_bench.h"

#include "dmascope/dmabuf_stream.h"
#include "dmascope/remote_stream.h"
#include "dmascope/sim_stream.h"
#include "dmascope/scan_layout.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <fcntl.h>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace dmascope;
using namespace guestbench;

namespace {
constexpr unsigned kPoolBlocks = 8;
constexpr double kWarmUpSeconds = 0.2; // of a stream, before its rate is measured
constexpr double kMiB = 1024.0 * 1024.0;

double threadCpuSeconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// One consumer thread; `work` handles one delivery.
class Consumer
{
public:
    // `pace`: the least time between two deliveries (a display's frame period), slept after
    // the block was let go.
    template <typename Work>
    Consumer(std::shared_ptr<Subscription> sub, Work work,
             std::chrono::microseconds pace = std::chrono::microseconds(0))
        : sub_(std::move(sub))
    {
        thread_ = std::thread([this, work, pace] {
            for (;;) {
                // A timeout is not the end (the stream may not have started yet): only the
                // end of the run is. A consumer that gave up early would leave its lossless
                // subscription holding the whole pool.
                auto d = sub_->pop(200);
                if (!d) {
                    if (sub_->ended())
                        break;
                    continue;
                }
                work(*d);
                d.reset();
                if (pace.count())
                    std::this_thread::sleep_for(pace);
            }
            cpuSeconds_ = threadCpuSeconds();
        });
    }
    // Joins after the stream stopped (the subscription then ends).
    double join()
    {
        thread_.join();
        return cpuSeconds_;
    }

private:
    std::shared_ptr<Subscription> sub_;
    std::thread thread_;
    double cpuSeconds_ = 0;
};

struct Point
{
    double mibPerSec = 0;
    std::uint64_t overruns = 0;
    double processCpuPerGiB = 0;  // CPU seconds of the whole process per GiB
    double consumerCpuPerGiB = 0; // of the consumer threads
    std::uint64_t stampErrors = 0;
    std::string path;
};

Point runStream(Stream &stream, std::size_t blockBytes, PathPreference path, int consumers,
                double seconds)
{
    std::atomic<std::uint64_t> stampErrors{0};
    UniqueFd devNull(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    std::vector<std::unique_ptr<Consumer>> threads;
    if (consumers >= 1) {
        // A display: the newest block, converted whole, at most once per 60 Hz frame.
        threads.push_back(std::make_unique<Consumer>(
            stream.subscribe(SubscriptionKind::Lossy),
            [](const Delivery &d) {
                const Block &b = *d.block;
                std::vector<float> out(b.frames());
                for (const ChannelLayout &c : b.layout->channels) {
                    extractPhysical(c, b.layout->frameBytes, b.data, out.size(), out.data());
                    g_sink = g_sink + std::uint64_t(out[out.size() / 2]);
                }
            },
            std::chrono::microseconds(16'667)));
    }
    if (consumers >= 2) {
        threads.push_back(std::make_unique<Consumer>(
            stream.subscribe(SubscriptionKind::Lossless, kPoolBlocks),
            [fd = devNull.get()](const Delivery &d) {
                [[maybe_unused]] const ssize_t n = ::write(fd, d.block->data, d.block->bytes);
            }));
    }
    if (consumers >= 3) {
        threads.push_back(std::make_unique<Consumer>(
            stream.subscribe(SubscriptionKind::Lossless, kPoolBlocks),
            [&stampErrors](const Delivery &d) {
                const Block &b = *d.block;
                for (std::size_t page = 0; page < b.bytes; page += 4096) {
                    const std::size_t frame = (page + kFrameBytes - 1) / kFrameBytes;
                    std::uint16_t stamp;
                    std::memcpy(&stamp, b.data + frame * kFrameBytes, 2);
                    if (stamp != std::uint16_t(b.firstSample + frame))
                        stampErrors.fetch_add(1, std::memory_order_relaxed);
                }
            }));
    }
    StreamConfig c;
    c.samplesPerBlock = blockBytes / kFrameBytes;
    c.blockCount = kPoolBlocks;
    c.path = path;
    stream.start(c);
    // Rate and process CPU are taken between two snapshots of the running stream, as the raw
    // cycle's measure() does: neither counts allocating, attaching, detaching nor thread starts.
    std::this_thread::sleep_for(std::chrono::duration<double>(kWarmUpSeconds));
    const StreamStats s0 = stream.stats();
    const double cpu0 = processCpuSeconds();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const StreamStats s1 = stream.stats();
    const double cpu = processCpuSeconds() - cpu0;
    stream.stop();
    double consumerCpu = 0;
    for (auto &t : threads)
        consumerCpu += t->join();
    const StreamStats s = stream.stats();
    if (s.state == StreamState::Failed)
        throw std::runtime_error("the stream failed: " + s.error);
    Point p;
    const double bytes = double(s1.bytes - s0.bytes);
    const double gib = bytes / (kMiB * 1024.0);
    p.mibPerSec = bytes / kMiB / (s1.seconds - s0.seconds);
    p.overruns = s.overruns;
    p.processCpuPerGiB = gib > 0 ? cpu / gib : 0;
    // The consumer threads' CPU covers the whole run: per GiB of the whole run.
    const double allGib = double(s.bytes) / (kMiB * 1024.0);
    p.consumerCpuPerGiB = allGib > 0 ? consumerCpu / allGib : 0;
    p.stampErrors = stampErrors.load();
    p.path = s.path;
    return p;
}

// Single runs in the guest scatter by tens of percent (the raw cycle alone moves between runs),
// so the no-consumer goal is also measured as rounds of the raw cycle and the stream back to
// back, with the median of each.
void pairedRuns(const IioSysfsDevice &adc, double seconds, const char *only)
{
    const int rounds = std::getenv("BENCH_ROUNDS") ? std::atoi(std::getenv("BENCH_ROUNDS")) : 3;
    std::printf("\n| block | round | raw DMABUF cycle MiB/s | dmabuf-heap, 0 consumers MiB/s | "
                "stream / raw |\n|---|---|---|---|---|\n");
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[v.size() / 2];
    };
    for (const std::size_t kib : {64u, 1024u, 4096u}) {
        if (only && std::to_string(kib) != only)
            continue;
        const std::size_t bytes = kib * 1024;
        std::vector<double> raws, streams;
        for (int round = 1; round <= rounds; ++round) {
            raws.push_back(benchDmabuf(adc, bytes, false, seconds, kPoolBlocks).mibPerSec);
            prepareAdc(adc, bytes, 4);
            DmabufStream stream("iio-sim-adc");
            streams.push_back(runStream(stream, bytes, PathPreference::Dmabuf, 0, seconds).mibPerSec);
            std::printf("| %zu KiB | %d | %.0f | %.0f | %.0f%% |\n", kib, round, raws.back(),
                        streams.back(), 100.0 * streams.back() / raws.back());
            std::fflush(stdout);
        }
        std::printf("| %zu KiB | median | %.0f | %.0f | %.0f%% |\n", kib, median(raws),
                    median(streams), 100.0 * median(streams) / median(raws));
        std::fflush(stdout);
    }
}

int benchLocal(double seconds)
{
    const auto adc = IioSysfsDevice::find("iio-sim-adc");
    std::printf("| block | path | consumers | MiB/s | vs raw DMABUF | vs own 0-consumer | "
                "overruns | process CPU s/GiB | consumer CPU s/GiB | stamp errors |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    // BENCH_BLOCK_KIB=4096 measures one block size only (to look at one point again).
    const char *only = std::getenv("BENCH_BLOCK_KIB");
    for (const std::size_t kib : {64u, 1024u, 4096u}) {
        if (only && std::to_string(kib) != only)
            continue;
        const std::size_t bytes = kib * 1024;
        // The raw cycle of `scripts/bench kernel` (4 DMABUFs) and with as many DMABUFs as the
        // stream's pool: the streams are compared with the latter, the same blocks in flight.
        const Result raw4 = benchDmabuf(adc, bytes, false, seconds, 4);
        const Result raw = benchDmabuf(adc, bytes, false, seconds, kPoolBlocks);
        for (const auto &[blocks, r] : {std::pair{4u, raw4}, std::pair{kPoolBlocks, raw}})
            std::printf("| %zu KiB | raw DMABUF cycle, %u blocks | - | %.0f | %.0f%% | - | - | %.2f "
                        "| - | - |\n",
                        kib, blocks, r.mibPerSec, 100.0 * r.mibPerSec / raw.mibPerSec,
                        r.mibPerSec > 0 ? r.processCpu / 100.0 / (r.mibPerSec / 1024.0) : 0.0);
        std::fflush(stdout);
        for (const PathPreference path : {PathPreference::Dmabuf, PathPreference::Fileio}) {
            double alone = 0;
            for (const int consumers : {0, 1, 3}) {
                prepareAdc(adc, bytes, 4);
                DmabufStream stream("iio-sim-adc");
                const Point p = runStream(stream, bytes, path, consumers, seconds);
                if (consumers == 0)
                    alone = p.mibPerSec;
                std::printf("| %zu KiB | %s | %d | %.0f | %.0f%% | %.0f%% | %llu | %.2f | %.2f | "
                            "%llu |\n",
                            kib, p.path.c_str(), consumers, p.mibPerSec,
                            100.0 * p.mibPerSec / raw.mibPerSec, 100.0 * p.mibPerSec / alone,
                            static_cast<unsigned long long>(p.overruns), p.processCpuPerGiB,
                            p.consumerCpuPerGiB, static_cast<unsigned long long>(p.stampErrors));
                std::fflush(stdout);
            }
        }
    }
    pairedRuns(adc, seconds, only);
    adc.write("throughput_mode", "0");
    return 0;
}

// The same consumers on the in-process sim device in throughput mode (host, no kernel): what
// the engine itself costs without the guest's emulation.
int benchSim(double seconds)
{
    std::printf("| block | consumers | MiB/s | vs own 0-consumer | overruns | process CPU s/GiB | "
                "consumer CPU s/GiB | stamp errors |\n|---|---|---|---|---|---|---|---|\n");
    for (const std::size_t kib : {64u, 1024u, 4096u}) {
        double alone = 0;
        for (const int consumers : {0, 1, 3}) {
            SimStream stream;
            stream.device()->setThroughputMode(true);
            const Point p = runStream(stream, kib * 1024, PathPreference::Auto, consumers, seconds);
            if (consumers == 0)
                alone = p.mibPerSec;
            std::printf("| %zu KiB | %d | %.0f | %.0f%% | %llu | %.2f | %.2f | %llu |\n", kib,
                        consumers, p.mibPerSec, 100.0 * p.mibPerSec / alone,
                        static_cast<unsigned long long>(p.overruns), p.processCpuPerGiB,
                        p.consumerCpuPerGiB, static_cast<unsigned long long>(p.stampErrors));
            std::fflush(stdout);
        }
    }
    return 0;
}

// Runs a shell command; its wall time in seconds, or -1 when it failed.
double timeCommand(const std::string &command)
{
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = std::system(command.c_str());
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return rc == 0 ? t : -1;
}

int benchRemote(double seconds)
{
    const char *uriEnv = std::getenv("DMASCOPE_IIOD_URI");
    if (!uriEnv)
        throw std::runtime_error("DMASCOPE_IIOD_URI is not set: run me through "
                                 "tests/kernel/with_guest_iiod");
    const std::string uri = uriEnv;
    if (timeCommand("iio_attr -q -u " + uri + " -d iio-sim-adc throughput_mode 1 >/dev/null") < 0)
        throw std::runtime_error("cannot set throughput_mode through iio_attr");
    std::printf("| block | RemoteStream MiB/s | iio_readdev MiB/s | RemoteStream/iio_readdev | "
                "overruns |\n|---|---|---|---|---|\n");
    for (const std::size_t kib : {64u, 1024u}) {
        const std::size_t bytes = kib * 1024;
        RemoteStream stream(uri, "iio-sim-adc");
        const Point p = runStream(stream, bytes, PathPreference::Auto, 0, seconds);
        // iio_readdev over the same path, every channel, as many samples as RemoteStream moved
        // in its run (at least 16 blocks), to /dev/null.
        const std::size_t frames = bytes / kFrameBytes;
        const auto total = std::max<std::size_t>(
            16 * frames, std::size_t(p.mibPerSec * kMiB * seconds) / kFrameBytes / frames * frames);
        const double t = timeCommand("iio_readdev -u " + uri + " -b " + std::to_string(frames) +
                                     " -s " + std::to_string(total) + " iio-sim-adc >/dev/null");
        const double readdev = t > 0 ? double(total * kFrameBytes) / kMiB / t : 0;
        std::printf("| %zu KiB | %.1f | %.1f | %.2fx | %llu |\n", kib, p.mibPerSec, readdev,
                    readdev > 0 ? p.mibPerSec / readdev : 0.0,
                    static_cast<unsigned long long>(p.overruns));
        std::fflush(stdout);
    }
    timeCommand("iio_attr -q -u " + uri + " -d iio-sim-adc throughput_mode 0 >/dev/null");
    return 0;
}
} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    const double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    try {
        if (mode == "local")
            return benchLocal(seconds);
        if (mode == "remote")
            return benchRemote(seconds);
        if (mode == "sim")
            return benchSim(seconds);
        std::fprintf(stderr, "usage: bench_streams local|remote|sim [SECONDS]\n");
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_streams: %s\n", e.what());
        return 1;
    }
}

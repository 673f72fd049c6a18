// The sim device's generator and stream on one core of the host: can it sustain 4 channels at
// 10 MS/s (40 M samples/s)? Prints, in the same run, a baseline (memset of the same bytes: the
// memory bandwidth floor) and the generator per waveform, then a real-time SimStream at 10 MS/s
// with a consumer that releases each block at once.
//   bench_sim [seconds per point]
#include "dmascope/sim_stream.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

using namespace dmascope;
using Clock = std::chrono::steady_clock;

namespace {
constexpr std::size_t kFrames = 65536;
constexpr std::size_t kFrameBytes = 8; // 4 channels x 16 bits

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

// Million samples (channel values) per second.
template <typename Fn> double measure(double duration, Fn &&fill)
{
    std::size_t frames = 0;
    const auto start = Clock::now();
    auto now = start;
    while (seconds(start, now) < duration) {
        fill();
        frames += kFrames;
        now = Clock::now();
    }
    return static_cast<double>(frames * 4) / seconds(start, now) * 1e-6;
}

void generator(const char *name, SimWaveform w, std::int64_t noiseNv, double duration)
{
    SimDevice dev;
    for (unsigned ch = 0; ch < 4; ++ch) {
        SimChannelSettings s = dev.channel(ch);
        s.waveform = w;
        s.noiseNanoVolt = noiseNv;
        dev.setChannel(ch, s);
    }
    dev.setSamplingFrequency(10'000'000);
    dev.beginStreaming({0, 1, 2, 3});
    std::vector<std::uint8_t> buf(kFrames * kFrameBytes);
    const double msps = measure(duration, [&] { dev.generate(buf.data(), kFrames, kFrameBytes); });
    std::printf("%-32s %8.1f MS/s  (%.2f ns/sample)\n", name, msps, 1e3 / msps);
}
} // namespace

int main(int argc, char **argv)
{
    const double duration = argc > 1 ? std::atof(argv[1]) : 2.0;
    std::printf("target: 4 channels x 10 MS/s = 40.0 MS/s on one core\n");
    std::vector<std::uint8_t> buf(kFrames * kFrameBytes);
    int v = 0;
    const double floor = measure(duration, [&] {
        std::memset(buf.data(), ++v, buf.size());
        asm volatile("" : : "r"(buf.data()) : "memory");
    });
    std::printf("%-32s %8.1f MS/s  (baseline: memset of the same bytes)\n", "memset", floor);
    {
        // The default demo set: sine, square, triangle, counter.
        SimDevice dev;
        dev.setSamplingFrequency(10'000'000);
        dev.beginStreaming({0, 1, 2, 3});
        const double msps =
            measure(duration, [&] { dev.generate(buf.data(), kFrames, kFrameBytes); });
        std::printf("%-32s %8.1f MS/s  (%.2f ns/sample)\n", "defaults (sine/sq/tri/counter)",
                    msps, 1e3 / msps);
    }
    generator("4 x sine", SimWaveform::Sine, 0, duration);
    generator("4 x sine + noise", SimWaveform::Sine, 10'000'000, duration);
    generator("4 x noise", SimWaveform::Noise, 0, duration);
    generator("4 x counter", SimWaveform::Counter, 0, duration);

    // The stream in real time at 10 MS/s: engine thread + stream thread + a consumer.
    SimStream stream;
    stream.device()->setSamplingFrequency(10'000'000);
    auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
    StreamConfig config;
    config.samplesPerBlock = 16384;
    config.blockCount = 32;
    stream.start(config);
    std::uint64_t gaps = 0;
    const auto start = Clock::now();
    while (seconds(start, Clock::now()) < duration)
        if (auto d = sub->pop(100))
            gaps += d->discontinuity ? 1 : 0;
    stream.stop();
    const StreamStats s = stream.stats();
    std::printf("SimStream 4 ch @ 10 MS/s real time: %.2f MS/s per channel delivered, %.1f MB/s, "
                "%llu blocks, %llu samples dropped (%.3f%%), %llu gaps\n",
                s.samplesPerSecond * 1e-6, s.megabytesPerSecond,
                static_cast<unsigned long long>(s.blocks),
                static_cast<unsigned long long>(s.lostSamples),
                100.0 * static_cast<double>(s.lostSamples) /
                    static_cast<double>(s.samples + s.lostSamples),
                static_cast<unsigned long long>(gaps));
    return 0;
}

// The built-in demo device "sim:": an in-process copy of the kernel driver iio_sim's ADC
// ("iio-sim-adc", kernel/iio-sim). Same channels, scan types, scale, waveform arithmetic and
// attribute names, values and errors, so every control works the same on the sim and on the
// real driver. The attributes are addressed by their sysfs names ("sampling_frequency",
// "in_voltage0_waveform") through read()/write(), or through the typed accessors.
//
// The generator state (phase accumulators, noise state, sample position) lives here too, as in
// the driver's iio_priv: SimStream's "DMA engine" thread drives it through the streaming calls.
#pragma once

#include "dmascope/scan_layout.h"
#include "dmascope/unique_fd.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dmascope {

enum class SimWaveform { Sine, Square, Triangle, Sawtooth, Noise, Dc, Counter, Loopback };
const char *toString(SimWaveform w) noexcept;
std::optional<SimWaveform> simWaveformFromString(std::string_view name) noexcept;

// One channel's generator settings, in the driver's fixed point: sysfs value x 10^6.
struct SimChannelSettings
{
    SimWaveform waveform = SimWaveform::Dc;
    std::uint64_t frequencyMicroHz = 0; // 0 .. 50 MHz
    std::int64_t amplitudeNanoVolt = 0; // peak, 0 .. 1000 mV
    std::int64_t dcOffsetNanoVolt = 0;  // -1000 .. 1000 mV
    std::int64_t phaseMicroDeg = 0;     // 0 .. 360 degrees
    std::int64_t noiseNanoVolt = 0;     // RMS, 0 .. 1000 mV

    bool operator==(const SimChannelSettings &) const = default;
};

class SimDevice
{
public:
    static constexpr unsigned kChannels = 4;
    static constexpr std::uint32_t kMinSamplingFrequency = 1000;
    static constexpr std::uint32_t kMaxSamplingFrequency = 100'000'000;
    static constexpr std::uint32_t kDefaultSamplingFrequency = 1'000'000;

    SimDevice();
    SimDevice(const SimDevice &) = delete;
    SimDevice &operator=(const SimDevice &) = delete;

    std::string name() const { return "iio-sim-adc"; }
    // "voltage0" .. "voltage3"
    static std::string channelId(unsigned channel);
    static ScanType scanType(unsigned channel);
    // mV per LSB: 1000 / 2^(realbits - 1), as the driver's IIO_VAL_FRACTIONAL scale.
    static double scale(unsigned channel);
    // All four scan channels with their types, scale and offset (for ScanLayout::compute).
    static std::vector<ChannelLayout> scanChannels();

    // Sysfs-style attribute access, by the names the driver creates. Device attributes:
    // name, sampling_frequency, sampling_frequency_available, throughput_mode,
    // dropped_samples. Channel attributes: in_voltageN_{raw,scale,offset,waveform,
    // waveform_available,frequency,amplitude,dc_offset,phase,noise}. read() returns the text
    // without the newline. Errors are SystemError with the errno the driver returns: ENOENT
    // for an unknown attribute, EINVAL for a refused value, EBUSY when the attribute cannot
    // change (or raw cannot be read) while streaming, EACCES for a read-only attribute.
    std::string read(const std::string &attr) const;
    void write(const std::string &attr, const std::string &value);
    // Every attribute name read() accepts, device attributes first.
    static std::vector<std::string> attributes();

    // Typed access; the setters validate like write() and throw the same errors.
    std::uint32_t samplingFrequency() const;
    void setSamplingFrequency(std::uint32_t hz);
    bool throughputMode() const;
    void setThroughputMode(bool on);
    SimChannelSettings channel(unsigned channel) const;
    void setChannel(unsigned channel, const SimChannelSettings &settings);
    std::uint64_t droppedSamples() const;
    bool streaming() const;

    // Simulates unplugging the device (for exercising error handling): from now on every
    // attribute access fails with ENODEV, and a running stream ends with ENODEV. Irreversible.
    void unplug();
    bool unplugged() const;
    // Readable once unplugged (an eventfd), for the stream's wait.
    int removedFd() const noexcept { return removed_.get(); }

    // --- The driver's streaming side, used by SimStream's engine thread ---
    // Starts a run with `scan` (channel numbers in scan order): sample 0 now, every generator
    // back at its phase, dropped_samples back to 0. Throws SystemError(EBUSY) if a run is
    // active.
    void beginStreaming(const std::vector<unsigned> &scan);
    void endStreaming();
    // Writes the next `frames` frames (16-bit little-endian elements, scan order) to `out`,
    // `frameBytes` apart, and advances the sample position.
    void generate(std::uint8_t *out, std::size_t frames, std::size_t frameBytes);
    // Throughput mode: stamps the sample index into the first frame starting in each 4 KiB
    // page of `len` bytes at `out` (like the driver's DMA engine that costs no CPU) and
    // advances the position by the whole block.
    void stamp(std::uint8_t *out, std::size_t len, std::size_t frameBytes);
    // `frames` samples were due while no buffer was queued: they are dropped, but the
    // position, the counter and every phase advance as if they had been generated.
    void drop(std::uint64_t frames);
    std::uint64_t position() const;

private:
    struct Generator;
    Generator setupGenerator(unsigned channel) const; // with mutex_ held
    std::int32_t rawValueLocked(unsigned channel, std::uint64_t index) const; // mutex_ held
    void checkChannel(unsigned channel) const;
    void checkPresent() const; // with mutex_ held
    std::string readChannelAttribute(unsigned channel, const std::string &what) const;
    void writeChannelAttribute(unsigned channel, const std::string &what,
                               const std::string &value, const std::string &attr);

    const std::int64_t loadTimeNs_; // time base of the raw attributes, as the module load
    UniqueFd removed_;              // eventfd, signalled by unplug()

    mutable std::mutex mutex_;
    std::uint32_t samplingFrequency_ = kDefaultSamplingFrequency; // guarded by mutex_
    bool throughput_ = false;                                     // guarded by mutex_
    std::array<SimChannelSettings, kChannels> settings_;          // guarded by mutex_
    std::array<std::uint64_t, kChannels> phase_{};  // guarded by mutex_; 2^64 = one period
    // Reading a raw value draws noise too, hence mutable.
    mutable std::uint64_t rng_ = 0x9e3779b97f4a7c15ULL; // guarded by mutex_ (xorshift64 state)
    bool streaming_ = false;                        // guarded by mutex_
    std::vector<unsigned> scan_;                    // guarded by mutex_
    std::uint64_t position_ = 0;                    // guarded by mutex_; samples since start
    std::uint64_t dropped_ = 0;                     // guarded by mutex_
    bool unplugged_ = false;                        // guarded by mutex_
};

// The driver's fixed-point arithmetic, exposed for the tests that check values against it.
namespace simmath {
// sin(2 pi phase / 2^32) * 32768 from a quarter-period table of 256 steps, interpolated.
int sinQ15(std::uint32_t phase) noexcept;
// Phase advance per sample when 2^64 is one period.
std::uint64_t phaseIncrement(std::uint64_t frequencyMicroHz, std::uint32_t samplingFrequency) noexcept;
// Phase accumulator value of an angle in micro-degrees.
std::uint64_t phaseOffset(std::uint64_t microDegrees) noexcept;
// Number of samples whose instant has come: floor((now - t0) * fs / 1 s) + 1, 0 before t0.
std::uint64_t samplesDue(std::int64_t t0Ns, std::int64_t nowNs, std::uint32_t fs) noexcept;
// Sysfs decimal with up to six decimals -> millionths; std::nullopt for garbage or out of range.
std::optional<std::int64_t> parseMicro(std::string_view text, std::int64_t min, std::int64_t max);
std::string formatMicro(std::int64_t millionths);
} // namespace simmath

} // namespace dmascope

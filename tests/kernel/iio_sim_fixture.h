// Shared by the VM tests: finds iio_sim's two devices, puts them in a known state, and checks
// the counter waveform (the sample index the driver stamps, which proves nothing was lost,
// duplicated or reordered).
#pragma once

#include "dmascope/iio_sysfs.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace simtest {

// Both devices of the loaded iio_sim module. Throws when they are missing.
struct SimDevices
{
    dmascope::IioSysfsDevice adc;
    dmascope::IioSysfsDevice dac;
    static SimDevices find();
};

// Buffer off, scan elements off, throughput mode off, every documented default restored.
void resetAdc(const dmascope::IioSysfsDevice &adc);
void resetDac(const dmascope::IioSysfsDevice &dac);

// Enables `channels` (e.g. {"in_voltage1", "in_voltage3"}) on buffer0, everything else off.
void selectChannels(const dmascope::IioSysfsDevice &dev, std::initializer_list<const char *> channels);

// Follows a counter channel through consecutive blocks. `bits` is the channel's realbits (16 or
// 12), `shift` its shift, `byteOffset` its offset in a frame of `frameBytes`.
class CounterChecker
{
public:
    CounterChecker(unsigned bits, unsigned shift, std::size_t byteOffset, std::size_t frameBytes);

    // Checks every frame of `data`. Returns false at the first sample that went backwards or
    // repeated (a gap is allowed: it is counted, and must match the driver's dropped_samples).
    bool feed(const std::uint8_t *data, std::size_t bytes);

    // A stall longer than half the counter's range makes a gap look like going backwards.
    // Where such stalls happen (read() on a loaded TCG guest), take every non-zero step as a
    // gap: then a step backwards shows up as a gap of almost the whole range, which the
    // caller's check against dropped_samples catches.
    void takeLargeStepsAsGaps() { largeStepsAreGaps_ = true; }

    std::uint64_t samples() const { return samples_; }
    std::uint64_t missing() const { return missing_; }
    const std::string &error() const { return error_; }

private:
    unsigned bits_, shift_;
    std::size_t offset_, frame_;
    std::uint32_t mask_;
    bool havePrevious_ = false;
    bool largeStepsAreGaps_ = false;
    std::uint32_t previous_ = 0;
    std::uint64_t samples_ = 0, missing_ = 0;
    std::string error_;
};

// Checks, frame by frame, that an s12 counter channel (stored <<4) holds the low 12 bits of the
// s16 counter channel of the same frame: both stamp the same sample index. Returns an error
// message, empty when all frames agree.
std::string compareCounters(const std::uint8_t *data, std::size_t bytes, std::size_t frameBytes,
                            std::size_t s16Offset, std::size_t s12Offset);

// Reads a whole-number attribute.
long long readNumber(const dmascope::IioSysfsDevice &dev, const std::string &attr);

// The DAC test pattern for the loopback tests: a period of kPatternFrames frames of
// (out_voltage0, out_voltage1) = (v, -v) with no value repeated in channel 0, so its phase can
// be found in the ADC's loopback data (both devices at the same rate: each DAC sample shows up
// once, in order).
constexpr std::size_t kPatternFrames = 1000;
std::int16_t patternValue(std::size_t i);
// `periods` periods of the pattern as DAC frames (4 bytes each).
std::vector<std::uint8_t> dacPatternFrames(std::size_t periods);
// Index in `adc` (loopback samples of out_voltage0) where a full, exact period of the pattern
// starts at or after `from`, or -1.
long findPatternPeriod(const std::vector<std::int16_t> &adc, std::size_t from = 0);
// How many exact periods follow one another from `start` (a findPatternPeriod result).
int periodsBackToBack(const std::vector<std::int16_t> &adc, long start);

} // namespace simtest

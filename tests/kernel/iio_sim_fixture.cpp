#include "iio_sim_fixture.h"

#include <cstring>
#include <stdexcept>

using dmascope::IioSysfsDevice;

namespace simtest {

SimDevices SimDevices::find()
{
    return SimDevices{IioSysfsDevice::find("iio-sim-adc"), IioSysfsDevice::find("iio-sim-dac")};
}

namespace {
void bufferOff(const IioSysfsDevice &dev)
{
    if (dev.bufferEnabled(0))
        dev.setBufferEnabled(0, false);
    dev.disableAllScanElements(0);
}

// The driver's documented defaults (kernel/iio-sim/README.md).
struct ChannelDefaults
{
    const char *waveform;
    const char *frequency;
    const char *amplitude;
};
constexpr ChannelDefaults kAdcDefaults[4] = {
    {"sine", "1000", "800"},
    {"square", "1000", "500"},
    {"triangle", "500", "800"},
    {"counter", "1000", "800"},
};
} // namespace

void resetAdc(const IioSysfsDevice &adc)
{
    bufferOff(adc);
    adc.write("throughput_mode", "0");
    adc.write("sampling_frequency", "1000000");
    for (int ch = 0; ch < 4; ++ch) {
        const std::string p = "in_voltage" + std::to_string(ch) + "_";
        adc.write(p + "waveform", kAdcDefaults[ch].waveform);
        adc.write(p + "frequency", kAdcDefaults[ch].frequency);
        adc.write(p + "amplitude", kAdcDefaults[ch].amplitude);
        adc.write(p + "dc_offset", "0");
        adc.write(p + "phase", "0");
        adc.write(p + "noise", "0");
    }
}

void resetDac(const IioSysfsDevice &dac)
{
    bufferOff(dac);
    dac.write("sampling_frequency", "1000000");
}

void selectChannels(const IioSysfsDevice &dev, std::initializer_list<const char *> channels)
{
    dev.disableAllScanElements(0);
    for (const char *ch : channels)
        dev.enableScanElement(0, ch, true);
}

CounterChecker::CounterChecker(unsigned bits, unsigned shift, std::size_t byteOffset,
                               std::size_t frameBytes)
    : bits_(bits), shift_(shift), offset_(byteOffset), frame_(frameBytes),
      mask_((1u << bits) - 1u)
{
}

bool CounterChecker::feed(const std::uint8_t *data, std::size_t bytes)
{
    if (bytes % frame_ != 0) {
        error_ = "block of " + std::to_string(bytes) + " bytes is not whole frames of " +
                 std::to_string(frame_);
        return false;
    }
    for (std::size_t pos = 0; pos + frame_ <= bytes; pos += frame_) {
        std::uint16_t raw;
        std::memcpy(&raw, data + pos + offset_, sizeof raw);
        const std::uint32_t value = (static_cast<std::uint32_t>(raw) >> shift_) & mask_;
        if (havePrevious_) {
            const std::uint32_t step = (value - previous_) & mask_;
            // A step of 0 repeats a sample; a step past half the range went backwards.
            if (step == 0 || (step > mask_ / 2 && !largeStepsAreGaps_)) {
                error_ = "sample " + std::to_string(samples_) + ": counter went from " +
                         std::to_string(previous_) + " to " + std::to_string(value);
                return false;
            }
            missing_ += step - 1;
        }
        previous_ = value;
        havePrevious_ = true;
        ++samples_;
    }
    return true;
}

std::string compareCounters(const std::uint8_t *data, std::size_t bytes, std::size_t frameBytes,
                            std::size_t s16Offset, std::size_t s12Offset)
{
    for (std::size_t pos = 0; pos + frameBytes <= bytes; pos += frameBytes) {
        std::uint16_t wide, narrow;
        std::memcpy(&wide, data + pos + s16Offset, 2);
        std::memcpy(&narrow, data + pos + s12Offset, 2);
        if (((narrow >> 4) & 0xfff) != (wide & 0xfff))
            return "frame " + std::to_string(pos / frameBytes) + ": 12-bit counter " +
                   std::to_string((narrow >> 4) & 0xfff) + " does not match 16-bit counter " +
                   std::to_string(wide);
    }
    return {};
}

long long readNumber(const IioSysfsDevice &dev, const std::string &attr)
{
    const std::string text = dev.readOrThrow(attr);
    try {
        return std::stoll(text);
    } catch (const std::exception &) {
        throw std::runtime_error(dev.name() + "/" + attr + ": not a number: '" + text + "'");
    }
}

std::int16_t patternValue(std::size_t i)
{
    return static_cast<std::int16_t>(static_cast<int>((i * 7919 + 13) % 30011) - 15005);
}

std::vector<std::uint8_t> dacPatternFrames(std::size_t periods)
{
    std::vector<std::uint8_t> out(kPatternFrames * periods * 4);
    for (std::size_t i = 0; i < kPatternFrames * periods; ++i) {
        const std::int16_t ch0 = patternValue(i % kPatternFrames);
        const std::int16_t ch1 = static_cast<std::int16_t>(-ch0);
        std::memcpy(&out[i * 4], &ch0, 2);
        std::memcpy(&out[i * 4 + 2], &ch1, 2);
    }
    return out;
}

long findPatternPeriod(const std::vector<std::int16_t> &adc, std::size_t from)
{
    for (std::size_t i = from; i + kPatternFrames <= adc.size(); ++i) {
        if (adc[i] != patternValue(0))
            continue;
        std::size_t k = 0;
        while (k < kPatternFrames && adc[i + k] == patternValue(k))
            ++k;
        if (k == kPatternFrames)
            return long(i);
    }
    return -1;
}

int periodsBackToBack(const std::vector<std::int16_t> &adc, long start)
{
    int periods = 1;
    long at = start;
    while (findPatternPeriod(adc, std::size_t(at) + kPatternFrames) == at + long(kPatternFrames)) {
        at += long(kPatternFrames);
        ++periods;
    }
    return periods;
}

} // namespace simtest

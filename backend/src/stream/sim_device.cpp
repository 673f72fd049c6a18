#include "dmascope/sim_device.h"

#include "dmascope/stream.h"
#include "dmascope/system_error.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/eventfd.h>
#include <unistd.h>

namespace dmascope {

namespace {

constexpr std::int64_t kNanoVoltPerMilliVolt = 1'000'000;
constexpr std::int64_t kFullScaleNanoVolt = 1000 * kNanoVoltPerMilliVolt;
constexpr std::uint64_t kMaxFrequencyMicroHz = 50'000'000ULL * 1'000'000;
constexpr std::int64_t kFullCircleMicroDeg = 360LL * 1'000'000;
// Standard deviation of the sum of four uniform 16-bit values (the noise source).
constexpr std::uint64_t kNoiseSumSigma = 37837;
// The driver generates in chunks of this many frames, channel by channel; doing the same
// consumes the noise generator in the same order.
constexpr std::size_t kChunkFrames = 256;
constexpr std::size_t kPageBytes = 4096;

constexpr const char *kWaveformNames[] = {"sine",  "square", "triangle", "sawtooth",
                                          "noise", "dc",     "counter",  "loopback"};

std::uint64_t mulDiv(std::uint64_t a, std::uint64_t b, std::uint64_t c) noexcept
{
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(a) * b / c);
}

// sin(pi/2 * i / 256) * 32768, rounded: a quarter period with both ends.
const std::array<std::uint16_t, 257> &quarterSine()
{
    static const std::array<std::uint16_t, 257> table = [] {
        std::array<std::uint16_t, 257> t{};
        for (unsigned i = 0; i <= 256; ++i)
            t[i] = static_cast<std::uint16_t>(
                std::lround(std::sin(M_PI / 2 * i / 256.0) * 32768.0));
        return t;
    }();
    return table;
}

std::uint64_t xorshift(std::uint64_t *state) noexcept
{
    std::uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

// Approximately Gaussian, zero mean: four uniform 16-bit values summed, scaled by k / 2^16.
std::int64_t noise(std::uint64_t *rng, std::int64_t k) noexcept
{
    const std::uint64_t x = xorshift(rng);
    const std::int64_t sum = static_cast<std::int64_t>((x & 0xffff) + ((x >> 16) & 0xffff) +
                                                       ((x >> 32) & 0xffff) + (x >> 48)) -
                             131070;
    return (sum * k) >> 16;
}

std::int64_t nanoVoltToCodes(std::int64_t nv, unsigned bits) noexcept
{
    return nv * (std::int64_t{1} << (bits - 1)) / kFullScaleNanoVolt;
}

std::int64_t noiseScale(std::int64_t rmsNv, unsigned bits) noexcept
{
    return static_cast<std::int64_t>(mulDiv(static_cast<std::uint64_t>(rmsNv),
                                            (std::uint64_t{1} << (bits - 1)) << 16,
                                            kNoiseSumSigma * kFullScaleNanoVolt));
}

void storeLe16(std::uint8_t *p, std::uint16_t v) noexcept
{
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

[[noreturn]] void fail(int err, const std::string &what, const std::string &hint = {})
{
    throw SystemError(err, what, hint);
}

// "in_voltage2_frequency" -> channel 2, "frequency"
bool splitChannelAttribute(const std::string &attr, unsigned *channel, std::string *what)
{
    static const std::string prefix = "in_voltage";
    if (attr.rfind(prefix, 0) != 0 || attr.size() < prefix.size() + 3)
        return false;
    const char digit = attr[prefix.size()];
    if (digit < '0' || digit > '3' || attr[prefix.size() + 1] != '_')
        return false;
    *channel = static_cast<unsigned>(digit - '0');
    *what = attr.substr(prefix.size() + 2);
    return true;
}

// The kernel's kstrtouint(buf, 10): optional '+', decimal digits, one optional newline.
std::optional<std::uint64_t> parseUnsigned(std::string_view s)
{
    if (!s.empty() && s.back() == '\n')
        s.remove_suffix(1);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty() || s.size() > 19)
        return std::nullopt;
    std::uint64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

} // namespace

namespace simmath {

int sinQ15(std::uint32_t phase) noexcept
{
    const auto &table = quarterSine();
    const std::uint32_t quadrant = phase >> 30;
    std::uint32_t pos = phase & ((1u << 30) - 1);
    // The second and fourth quadrants read the table backwards.
    if (quadrant & 1)
        pos = (1u << 30) - pos;
    const std::uint32_t idx = pos >> 22;
    const int frac = static_cast<int>((pos >> 6) & 0xffff);
    const int a = table[idx];
    const int b = idx < 256 ? table[idx + 1] : a;
    const int v = a + (((b - a) * frac) >> 16);
    return quadrant & 2 ? -v : v;
}

std::uint64_t phaseIncrement(std::uint64_t frequencyMicroHz, std::uint32_t samplingFrequency) noexcept
{
    const std::uint64_t fsMicroHz = std::uint64_t{samplingFrequency} * 1'000'000;
    // Only the fraction of a period per sample matters (aliasing is modelled, not refused).
    return mulDiv(frequencyMicroHz % fsMicroHz, std::uint64_t{1} << 63, fsMicroHz) << 1;
}

std::uint64_t phaseOffset(std::uint64_t microDegrees) noexcept
{
    return mulDiv(microDegrees, std::uint64_t{1} << 63, kFullCircleMicroDeg) << 1;
}

std::uint64_t samplesDue(std::int64_t t0Ns, std::int64_t nowNs, std::uint32_t fs) noexcept
{
    if (nowNs < t0Ns)
        return 0;
    return mulDiv(static_cast<std::uint64_t>(nowNs - t0Ns), fs, 1'000'000'000ULL) + 1;
}

std::optional<std::int64_t> parseMicro(std::string_view text, std::int64_t min, std::int64_t max)
{
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
        negative = text[i++] == '-';
    bool digits = false;
    std::uint64_t integer = 0, fraction = 0;
    unsigned fractionDigits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        if (integer > 1'000'000'000'000ULL)
            return std::nullopt;
        integer = integer * 10 + static_cast<unsigned>(text[i] - '0');
        digits = true;
    }
    if (i < text.size() && text[i] == '.') {
        // Digits past the sixth decimal are ignored, as the driver does.
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (fractionDigits < 6) {
                fraction = fraction * 10 + static_cast<unsigned>(text[i] - '0');
                ++fractionDigits;
            }
            digits = true;
        }
    }
    if (i < text.size() && text[i] == '\n')
        ++i;
    if (!digits || i != text.size())
        return std::nullopt;
    for (; fractionDigits < 6; ++fractionDigits)
        fraction *= 10;
    std::int64_t v = static_cast<std::int64_t>(integer * 1'000'000 + fraction);
    if (negative)
        v = -v;
    if (v < min || v > max)
        return std::nullopt;
    return v;
}

std::string formatMicro(std::int64_t millionths)
{
    const std::uint64_t magnitude = millionths < 0 ? 0 - static_cast<std::uint64_t>(millionths)
                                                   : static_cast<std::uint64_t>(millionths);
    char frac[8];
    std::snprintf(frac, sizeof frac, "%06u", static_cast<unsigned>(magnitude % 1'000'000));
    return (millionths < 0 ? "-" : "") + std::to_string(magnitude / 1'000'000) + "." + frac;
}

} // namespace simmath

const char *toString(SimWaveform w) noexcept
{
    return kWaveformNames[static_cast<unsigned>(w)];
}

std::optional<SimWaveform> simWaveformFromString(std::string_view name) noexcept
{
    // sysfs_match_string: one trailing newline is allowed.
    if (!name.empty() && name.back() == '\n')
        name.remove_suffix(1);
    for (unsigned i = 0; i < std::size(kWaveformNames); ++i)
        if (name == kWaveformNames[i])
            return static_cast<SimWaveform>(i);
    return std::nullopt;
}

// One channel's settings turned into codes for the current sampling frequency.
struct SimDevice::Generator
{
    SimWaveform type;
    unsigned bits;
    unsigned shift;
    std::int64_t amp;
    std::int64_t dc;
    std::int64_t waveNoiseK; // the noise waveform (RMS = amplitude)
    std::int64_t noiseK;     // the added noise
    std::uint64_t inc;

    std::uint16_t store(std::int64_t code) const noexcept
    {
        return static_cast<std::uint16_t>(static_cast<std::uint16_t>(code) << shift);
    }

    // One sample of a periodic or noise waveform at `phase`, clipped to the channel's range.
    std::int64_t value(std::uint64_t phase, std::uint64_t *rng) const noexcept
    {
        const std::int64_t lim = std::int64_t{1} << (bits - 1);
        const std::uint32_t p = static_cast<std::uint32_t>(phase >> 32);
        const std::uint64_t uamp = static_cast<std::uint64_t>(amp);
        std::int64_t v;
        switch (type) {
        case SimWaveform::Sine:
            v = dc + ((amp * simmath::sinQ15(p)) >> 15);
            break;
        case SimWaveform::Square:
            v = p < (1u << 31) ? dc + amp : dc - amp;
            break;
        case SimWaveform::Triangle:
            if (p < (1u << 31))
                v = dc - amp + static_cast<std::int64_t>((uamp * p) >> 30);
            else
                v = dc + amp - static_cast<std::int64_t>((uamp * (p - (1u << 31))) >> 30);
            break;
        case SimWaveform::Sawtooth:
            v = dc - amp + static_cast<std::int64_t>((uamp * p) >> 31);
            break;
        case SimWaveform::Noise:
            v = dc + noise(rng, waveNoiseK);
            break;
        default:
            v = dc;
            break;
        }
        if (noiseK)
            v += noise(rng, noiseK);
        return std::clamp(v, -lim, lim - 1);
    }
};

SimDevice::SimDevice()
    : loadTimeNs_(monotonicNs()), removed_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (!removed_)
        throwSystemError("create the sim device's removal eventfd");
    auto wave = [](SimWaveform w, std::uint64_t hz, std::int64_t mv) {
        SimChannelSettings s;
        s.waveform = w;
        s.frequencyMicroHz = hz * 1'000'000;
        s.amplitudeNanoVolt = mv * kNanoVoltPerMilliVolt;
        return s;
    };
    settings_ = {wave(SimWaveform::Sine, 1000, 800), wave(SimWaveform::Square, 1000, 500),
                 wave(SimWaveform::Triangle, 500, 800), wave(SimWaveform::Counter, 1000, 800)};
}

std::string SimDevice::channelId(unsigned channel) { return "voltage" + std::to_string(channel); }

ScanType SimDevice::scanType(unsigned channel)
{
    ScanType t;
    t.bigEndian = false;
    t.isSigned = true;
    t.storageBits = 16;
    t.realBits = channel < 2 ? 16 : 12;
    t.shift = channel < 2 ? 0 : 4;
    return t;
}

double SimDevice::scale(unsigned channel)
{
    return 1000.0 / static_cast<double>(1u << (scanType(channel).realBits - 1));
}

std::vector<ChannelLayout> SimDevice::scanChannels()
{
    std::vector<ChannelLayout> out;
    for (unsigned ch = 0; ch < kChannels; ++ch) {
        ChannelLayout c;
        c.id = channelId(ch);
        c.label = c.id;
        c.type = scanType(ch);
        c.scale = scale(ch);
        c.offset = 0;
        c.scanIndex = ch;
        out.push_back(c);
    }
    return out;
}

void SimDevice::checkChannel(unsigned channel) const
{
    if (channel >= kChannels)
        fail(ENOENT, "sim channel " + std::to_string(channel),
             "iio-sim-adc has channels 0 to 3");
}

SimDevice::Generator SimDevice::setupGenerator(unsigned channel) const
{
    const SimChannelSettings &w = settings_[channel];
    const ScanType t = scanType(channel);
    Generator g;
    g.type = w.waveform;
    g.bits = t.realBits;
    g.shift = t.shift;
    g.amp = nanoVoltToCodes(w.amplitudeNanoVolt, g.bits);
    g.dc = nanoVoltToCodes(w.dcOffsetNanoVolt, g.bits);
    g.waveNoiseK = noiseScale(w.amplitudeNanoVolt, g.bits);
    g.noiseK = noiseScale(w.noiseNanoVolt, g.bits);
    g.inc = simmath::phaseIncrement(w.frequencyMicroHz, samplingFrequency_);
    return g;
}

std::int32_t SimDevice::rawValueLocked(unsigned channel, std::uint64_t index) const
{
    const Generator g = setupGenerator(channel);
    switch (g.type) {
    case SimWaveform::Counter: {
        // The counter's low `bits` bits, as a signed value of that width.
        const unsigned up = 64 - g.bits;
        return static_cast<std::int32_t>(static_cast<std::int64_t>(index << up) >> up);
    }
    case SimWaveform::Loopback:
        return 0; // no DAC in the sim: the loopback input is silent, as with the DAC idle
    default: {
        const std::uint64_t phase =
            simmath::phaseOffset(static_cast<std::uint64_t>(settings_[channel].phaseMicroDeg)) +
            index * g.inc;
        return static_cast<std::int32_t>(g.value(phase, &rng_));
    }
    }
}

// --- attributes ---

std::vector<std::string> SimDevice::attributes()
{
    std::vector<std::string> out = {"name", "sampling_frequency", "sampling_frequency_available",
                                    "throughput_mode", "dropped_samples"};
    for (unsigned ch = 0; ch < kChannels; ++ch)
        for (const char *a : {"raw", "scale", "offset", "waveform", "waveform_available",
                              "frequency", "amplitude", "dc_offset", "phase", "noise"})
            out.push_back("in_voltage" + std::to_string(ch) + "_" + a);
    return out;
}

void SimDevice::checkPresent() const
{
    if (unplugged_)
        fail(ENODEV, "access iio-sim-adc", "the device was removed");
}

void SimDevice::unplug()
{
    {
        std::lock_guard lock(mutex_);
        unplugged_ = true;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(removed_.get(), &one, sizeof one);
}

bool SimDevice::unplugged() const
{
    std::lock_guard lock(mutex_);
    return unplugged_;
}

std::string SimDevice::read(const std::string &attr) const
{
    {
        std::lock_guard lock(mutex_);
        checkPresent();
    }
    if (attr == "name")
        return name();
    if (attr == "sampling_frequency")
        return std::to_string(samplingFrequency());
    if (attr == "sampling_frequency_available")
        return "[" + std::to_string(kMinSamplingFrequency) + " 1 " +
               std::to_string(kMaxSamplingFrequency) + "]";
    if (attr == "throughput_mode")
        return throughputMode() ? "1" : "0";
    if (attr == "dropped_samples")
        return std::to_string(droppedSamples());
    unsigned channel;
    std::string what;
    if (splitChannelAttribute(attr, &channel, &what))
        return readChannelAttribute(channel, what);
    fail(ENOENT, "read sim attribute " + attr, "iio-sim-adc has no attribute of that name");
}

std::string SimDevice::readChannelAttribute(unsigned channel, const std::string &what) const
{
    if (what == "raw") {
        std::lock_guard lock(mutex_);
        if (streaming_)
            fail(EBUSY, "read in_voltage" + std::to_string(channel) + "_raw",
                 "raw values cannot be read while the buffer streams");
        const std::uint64_t index =
            simmath::samplesDue(loadTimeNs_, monotonicNs(), samplingFrequency_);
        return std::to_string(rawValueLocked(channel, index));
    }
    if (what == "scale") {
        // IIO_VAL_FRACTIONAL: 1000 / 2^(bits-1) printed with nine decimals, truncated.
        const std::int64_t nano = 1000LL * 1'000'000'000LL /
                                  (std::int64_t{1} << (scanType(channel).realBits - 1));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(nano / 1'000'000'000),
                      static_cast<long long>(nano % 1'000'000'000));
        return buf;
    }
    if (what == "offset")
        return "0";
    if (what == "waveform_available") {
        std::string s;
        for (const char *n : kWaveformNames)
            s += std::string(s.empty() ? "" : " ") + n;
        return s;
    }
    const SimChannelSettings s = this->channel(channel);
    if (what == "waveform")
        return toString(s.waveform);
    if (what == "frequency")
        return simmath::formatMicro(static_cast<std::int64_t>(s.frequencyMicroHz));
    if (what == "amplitude")
        return simmath::formatMicro(s.amplitudeNanoVolt);
    if (what == "dc_offset")
        return simmath::formatMicro(s.dcOffsetNanoVolt);
    if (what == "phase")
        return simmath::formatMicro(s.phaseMicroDeg);
    if (what == "noise")
        return simmath::formatMicro(s.noiseNanoVolt);
    fail(ENOENT, "read sim attribute in_voltage" + std::to_string(channel) + "_" + what,
         "iio-sim-adc has no attribute of that name");
}

void SimDevice::write(const std::string &attr, const std::string &value)
{
    {
        std::lock_guard lock(mutex_);
        checkPresent();
    }
    const std::string what = "write \"" + value + "\" to sim attribute " + attr;
    if (attr == "sampling_frequency") {
        const auto v = parseUnsigned(value);
        if (!v || *v < kMinSamplingFrequency || *v > kMaxSamplingFrequency)
            fail(EINVAL, what, "the sampling frequency is a whole number of Hz from 1000 to "
                               "100000000");
        setSamplingFrequency(static_cast<std::uint32_t>(*v));
        return;
    }
    if (attr == "throughput_mode") {
        const auto v = parseUnsigned(value);
        if (!v || *v > 1)
            fail(EINVAL, what, "throughput_mode is 0 or 1");
        setThroughputMode(*v == 1);
        return;
    }
    if (attr == "dropped_samples") {
        const auto v = parseUnsigned(value);
        if (!v || *v != 0)
            fail(EINVAL, what, "only 0 can be written, to reset the count");
        std::lock_guard lock(mutex_);
        dropped_ = 0;
        return;
    }
    if (attr == "name" || attr == "sampling_frequency_available")
        fail(EACCES, what, "the attribute is read-only");
    unsigned channel;
    std::string field;
    if (splitChannelAttribute(attr, &channel, &field)) {
        writeChannelAttribute(channel, field, value, what);
        return;
    }
    fail(ENOENT, what, "iio-sim-adc has no attribute of that name");
}

void SimDevice::writeChannelAttribute(unsigned channel, const std::string &field,
                                      const std::string &value, const std::string &what)
{
    if (field == "raw" || field == "scale" || field == "offset" || field == "waveform_available")
        fail(EACCES, what, "the attribute is read-only");
    SimChannelSettings s = this->channel(channel);
    if (field == "waveform") {
        const auto w = simWaveformFromString(value);
        if (!w)
            fail(EINVAL, what, "the waveform is one of: sine square triangle sawtooth noise dc "
                               "counter loopback");
        s.waveform = *w;
    } else if (field == "frequency") {
        const auto v = simmath::parseMicro(value, 0, static_cast<std::int64_t>(kMaxFrequencyMicroHz));
        if (!v)
            fail(EINVAL, what, "the frequency is 0 to 50000000 Hz, with up to six decimals");
        s.frequencyMicroHz = static_cast<std::uint64_t>(*v);
    } else if (field == "amplitude" || field == "noise") {
        const auto v = simmath::parseMicro(value, 0, kFullScaleNanoVolt);
        if (!v)
            fail(EINVAL, what, "the " + field + " is 0 to 1000 mV, with up to six decimals");
        (field == "amplitude" ? s.amplitudeNanoVolt : s.noiseNanoVolt) = *v;
    } else if (field == "dc_offset") {
        const auto v = simmath::parseMicro(value, -kFullScaleNanoVolt, kFullScaleNanoVolt);
        if (!v)
            fail(EINVAL, what, "the DC offset is -1000 to 1000 mV, with up to six decimals");
        s.dcOffsetNanoVolt = *v;
    } else if (field == "phase") {
        const auto v = simmath::parseMicro(value, 0, kFullCircleMicroDeg);
        if (!v)
            fail(EINVAL, what, "the phase is 0 to 360 degrees, with up to six decimals");
        s.phaseMicroDeg = *v;
    } else {
        fail(ENOENT, what, "iio-sim-adc has no attribute of that name");
    }
    setChannel(channel, s);
}

// --- typed access ---

std::uint32_t SimDevice::samplingFrequency() const
{
    std::lock_guard lock(mutex_);
    return samplingFrequency_;
}

void SimDevice::setSamplingFrequency(std::uint32_t hz)
{
    if (hz < kMinSamplingFrequency || hz > kMaxSamplingFrequency)
        fail(EINVAL, "set the sim sampling frequency to " + std::to_string(hz) + " Hz",
             "the sampling frequency is 1000 to 100000000 Hz");
    std::lock_guard lock(mutex_);
    checkPresent();
    if (streaming_)
        fail(EBUSY, "set the sim sampling frequency",
             "the sampling frequency cannot change while the buffer streams");
    samplingFrequency_ = hz;
}

bool SimDevice::throughputMode() const
{
    std::lock_guard lock(mutex_);
    return throughput_;
}

void SimDevice::setThroughputMode(bool on)
{
    std::lock_guard lock(mutex_);
    checkPresent();
    if (streaming_)
        fail(EBUSY, "set the sim throughput mode",
             "throughput mode cannot change while the buffer streams");
    throughput_ = on;
}

SimChannelSettings SimDevice::channel(unsigned channel) const
{
    checkChannel(channel);
    std::lock_guard lock(mutex_);
    return settings_[channel];
}

void SimDevice::setChannel(unsigned channel, const SimChannelSettings &s)
{
    checkChannel(channel);
    const std::string what = "set sim channel voltage" + std::to_string(channel);
    if (s.frequencyMicroHz > kMaxFrequencyMicroHz)
        fail(EINVAL, what, "the frequency is 0 to 50000000 Hz");
    if (s.amplitudeNanoVolt < 0 || s.amplitudeNanoVolt > kFullScaleNanoVolt)
        fail(EINVAL, what, "the amplitude is 0 to 1000 mV");
    if (s.noiseNanoVolt < 0 || s.noiseNanoVolt > kFullScaleNanoVolt)
        fail(EINVAL, what, "the noise is 0 to 1000 mV");
    if (s.dcOffsetNanoVolt < -kFullScaleNanoVolt || s.dcOffsetNanoVolt > kFullScaleNanoVolt)
        fail(EINVAL, what, "the DC offset is -1000 to 1000 mV");
    if (s.phaseMicroDeg < 0 || s.phaseMicroDeg > kFullCircleMicroDeg)
        fail(EINVAL, what, "the phase is 0 to 360 degrees");
    if (static_cast<unsigned>(s.waveform) >= std::size(kWaveformNames))
        fail(EINVAL, what, "unknown waveform");
    std::lock_guard lock(mutex_);
    checkPresent();
    // A phase change while streaming shifts the running waveform, as in the driver.
    phase_[channel] += simmath::phaseOffset(static_cast<std::uint64_t>(s.phaseMicroDeg)) -
                       simmath::phaseOffset(static_cast<std::uint64_t>(settings_[channel].phaseMicroDeg));
    settings_[channel] = s;
}

std::uint64_t SimDevice::droppedSamples() const
{
    std::lock_guard lock(mutex_);
    return dropped_;
}

bool SimDevice::streaming() const
{
    std::lock_guard lock(mutex_);
    return streaming_;
}

// --- streaming ---

void SimDevice::beginStreaming(const std::vector<unsigned> &scan)
{
    for (const unsigned ch : scan)
        checkChannel(ch);
    std::lock_guard lock(mutex_);
    checkPresent();
    if (streaming_)
        fail(EBUSY, "start streaming from iio-sim-adc", "the sim device already streams");
    streaming_ = true;
    scan_ = scan;
    position_ = 0;
    dropped_ = 0; // dropped_samples counts since the last enable
    // t = 0 at the first sample: every generator restarts at its phase.
    for (unsigned ch = 0; ch < kChannels; ++ch)
        phase_[ch] = simmath::phaseOffset(static_cast<std::uint64_t>(settings_[ch].phaseMicroDeg));
}

void SimDevice::endStreaming()
{
    std::lock_guard lock(mutex_);
    streaming_ = false;
}

std::uint64_t SimDevice::position() const
{
    std::lock_guard lock(mutex_);
    return position_;
}

void SimDevice::drop(std::uint64_t frames)
{
    std::lock_guard lock(mutex_);
    for (unsigned ch = 0; ch < kChannels; ++ch)
        phase_[ch] += frames * setupGenerator(ch).inc;
    dropped_ += frames;
    position_ += frames;
}

void SimDevice::generate(std::uint8_t *out, std::size_t frames, std::size_t frameBytes)
{
    std::lock_guard lock(mutex_);
    std::array<Generator, kChannels> gens;
    for (unsigned ch = 0; ch < kChannels; ++ch)
        gens[ch] = setupGenerator(ch);
    for (std::size_t done = 0; done < frames;) {
        const std::size_t n = std::min(kChunkFrames, frames - done);
        std::uint8_t *chunk = out + done * frameBytes;
        for (std::size_t i = 0; i < scan_.size(); ++i) {
            const unsigned ch = scan_[i];
            const Generator &g = gens[ch];
            std::uint8_t *p = chunk + 2 * i;
            // The waveform is chosen once per column, not per sample.
            switch (g.type) {
            case SimWaveform::Counter: {
                const std::uint64_t index = position_;
                for (std::size_t k = 0; k < n; ++k, p += frameBytes)
                    storeLe16(p, g.store(static_cast<std::int64_t>(index + k)));
                break;
            }
            case SimWaveform::Loopback:
                for (std::size_t k = 0; k < n; ++k, p += frameBytes)
                    storeLe16(p, 0);
                break;
            default: {
                std::uint64_t phase = phase_[ch];
                for (std::size_t k = 0; k < n; ++k, p += frameBytes) {
                    storeLe16(p, g.store(g.value(phase, &rng_)));
                    phase += g.inc;
                }
                phase_[ch] = phase;
                break;
            }
            }
        }
        // Channels that are not enabled keep their phase running with the sample clock.
        for (unsigned ch = 0; ch < kChannels; ++ch)
            if (std::find(scan_.begin(), scan_.end(), ch) == scan_.end() ||
                gens[ch].type == SimWaveform::Counter || gens[ch].type == SimWaveform::Loopback)
                phase_[ch] += n * gens[ch].inc;
        position_ += n;
        done += n;
    }
}

void SimDevice::stamp(std::uint8_t *out, std::size_t len, std::size_t frameBytes)
{
    std::lock_guard lock(mutex_);
    for (std::size_t page = 0; page < len; page += kPageBytes) {
        const std::size_t frame = (page + frameBytes - 1) / frameBytes;
        const std::size_t offset = frame * frameBytes;
        if (offset >= len)
            break;
        const std::uint64_t index = position_ + frame;
        for (std::size_t i = 0; i < scan_.size(); ++i)
            storeLe16(out + offset + 2 * i,
                      static_cast<std::uint16_t>(static_cast<std::uint16_t>(index)
                                                 << scanType(scan_[i]).shift));
    }
    position_ += len / frameBytes;
}

} // namespace dmascope

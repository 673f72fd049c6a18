// SimDevice: the attributes of iio_sim's ADC (names, defaults, formats, validation and errno),
// the driver's fixed-point arithmetic, and the generator's output against the formulas.
#include "dmascope/scan_layout.h"
#include "dmascope/sim_device.h"
#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>
#include <cmath>

using dmascope::SimChannelSettings;
using dmascope::SimDevice;
using dmascope::SimWaveform;
using dmascope::SystemError;
namespace simmath = dmascope::simmath;

namespace {
int errnoOf(const std::function<void()> &fn)
{
    try {
        fn();
    } catch (const SystemError &e) {
        return e.code();
    }
    return 0;
}

// Generates `frames` frames of all four channels and decodes channel `ch` of each.
std::vector<std::int64_t> generateChannel(SimDevice &dev, unsigned ch, std::size_t frames)
{
    std::vector<std::uint8_t> buf(frames * 8);
    dev.generate(buf.data(), frames, 8);
    const dmascope::SampleDecoder d(SimDevice::scanType(ch));
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < frames; ++i)
        out.push_back(d.decode(buf.data() + i * 8 + 2 * ch));
    return out;
}
} // namespace

class TstSimDevice : public QObject
{
    Q_OBJECT

private slots:
    void defaultsMatchTheDriver()
    {
        SimDevice dev;
        QCOMPARE(dev.read("name"), std::string("iio-sim-adc"));
        QCOMPARE(dev.read("sampling_frequency"), std::string("1000000"));
        QCOMPARE(dev.read("sampling_frequency_available"), std::string("[1000 1 100000000]"));
        QCOMPARE(dev.read("throughput_mode"), std::string("0"));
        QCOMPARE(dev.read("dropped_samples"), std::string("0"));
        const char *waves[] = {"sine", "square", "triangle", "counter"};
        const char *freqs[] = {"1000.000000", "1000.000000", "500.000000", "1000.000000"};
        const char *amplitudes[] = {"800.000000", "500.000000", "800.000000", "800.000000"};
        for (unsigned ch = 0; ch < 4; ++ch) {
            const std::string p = "in_voltage" + std::to_string(ch) + "_";
            QCOMPARE(dev.read(p + "waveform"), std::string(waves[ch]));
            QCOMPARE(dev.read(p + "frequency"), std::string(freqs[ch]));
            QCOMPARE(dev.read(p + "amplitude"), std::string(amplitudes[ch]));
            QCOMPARE(dev.read(p + "dc_offset"), std::string("0.000000"));
            QCOMPARE(dev.read(p + "phase"), std::string("0.000000"));
            QCOMPARE(dev.read(p + "noise"), std::string("0.000000"));
            QCOMPARE(dev.read(p + "offset"), std::string("0"));
            QCOMPARE(dev.read(p + "waveform_available"),
                     std::string("sine square triangle sawtooth noise dc counter loopback"));
        }
        QCOMPARE(dev.read("in_voltage0_scale"), std::string("0.030517578"));
        QCOMPARE(dev.read("in_voltage3_scale"), std::string("0.488281250"));
        QCOMPARE(SimDevice::scanType(0).toString(), std::string("le:s16/16>>0"));
        QCOMPARE(SimDevice::scanType(2).toString(), std::string("le:s12/16>>4"));
        QCOMPARE(SimDevice::scale(1), 1000.0 / 32768);
        QCOMPARE(SimDevice::scale(3), 1000.0 / 2048);
        QCOMPARE(SimDevice::attributes().size(), std::size_t{5 + 4 * 10});
        for (const auto &a : SimDevice::attributes())
            QVERIFY2(!dev.read(a).empty(), a.c_str());
    }

    void writesRoundTripInMillionths()
    {
        SimDevice dev;
        dev.write("in_voltage1_frequency", "12.5\n");
        QCOMPARE(dev.read("in_voltage1_frequency"), std::string("12.500000"));
        dev.write("in_voltage1_amplitude", "1.12345678");
        QCOMPARE(dev.read("in_voltage1_amplitude"), std::string("1.123456"));
        dev.write("in_voltage1_dc_offset", "-1000");
        QCOMPARE(dev.read("in_voltage1_dc_offset"), std::string("-1000.000000"));
        dev.write("in_voltage1_dc_offset", "-0.5");
        QCOMPARE(dev.read("in_voltage1_dc_offset"), std::string("-0.500000"));
        dev.write("in_voltage1_phase", "+360");
        QCOMPARE(dev.read("in_voltage1_phase"), std::string("360.000000"));
        dev.write("in_voltage1_noise", ".25");
        QCOMPARE(dev.read("in_voltage1_noise"), std::string("0.250000"));
        dev.write("in_voltage1_waveform", "sawtooth\n");
        QCOMPARE(dev.channel(1).waveform, SimWaveform::Sawtooth);
        dev.write("sampling_frequency", "+2500\n");
        QCOMPARE(dev.samplingFrequency(), 2500u);
        dev.write("throughput_mode", "1");
        QVERIFY(dev.throughputMode());
        const SimChannelSettings s = dev.channel(1);
        QCOMPARE(s.frequencyMicroHz, std::uint64_t{12'500'000});
        QCOMPARE(s.amplitudeNanoVolt, std::int64_t{1'123'456});
        QCOMPARE(s.dcOffsetNanoVolt, std::int64_t{-500'000});
        QCOMPARE(s.phaseMicroDeg, std::int64_t{360'000'000});
        QCOMPARE(s.noiseNanoVolt, std::int64_t{250'000});
    }

    void refusesWhatTheDriverRefuses_data()
    {
        QTest::addColumn<QString>("attr");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("error");
        QTest::newRow("freq garbage") << "in_voltage0_frequency" << "abc" << EINVAL;
        QTest::newRow("freq too high") << "in_voltage0_frequency" << "50000000.000001" << EINVAL;
        QTest::newRow("freq negative") << "in_voltage0_frequency" << "-1" << EINVAL;
        QTest::newRow("freq two newlines") << "in_voltage0_frequency" << "5\n\n" << EINVAL;
        QTest::newRow("freq only dot") << "in_voltage0_frequency" << "." << EINVAL;
        QTest::newRow("amplitude over") << "in_voltage0_amplitude" << "1000.1" << EINVAL;
        QTest::newRow("dc under") << "in_voltage0_dc_offset" << "-1000.000001" << EINVAL;
        QTest::newRow("phase over") << "in_voltage0_phase" << "361" << EINVAL;
        QTest::newRow("noise negative") << "in_voltage0_noise" << "-0.1" << EINVAL;
        QTest::newRow("waveform unknown") << "in_voltage0_waveform" << "cosine" << EINVAL;
        QTest::newRow("waveform case") << "in_voltage0_waveform" << "Sine" << EINVAL;
        QTest::newRow("fs too low") << "sampling_frequency" << "999" << EINVAL;
        QTest::newRow("fs too high") << "sampling_frequency" << "100000001" << EINVAL;
        QTest::newRow("fs float") << "sampling_frequency" << "1e6" << EINVAL;
        QTest::newRow("fs overflow") << "sampling_frequency" << "99999999999999999999" << EINVAL;
        QTest::newRow("throughput 2") << "throughput_mode" << "2" << EINVAL;
        QTest::newRow("dropped nonzero") << "dropped_samples" << "5" << EINVAL;
        QTest::newRow("raw read-only") << "in_voltage0_raw" << "1" << EACCES;
        QTest::newRow("scale read-only") << "in_voltage0_scale" << "1" << EACCES;
        QTest::newRow("name read-only") << "name" << "x" << EACCES;
        QTest::newRow("unknown attr") << "in_voltage4_frequency" << "1" << ENOENT;
        QTest::newRow("unknown field") << "in_voltage0_color" << "1" << ENOENT;
    }
    void refusesWhatTheDriverRefuses()
    {
        QFETCH(QString, attr);
        QFETCH(QString, value);
        QFETCH(int, error);
        SimDevice dev;
        const auto before = dev.channel(0);
        QCOMPARE(errnoOf([&] { dev.write(attr.toStdString(), value.toStdString()); }), error);
        QVERIFY(dev.channel(0) == before);
        QCOMPARE(dev.samplingFrequency(), SimDevice::kDefaultSamplingFrequency);
    }

    void errorsSayWhatIsAllowed()
    {
        SimDevice dev;
        try {
            dev.write("in_voltage2_phase", "400");
            QFAIL("no error");
        } catch (const SystemError &e) {
            QCOMPARE(std::string(e.what()),
                     std::string("write \"400\" to sim attribute in_voltage2_phase: Invalid "
                                 "argument (errno 22). the phase is 0 to 360 degrees, with up "
                                 "to six decimals"));
        }
    }

    void busyWhileStreaming()
    {
        SimDevice dev;
        dev.beginStreaming({0, 1});
        QVERIFY(dev.streaming());
        QCOMPARE(errnoOf([&] { dev.write("sampling_frequency", "2000"); }), EBUSY);
        QCOMPARE(errnoOf([&] { dev.write("throughput_mode", "1"); }), EBUSY);
        QCOMPARE(errnoOf([&] { dev.read("in_voltage0_raw"); }), EBUSY);
        QCOMPARE(errnoOf([&] { dev.beginStreaming({0}); }), EBUSY);
        // Generator settings may change while streaming, as on the driver.
        dev.write("in_voltage0_frequency", "2000");
        dev.endStreaming();
        dev.write("sampling_frequency", "2000");
        QCOMPARE(dev.samplingFrequency(), 2000u);
    }

    void unpluggedDeviceAnswersEnodev()
    {
        SimDevice dev;
        dev.unplug();
        QVERIFY(dev.unplugged());
        QCOMPARE(errnoOf([&] { dev.read("sampling_frequency"); }), ENODEV);
        QCOMPARE(errnoOf([&] { dev.write("in_voltage0_frequency", "1"); }), ENODEV);
        QCOMPARE(errnoOf([&] { dev.beginStreaming({0}); }), ENODEV);
    }

    void rawValues()
    {
        SimDevice dev;
        SimChannelSettings s = dev.channel(0);
        s.waveform = SimWaveform::Dc;
        s.dcOffsetNanoVolt = 500'000'000; // 500 mV
        dev.setChannel(0, s);
        QCOMPARE(dev.read("in_voltage0_raw"), std::string("16384"));
        s.dcOffsetNanoVolt = -1'000'000'000; // full scale negative: clipped to -32768
        dev.setChannel(0, s);
        QCOMPARE(dev.read("in_voltage0_raw"), std::string("-32768"));
        s.dcOffsetNanoVolt = 1'000'000'000; // +full scale clips to 32767
        dev.setChannel(0, s);
        QCOMPARE(dev.read("in_voltage0_raw"), std::string("32767"));
        // The counter is the sample index since "load": it grows at the sampling frequency.
        const long a = std::stol(dev.read("in_voltage3_raw"));
        QVERIFY(a >= -2048 && a < 2048);
        dev.setChannel(2, [&] {
            SimChannelSettings l = dev.channel(2);
            l.waveform = SimWaveform::Loopback;
            return l;
        }());
        QCOMPARE(dev.read("in_voltage2_raw"), std::string("0"));
    }

    void fixedPointArithmetic()
    {
        // Values of the driver's quarter-sine table.
        QCOMPARE(simmath::sinQ15(0), 0);
        QCOMPARE(simmath::sinQ15(1u << 22), 201);
        QCOMPARE(simmath::sinQ15(128u << 22), 23170);
        QCOMPARE(simmath::sinQ15(255u << 22), 32767);
        QCOMPARE(simmath::sinQ15(1u << 30), 32768);
        QCOMPARE(simmath::sinQ15(1u << 31), 0);
        QCOMPARE(simmath::sinQ15(3u << 30), -32768);
        QCOMPARE(simmath::sinQ15((1u << 31) + (1u << 22)), -201);
        for (std::uint64_t p = 0; p < (1ULL << 32); p += 12345677) {
            const double expected = std::sin(2 * M_PI * static_cast<double>(p) / 4294967296.0);
            QVERIFY(std::abs(simmath::sinQ15(static_cast<std::uint32_t>(p)) / 32768.0 - expected) <
                    2.0 / 32768);
        }
        // 1 kHz at 1 MHz: 1/1000 of a period per sample, floor(2^63 / 1000) * 2.
        QCOMPARE(simmath::phaseIncrement(1'000'000'000ULL, 1'000'000),
                 ((std::uint64_t{1} << 63) / 1000) << 1);
        // Aliasing: fs + f behaves like f.
        QCOMPARE(simmath::phaseIncrement(1'001'000'000'000ULL, 1'000'000),
                 simmath::phaseIncrement(1'000'000'000ULL, 1'000'000));
        QCOMPARE(simmath::phaseOffset(90'000'000), std::uint64_t{1} << 62);
        QCOMPARE(simmath::phaseOffset(360'000'000), std::uint64_t{0});
        QCOMPARE(simmath::samplesDue(100, 99, 1000), std::uint64_t{0});
        QCOMPARE(simmath::samplesDue(100, 100, 1000), std::uint64_t{1});
        QCOMPARE(simmath::samplesDue(0, 1'000'000'000, 1000), std::uint64_t{1001});
        QCOMPARE(simmath::samplesDue(0, 999'999, 1000), std::uint64_t{1});
        QCOMPARE(simmath::samplesDue(0, 1'000'000, 1000), std::uint64_t{2});
        QCOMPARE(simmath::formatMicro(-1), std::string("-0.000001"));
        QCOMPARE(simmath::parseMicro("-0.000001", -10, 10), std::optional<std::int64_t>(-1));
    }

    void generatedWaveformsFollowTheFormulas()
    {
        SimDevice dev;
        dev.setSamplingFrequency(100'000);
        // ch0 sine 1 kHz 800 mV with 45 degrees phase and a 100 mV offset.
        SimChannelSettings s0 = dev.channel(0);
        s0.phaseMicroDeg = 45'000'000;
        s0.dcOffsetNanoVolt = 100'000'000;
        dev.setChannel(0, s0);
        SimChannelSettings s1 = dev.channel(1);
        s1.waveform = SimWaveform::Sawtooth;
        dev.setChannel(1, s1);
        dev.beginStreaming({0, 1, 2, 3});
        std::vector<std::uint8_t> buf(1000 * 8);
        dev.generate(buf.data(), 1000, 8);
        dev.endStreaming();
        const auto layout = dmascope::ScanLayout::compute(SimDevice::scanChannels());
        std::vector<float> mv(1000);
        std::vector<std::int32_t> raw(1000);
        const double fs = 100'000;
        // The fraction of a period at sample i, from the phase accumulator (the increment is
        // rounded down, which matters right at period boundaries).
        auto periodFraction = [](std::uint64_t hz, int i) {
            const std::uint64_t phase =
                static_cast<std::uint64_t>(i) * simmath::phaseIncrement(hz * 1'000'000, 100'000);
            return static_cast<double>(phase) / 18446744073709551616.0;
        };
        // Sine: 100 + 800 sin(2 pi 1000 t + pi/4) mV within 4 LSB: the driver truncates the
        // amplitude and offset to codes (up to 1 LSB each), the product (1 LSB) and
        // interpolates the sine table (under 2 LSB at this amplitude).
        dmascope::extractPhysical(layout.channels[0], 8, buf.data(), 1000, mv.data());
        for (int i = 0; i < 1000; ++i) {
            const double expected = 100 + 800 * std::sin(2 * M_PI * 1000 * i / fs + M_PI / 4);
            QVERIFY2(std::abs(mv[i] - expected) <= 4 * SimDevice::scale(0),
                     qPrintable(QString("sample %1: %2 vs %3").arg(i).arg(mv[i]).arg(expected)));
        }
        // Sawtooth (channel 1 keeps its 500 mV): -500 mV rising to +500 mV over one period.
        dmascope::extractPhysical(layout.channels[1], 8, buf.data(), 1000, mv.data());
        for (int i = 0; i < 1000; ++i) {
            const double expected = -500 + 1000 * periodFraction(1000, i);
            QVERIFY2(std::abs(mv[i] - expected) <= 2 * SimDevice::scale(1),
                     qPrintable(QString("sample %1: %2 vs %3").arg(i).arg(mv[i]).arg(expected)));
        }
        // Triangle 500 Hz, 800 mV, 12 bits: -800 at phase 0, +800 at half a period.
        dmascope::extractPhysical(layout.channels[2], 8, buf.data(), 1000, mv.data());
        for (int i = 0; i < 1000; ++i) {
            const double frac = periodFraction(500, i);
            const double expected = frac < 0.5 ? -800 + 3200 * frac : 800 - 3200 * (frac - 0.5);
            QVERIFY2(std::abs(mv[i] - expected) <= 2 * SimDevice::scale(2),
                     qPrintable(QString("sample %1: %2 vs %3").arg(i).arg(mv[i]).arg(expected)));
        }
        // Counter: the sample index, 12 bits, sign-extended.
        dmascope::extractRaw(layout.channels[3], 8, buf.data(), 1000, raw.data());
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(raw[i], static_cast<std::int32_t>(static_cast<std::int16_t>(i << 4) >> 4));
    }

    void squareAndClipping()
    {
        SimDevice dev;
        SimChannelSettings s = dev.channel(1);
        s.dcOffsetNanoVolt = 600'000'000; // 600 + 500 mV clips at full scale
        dev.setChannel(1, s);
        dev.beginStreaming({1});
        std::vector<std::uint8_t> buf(1000 * 2);
        dev.generate(buf.data(), 1000, 2);
        const dmascope::SampleDecoder d(SimDevice::scanType(1));
        // 1 kHz at 1 MHz: high for the first half period. The phase increment is rounded
        // down, so sample 500 is still just inside the first half.
        for (int i = 0; i < 1000; ++i) {
            const std::int64_t expected = i <= 500 ? 32767 : (100 * 32768) / 1000;
            QCOMPARE(d.decode(buf.data() + 2 * i), expected);
        }
    }

    void noiseHasTheRequestedRms()
    {
        SimDevice dev;
        SimChannelSettings s = dev.channel(0);
        s.waveform = SimWaveform::Noise;
        s.amplitudeNanoVolt = 100'000'000; // 100 mV RMS
        dev.setChannel(0, s);
        dev.beginStreaming({0});
        const std::size_t n = 200'000;
        std::vector<std::uint8_t> buf(n * 2);
        dev.generate(buf.data(), n, 2);
        const dmascope::SampleDecoder d(SimDevice::scanType(0));
        double sum = 0, sum2 = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double v = static_cast<double>(d.decode(buf.data() + 2 * i)) * SimDevice::scale(0);
            sum += v;
            sum2 += v * v;
        }
        const double mean = sum / n;
        const double rms = std::sqrt(sum2 / n - mean * mean);
        QVERIFY2(std::abs(mean) < 1.0, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(rms - 100) < 2.0, qPrintable(QString::number(rms)));
    }

    void droppedSamplesKeepTheClockRunning()
    {
        // Generating 10, dropping 5 and generating 10 more gives the same samples 0-9 and
        // 15-24 as generating 25 straight: counter and phases advance through the gap.
        SimDevice a, b;
        for (SimDevice *dev : {&a, &b})
            dev->beginStreaming({0, 1, 2, 3});
        const auto straight0 = generateChannel(a, 0, 25);
        a.endStreaming();
        a.beginStreaming({0, 1, 2, 3});
        const auto straight3 = generateChannel(a, 3, 25);
        auto first0 = generateChannel(b, 0, 10);
        b.drop(5);
        auto second0 = generateChannel(b, 0, 10);
        QCOMPARE(b.droppedSamples(), std::uint64_t{5});
        QCOMPARE(b.read("dropped_samples"), std::string("5"));
        QCOMPARE(b.position(), std::uint64_t{25});
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(first0[i], straight0[i]);
            QCOMPARE(second0[i], straight0[15 + i]);
        }
        b.endStreaming();
        b.beginStreaming({0, 1, 2, 3});
        const auto c1 = generateChannel(b, 3, 10);
        b.drop(5);
        const auto c2 = generateChannel(b, 3, 10);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(c1[i], straight3[i]);
            QCOMPARE(c2[i], straight3[15 + i]);
        }
        b.write("dropped_samples", "0\n");
        QCOMPARE(b.droppedSamples(), std::uint64_t{0});
        b.drop(3);
        b.endStreaming();
        QCOMPARE(b.droppedSamples(), std::uint64_t{3}); // kept after disable
        b.beginStreaming({0});
        QCOMPARE(b.droppedSamples(), std::uint64_t{0}); // counted since the last enable
    }

    void phaseChangeWhileStreamingShiftsTheWave()
    {
        SimDevice dev;
        SimChannelSettings s = dev.channel(1); // square 1 kHz at 1 MHz
        dev.beginStreaming({1});
        std::vector<std::uint8_t> buf(2 * 100);
        dev.generate(buf.data(), 100, 2); // samples 0..99: high
        s.phaseMicroDeg = 180'000'000;
        dev.setChannel(1, s);
        dev.generate(buf.data(), 100, 2); // samples 100..199, half a period later: low
        const dmascope::SampleDecoder d(SimDevice::scanType(1));
        QCOMPARE(d.decode(buf.data()), std::int64_t{-(500 * 32768) / 1000});
    }

    void throughputStampMarksPageStarts()
    {
        SimDevice dev;
        dev.beginStreaming({0, 2, 3}); // 6-byte frames: pages start mid-frame
        std::vector<std::uint8_t> buf(3 * 4096 + 600, 0xee);
        const std::size_t len = buf.size() / 6 * 6;
        dev.stamp(buf.data(), len, 6);
        const dmascope::SampleDecoder s16(SimDevice::scanType(0)), s12(SimDevice::scanType(2));
        for (std::size_t page = 0; page < len; page += 4096) {
            const std::size_t frame = (page + 5) / 6;
            QCOMPARE(s16.decode(buf.data() + frame * 6), static_cast<std::int64_t>(
                                                             static_cast<std::int16_t>(frame)));
            QCOMPARE(s12.decode(buf.data() + frame * 6 + 2),
                     static_cast<std::int64_t>(static_cast<std::int16_t>(frame << 4) >> 4));
        }
        QCOMPARE(buf[6], std::uint8_t{0xee}); // the rest is left as it was
        QCOMPARE(dev.position(), std::uint64_t{len / 6});
    }
};

QTEST_GUILESS_MAIN(TstSimDevice)
#include "tst_sim_device.moc"

// SpectrumFeed on frames made by the demo device's generator (the driver's arithmetic): a sine
// on a 16-bit and on a 12-bit channel reads its frequency and level in dBFS, and an I/Q pair
// (cosine on I, sine on Q) shows a positive frequency and a negative one when swapped.
#include "dmascope/dsp/spectrum_feed.h"
#include "dmascope/sim_device.h"

#include <QTest>

#include <cmath>

using namespace dmascope;
using namespace dmascope::dsp;

namespace {

constexpr std::uint32_t kRate = 1'000'000;

// n frames of all four channels of the demo device with the given generators.
std::vector<std::uint8_t> generate(SimDevice &dev, const ScanLayout &layout, std::size_t n)
{
    std::vector<std::uint8_t> frames(n * layout.frameBytes);
    dev.beginStreaming({0, 1, 2, 3});
    dev.generate(frames.data(), n, layout.frameBytes);
    dev.endStreaming();
    return frames;
}

SimChannelSettings sine(double hz, double mv, double degrees = 0)
{
    SimChannelSettings s;
    s.waveform = SimWaveform::Sine;
    s.frequencyMicroHz = std::uint64_t(hz * 1e6);
    s.amplitudeNanoVolt = std::int64_t(mv * 1e6);
    s.phaseMicroDeg = std::int64_t(degrees * 1e6);
    return s;
}

std::size_t argmax(const std::vector<float> &v)
{
    return std::size_t(std::max_element(v.begin(), v.end()) - v.begin());
}

} // namespace

class TstSpectrumFeed : public QObject
{
    Q_OBJECT
private slots:
    void realChannelsReadFrequencyAndLevel()
    {
        SimDevice dev;
        dev.setSamplingFrequency(kRate);
        const std::size_t n = 8192;
        // Bin-centred tones: 500 mV on the 16-bit channel 0, 250 mV on the 12-bit channel 2.
        const double f0 = 1000.0 * kRate / n, f2 = 2000.0 * kRate / n;
        dev.setChannel(0, sine(f0, 500));
        dev.setChannel(2, sine(f2, 250));
        const ScanLayout layout = ScanLayout::compute(SimDevice::scanChannels());
        const auto frames = generate(dev, layout, n);
        for (const auto &[channel, freq, mv] :
             {std::tuple{std::size_t(0), f0, 500.0}, std::tuple{std::size_t(2), f2, 250.0}}) {
            SpectrumFeed feed(layout, channel);
            QVERIFY(!feed.complex());
            QCOMPARE(feed.fullScale(), 1.0); // 1000 mV full scale on both resolutions
            SpectrumConfig c;
            c.size = n;
            c.window.type = WindowType::FlatTop;
            c.sampleRate = kRate;
            c.fullScale = feed.fullScale();
            SpectrumEngine e(c);
            // Fed block by block as a stream delivers it.
            std::size_t ffts = 0;
            for (std::size_t k = 0; k < n; k += 1000)
                ffts += feed.feed(e, frames.data() + k * layout.frameBytes,
                                  std::min<std::size_t>(1000, n - k));
            QCOMPARE(ffts, std::size_t(1));
            std::vector<float> s;
            e.spectrum(s);
            const std::size_t peak = argmax(s);
            QCOMPARE(e.frequency(peak), freq);
            // Within the generator's quantisation (12 bits: 0.5 mV steps) and 0.05 dB.
            QVERIFY2(std::abs(s[peak] - 20 * std::log10(mv / 1000)) < 0.05,
                     qPrintable(QString("ch%1: %2 dBFS").arg(channel).arg(s[peak])));
        }
    }

    void iqPairSeparatesPositiveAndNegative()
    {
        SimDevice dev;
        dev.setSamplingFrequency(kRate);
        const std::size_t n = 4096;
        const double f = 300.0 * kRate / n;
        dev.setChannel(0, sine(f, 400, 90)); // I = cos
        dev.setChannel(1, sine(f, 400, 0));  // Q = sin: I + jQ = e^{+j w t}
        const ScanLayout layout = ScanLayout::compute(SimDevice::scanChannels());
        const auto frames = generate(dev, layout, n);
        for (const bool swapped : {false, true}) {
            SpectrumFeed feed(layout, swapped ? 1 : 0, swapped ? 0 : 1);
            QVERIFY(feed.complex());
            SpectrumConfig c;
            c.size = n;
            c.complexInput = true;
            c.window.type = WindowType::BlackmanHarris;
            c.sampleRate = kRate;
            c.fullScale = feed.fullScale();
            SpectrumEngine e(c);
            QCOMPARE(feed.feed(e, frames.data(), n), std::size_t(1));
            std::vector<float> s;
            e.spectrum(s);
            const std::size_t peak = argmax(s);
            QCOMPARE(e.frequency(peak), swapped ? -f : f);
            QVERIFY(std::abs(s[peak] - 20 * std::log10(0.4)) < 0.05);
            // The image is suppressed (only the generator's rounding leaks into it).
            QVERIFY(s[n - peak] < s[peak] - 60);
        }
    }

    void badChannelsAreRefused()
    {
        std::vector<ChannelLayout> chans = SimDevice::scanChannels();
        ChannelLayout ts;
        ts.id = "timestamp";
        ts.type.storageBits = 64;
        ts.type.realBits = 64;
        ts.scanIndex = 9;
        chans.push_back(ts);
        const ScanLayout layout = ScanLayout::compute(chans);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SpectrumFeed(layout, 7));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SpectrumFeed(layout, 4));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SpectrumFeed(layout, 0, 4));
    }
};

QTEST_GUILESS_MAIN(TstSpectrumFeed)
#include "tst_spectrum_feed.moc"

// SpectrumFeed on frames made by the demo device's generator (the driver's arithmetic): a sine
// on a 16-bit and on a 12-bit channel reads its frequency and level in dBFS, and an I/Q pair
// (cosine on I, sine on Q) shows a positive frequency and a negative one when swapped.
#include "dmascope/dsp/spectrum_feed.h"
#include "dmascope/sim_device.h"

#include <QTest>

#include <cmath>
#include <memory>
#include <random>

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

// Power spectra agree to float rounding (the same arithmetic in another order at most): every
// bin within 1e-5 of the peak, and all bins within 1e-6 of the total power (a window one sample
// out of place on noise makes 5e-6).
bool samePower(const std::vector<float> &a, const std::vector<float> &b, QString *why)
{
    if (a.size() != b.size()) {
        *why = QString("sizes %1 and %2").arg(a.size()).arg(b.size());
        return false;
    }
    const float peak = *std::max_element(a.begin(), a.end());
    double off = 0, total = 0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (!(std::abs(a[k] - b[k]) <= 1e-5f * peak)) {
            *why = QString("bin %1: %2 vs %3 (peak %4)").arg(k).arg(a[k]).arg(b[k]).arg(peak);
            return false;
        }
        off += std::abs(double(a[k]) - double(b[k]));
        total += b[k];
    }
    if (!(off <= 1e-6 * total)) {
        *why = QString("off by %1 of the power").arg(off / total);
        return false;
    }
    return true;
}

// Feeds channel i (real) and the pair i, q (I/Q) of random frames through SpectrumFeed, with and
// without overlap, whole and in uneven pieces, and compares with volts from extractPhysical fed
// as floats (frames of each of `sizes` samples).
void compareWithExtractPhysical(const ScanLayout &layout, std::size_t i, std::size_t q,
                                std::initializer_list<std::size_t> sizes = {256, 257})
{
    std::mt19937 rng(7);
    for (const std::size_t n : sizes) {
        const std::size_t frames = 3 * n + 11;
        std::vector<std::uint8_t> block(frames * layout.frameBytes);
        for (auto &b : block)
            b = std::uint8_t(rng());
        for (const bool cplx : {false, true}) {
            for (const double overlap : {0.0, 0.5}) {
                SpectrumFeed feed(layout, i, cplx ? std::optional<std::size_t>(q) : std::nullopt);
                SpectrumConfig c;
                c.size = n;
                c.window.type = WindowType::BlackmanHarris;
                c.overlap = overlap;
                c.averaging = Averaging::Linear;
                c.averages = 100;
                c.complexInput = cplx;
                SpectrumEngine whole(c), pieces(c), reference(c);

                // Reference: volts by extractPhysical (the feed folds mV -> V into the
                // scale), fed as floats.
                std::vector<float> re(frames), im(frames);
                for (const auto &[index, out] : {std::pair{i, re.data()}, {q, im.data()}}) {
                    ChannelLayout volts = layout.channels[index];
                    volts.scale *= SpectrumFeed::voltsPerUnit(volts);
                    extractPhysical(volts, layout.frameBytes, block.data(), frames, out);
                }
                const std::size_t expected =
                    reference.feed(re.data(), cplx ? im.data() : nullptr, frames);
                QVERIFY(expected >= 3);

                QCOMPARE(feed.feed(whole, block.data(), frames), expected);
                // Pieces that end before, at and after the middle of a frame.
                std::size_t done = 0, ffts = 0;
                for (const std::size_t piece :
                     {n / 2 - 3, std::size_t(3), std::size_t(1), n + 5, std::size_t(7), frames}) {
                    const std::size_t take = std::min(piece, frames - done);
                    ffts += feed.feed(pieces, block.data() + done * layout.frameBytes, take);
                    done += take;
                }
                QCOMPARE(ffts, expected);

                QString why;
                QVERIFY2(samePower(whole.power(), reference.power(), &why),
                         qPrintable(QString("frame %5 B, channel %6, n %1 %2 overlap %3, whole: %4")
                                        .arg(n)
                                        .arg(cplx ? "I/Q" : "real")
                                        .arg(overlap)
                                        .arg(why)
                                        .arg(layout.frameBytes)
                                        .arg(i)));
                QVERIFY2(
                    samePower(pieces.power(), reference.power(), &why),
                    qPrintable(QString("frame %5 B, channel %6, n %1 %2 overlap %3, pieces: %4")
                                   .arg(n)
                                   .arg(cplx ? "I/Q" : "real")
                                   .arg(overlap)
                                   .arg(why)
                                   .arg(layout.frameBytes)
                                   .arg(i)));
            }
        }
    }
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

    // The feed converts, scales and windows raw samples in one pass (without overlap) or
    // converts into the engine's frame (with overlap): both must give what converting with
    // extractPhysical and feeding volts gives, for every storage width, sign, byte order and
    // shift (including the formats the fused pass hands to extractPhysical: 24-bit storage and
    // u32 with 32 real bits), real and I/Q, fed whole or in uneven pieces.
    void conversionMatchesExtractPhysical_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *f : {"le:s16/16>>0", "be:s16/16>>0", "le:u12/16>>4", "be:s12/16>>2",
                              "le:s8/8>>0", "le:u8/8>>0", "le:s32/32>>0", "be:s24/32>>8",
                              "le:u32/32>>0", "le:s24/24>>0", "be:u20/24>>2"})
            QTest::newRow(f) << QString(f);
    }
    void conversionMatchesExtractPhysical()
    {
        QFETCH(QString, format);
        const auto type = ScanType::parse(format.toStdString());
        QVERIFY(type);
        // Layouts: two channels of the format between a 16-bit one and a 32-bit one (the stride
        // is not the sample size, the frame not a power-of-two number of words); four and eight
        // channels of the format (frames of 1 to 8 aligned 32-bit words, samples at every byte
        // offset within a word: the one-load-per-sample path).
        for (const std::size_t count : {std::size_t(0), std::size_t(4), std::size_t(8)}) {
            std::vector<ChannelLayout> chans(count ? count : 4);
            for (unsigned c = 0; c < chans.size(); ++c) {
                chans[c].id = c == 3 ? "altvoltage3" : "voltage" + std::to_string(c);
                chans[c].scanIndex = c;
                chans[c].type = *type;
                chans[c].scale = 0.25 + c;
                chans[c].offset = c == 2 ? -3 : 0;
            }
            if (count == 0) {
                chans[0].type = *ScanType::parse("le:s16/16>>0");
                chans[3].type = *ScanType::parse("le:s32/32>>0");
            }
            const ScanLayout layout = ScanLayout::compute(chans);
            for (const std::size_t i : {std::size_t(1), chans.size() - 1}) {
                compareWithExtractPhysical(layout, i, 2);
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    // Long frames draw their window from knots inside the conversion loops: the same check at
    // 512K points (Blackman-Harris), for the one-load-per-sample path (4 x s16), the general
    // decoder (big-endian) and the formats converted by extractPhysical first (24-bit storage).
    void longFramesDrawTheirWindow()
    {
        const std::size_t n = std::size_t(1) << 19;
        QVERIFY(InterpolatedWindow::make({WindowType::BlackmanHarris, 0}, n));
        for (const char *f : {"le:s16/16>>0", "be:s12/16>>2", "le:s24/24>>0"}) {
            std::vector<ChannelLayout> chans(4);
            for (unsigned c = 0; c < chans.size(); ++c) {
                chans[c].id = "voltage" + std::to_string(c);
                chans[c].scanIndex = c;
                chans[c].type = *ScanType::parse(f);
                chans[c].scale = 0.25 + c;
            }
            compareWithExtractPhysical(ScanLayout::compute(chans), 1, 2, {n});
            if (QTest::currentTestFailed())
                return;
        }
    }

    // feedTraces feeds every trace in runs of frames (one pass over the block): the spectra and
    // FFT counts are those of feeding each trace the whole block, real and I/Q traces mixed,
    // with and without overlap.
    void feedTracesMatchesOneFeedPerTrace()
    {
        std::vector<ChannelLayout> chans = SimDevice::scanChannels();
        const ScanLayout layout = ScanLayout::compute(chans);
        SimDevice dev;
        dev.setSamplingFrequency(kRate);
        dev.setChannel(0, sine(12'345, 300));
        dev.setChannel(1, sine(23'456, 200));
        dev.setChannel(2, sine(34'567, 100));
        dev.setChannel(3, sine(34'567, 100, 90));
        const std::size_t n = 4096, frames = 7 * n + 123; // several runs per frame
        const std::vector<std::uint8_t> block = generate(dev, layout, frames);
        for (const double overlap : {0.0, 0.75}) {
            const std::pair<std::size_t, std::optional<std::size_t>> sources[] = {
                {0, std::nullopt}, {2, 3}, {1, std::nullopt}};
            std::vector<SpectrumFeed> feeds, single;
            std::vector<std::unique_ptr<SpectrumEngine>> together, alone;
            std::vector<SpectrumEngine *> ptrs;
            for (const auto &[i, q] : sources) {
                feeds.emplace_back(layout, i, q);
                single.emplace_back(layout, i, q);
                SpectrumConfig c;
                c.size = n;
                c.overlap = overlap;
                c.complexInput = q.has_value();
                c.averaging = Averaging::Linear;
                c.averages = 1000;
                together.push_back(std::make_unique<SpectrumEngine>(c));
                alone.push_back(std::make_unique<SpectrumEngine>(c));
                ptrs.push_back(together.back().get());
            }
            std::size_t expected = 0;
            for (std::size_t t = 0; t < single.size(); ++t)
                expected += single[t].feed(*alone[t], block.data(), frames);
            QVERIFY(expected >= 3 * 7);
            QCOMPARE(feedTraces(feeds, ptrs, block.data(), frames), expected);
            for (std::size_t t = 0; t < single.size(); ++t) {
                QCOMPARE(together[t]->spectraComputed(), alone[t]->spectraComputed());
                QCOMPARE(together[t]->power(), alone[t]->power());
            }
        }
        std::vector<SpectrumFeed> none;
        QCOMPARE(feedTraces(none, {}, nullptr, 0), std::size_t(0));
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

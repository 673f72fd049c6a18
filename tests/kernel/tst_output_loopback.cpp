// OutputStream on iio-sim-dac, seen through DmabufStream on iio-sim-adc's loopback channel (both
// at 1 MS/s, so every DAC sample shows up once, in order): a cyclic block repeats back to back,
// a one-shot block plays exactly once, on the DMABUF and on the write() path.
#include "iio_sim_fixture.h"

#include "dmascope/dmabuf_stream.h"
#include "dmascope/output_stream.h"

#include <QTest>

#include <algorithm>
#include <cstring>

using namespace dmascope;

namespace {
using simtest::kPatternFrames;

// Drops the blocks already queued: the ADC recorded them before the DAC started (setting up
// the DAC in the guest can take longer than the window the tests look at).
void discardQueued(Subscription &sub)
{
    while (sub.tryPop()) {
    }
}

// `samples` of the ADC's voltage0 from a lossless subscription, with the ADC sample index of
// each (the block's firstSample + i: it skips what the ADC dropped, so a gap in the ADC data
// is not mistaken for one in the DAC's output).
struct Samples
{
    std::vector<std::int16_t> values;
    std::vector<std::uint64_t> indexes;
};
Samples collect(Subscription &sub, std::size_t samples)
{
    Samples out;
    while (out.values.size() < samples) {
        auto d = sub.pop(5000);
        if (!d)
            break;
        const Block &b = *d->block;
        std::vector<std::int32_t> raw(b.frames());
        extractRaw(b.layout->channels[0], b.layout->frameBytes, b.data, raw.size(), raw.data());
        for (std::size_t i = 0; i < raw.size(); ++i) {
            out.values.push_back(static_cast<std::int16_t>(raw[i]));
            out.indexes.push_back(b.firstSample + i);
        }
    }
    return out;
}

// With both devices at one rate, ADC sample n shows DAC sample n + c: a cyclic block playing
// back to back from ADC sample n0 shows pattern((n - n0) mod period) at every later n the ADC
// captured. Returns how many whole periods follow `start` that way.
int periodsByIndex(const Samples &data, long start)
{
    const std::uint64_t n0 = data.indexes[std::size_t(start)];
    std::size_t j = std::size_t(start);
    while (j < data.values.size() &&
           data.values[j] == simtest::patternValue((data.indexes[j] - n0) % kPatternFrames))
        ++j;
    return int((data.indexes[j - 1] - n0 + 1) / kPatternFrames);
}
} // namespace

class TstOutputLoopback : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

    std::shared_ptr<Subscription> startAdc(DmabufStream &adc)
    {
        devs_.adc.write("in_voltage0_waveform", "loopback");
        auto sub = adc.subscribe(SubscriptionKind::Lossless, 256);
        StreamConfig c;
        c.channels = {"voltage0"};
        c.samplesPerBlock = 4096;
        c.blockCount = 32;
        adc.start(c);
        return sub;
    }

private slots:
    void init()
    {
        simtest::resetAdc(devs_.adc);
        simtest::resetDac(devs_.dac);
    }
    void cleanup()
    {
        simtest::resetDac(devs_.dac);
        simtest::resetAdc(devs_.adc);
    }

    void cyclicRepeats_data()
    {
        QTest::addColumn<int>("preference");
        QTest::addColumn<QString>("path");
        QTest::newRow("dmabuf") << int(PathPreference::Auto) << "dmabuf-heap";
        QTest::newRow("write") << int(PathPreference::Fileio) << "fileio";
    }
    void cyclicRepeats()
    {
        QFETCH(int, preference);
        QFETCH(QString, path);
        DmabufStream adc("iio-sim-adc");
        auto sub = startAdc(adc);
        OutputStream dac("iio-sim-dac");
        // A cyclic block of 10 periods (10 ms): on write() the thread rewriting it has 10 ms,
        // not 1, to refill a kernel block, which a TCG guest manages.
        OutputConfig c;
        c.samplesPerBlock = 10 * kPatternFrames;
        c.blockCount = 2;
        c.path = static_cast<PathPreference>(preference);
        dac.start(c);
        QCOMPARE(QString::fromStdString(dac.path()), path);
        const auto frames = simtest::dacPatternFrames(10);
        dac.write(frames.data(), frames.size(), true, 5000);
        discardQueued(*sub);
        const auto data = collect(*sub, 200 * kPatternFrames);
        dac.stop();
        adc.stop();
        const long start = simtest::findPatternPeriod(data.values);
        QVERIFY2(start >= 0, "the cyclic block never appeared on the loopback channel");
        const int periods = periodsByIndex(data, start);
        qInfo("%s: %d periods back to back from sample %ld of %zu", qPrintable(path), periods,
              start, data.values.size());
        // DMABUF: the driver repeats the block, so it plays to the end of the data (more than
        // two blocks' worth). write(): a thread rewrites it and may be late on a loaded host
        // (then the DAC outputs zeros), so only the repetition itself is required.
        const int least = path == "fileio" ? 2 : 25;
        QVERIFY2(periods >= least, qPrintable(QString("only %1 periods in a row").arg(periods)));
    }

    void oneShotPlaysOnce_data() { cyclicRepeats_data(); }
    void oneShotPlaysOnce()
    {
        QFETCH(int, preference);
        QFETCH(QString, path);
        DmabufStream adc("iio-sim-adc");
        auto sub = startAdc(adc);
        OutputStream dac("iio-sim-dac");
        OutputConfig c;
        c.samplesPerBlock = kPatternFrames;
        c.blockCount = 2;
        c.path = static_cast<PathPreference>(preference);
        dac.start(c);
        QCOMPARE(QString::fromStdString(dac.path()), path);
        const auto frames = simtest::dacPatternFrames(1);
        // Dropped before the write, not after: nothing recorded before it can hold the block,
        // while after it the ADC may already have delivered the block that does (a guest
        // thread descheduled for a few ms). A whole second is looked at, since queueing and
        // enabling the DAC may take a while in the guest.
        discardQueued(*sub);
        dac.write(frames.data(), frames.size(), false, 5000);
        const auto data = collect(*sub, 1000 * kPatternFrames);
        dac.stop();
        adc.stop();
        const long at = simtest::findPatternPeriod(data.values);
        QVERIFY2(at >= 0, "the one-shot block never appeared on the loopback channel");
        QCOMPARE(simtest::findPatternPeriod(data.values, std::size_t(at) + 1), -1L);
        const auto &v = data.values;
        const auto tail = std::min(v.size(), std::size_t(at) + kPatternFrames + 2000);
        QVERIFY(std::all_of(v.begin() + at + long(kPatternFrames), v.begin() + long(tail),
                            [](std::int16_t v) { return v == 0; }));
        QCOMPARE(dac.failedTransfers(), std::uint64_t{0});
    }
};

QTEST_GUILESS_MAIN(TstOutputLoopback)
#include "tst_output_loopback.moc"

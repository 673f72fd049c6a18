// RelayStream from iio-sim-adc to iio-sim-dac, verified on the ADC's loopback channel: the ADC
// streams its counter (in_voltage1) and the loopback of out_voltage0 (in_voltage2); the relay
// hands each block unchanged to the DAC, so out_voltage0 plays the counter, and the loopback
// channel shows that counter again, a fixed number of frames later. Both devices run at the
// same rate, so every relayed sample shows up once, in order: one constant delay for the whole
// run proves nothing was lost, repeated, reordered or changed on the way. The relay's monitor
// subscription (lossless) is how the test sees the ADC data.
#include "iio_sim_fixture.h"

#include "dmascope/relay_stream.h"

#include <QTest>

#include <cstring>

using namespace dmascope;

namespace {
constexpr const char *kRate = "100000"; // both devices, S/s
constexpr std::size_t kFrames = 4096;   // 41 ms per block
constexpr unsigned kBlocks = 16;
constexpr unsigned kPrefill = 4; // 164 ms of margin against the guest's scheduling hiccups
constexpr int kBlocksToCheck = 100;

struct Frames
{
    std::vector<std::uint16_t> counter;  // in_voltage1, s16: the ADC sample index mod 2^16
    std::vector<std::uint16_t> loopback; // in_voltage2, s12 <<4: out_voltage0 >> 4, stored <<4
};
} // namespace

class TstRelayLoopback : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

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

    void counterComesBackThroughTheDac()
    {
        devs_.adc.write("sampling_frequency", kRate);
        devs_.dac.write("sampling_frequency", kRate);
        devs_.adc.write("in_voltage1_waveform", "counter");
        devs_.adc.write("in_voltage2_waveform", "loopback");

        RelayStream relay("iio-sim-adc", "iio-sim-dac", {}, {{"voltage0", "voltage1"}, kPrefill});
        auto monitor = relay.subscribe(SubscriptionKind::Lossless, 2 * kBlocks);
        StreamConfig c;
        c.channels = {"voltage1", "voltage2"};
        c.samplesPerBlock = kFrames;
        c.blockCount = kBlocks;
        relay.start(c);
        QCOMPARE(relay.stats().path, std::string("dmabuf-heap"));

        Frames f;
        simtest::CounterChecker counter(16, 0, 0, 4);
        for (int n = 0; n < kBlocksToCheck; ++n) {
            auto d = monitor->pop(5000);
            QVERIFY2(d, "no block within 5 s");
            QCOMPARE(d->droppedBefore, std::uint64_t{0});
            const Block &b = *d->block;
            QVERIFY2(counter.feed(b.data, b.bytes), counter.error().c_str());
            for (std::size_t i = 0; i < b.frames(); ++i) {
                std::uint16_t v[2];
                std::memcpy(v, b.data + i * 4, 4);
                f.counter.push_back(v[0]);
                f.loopback.push_back(v[1]);
            }
        }
        const RelayStats r = relay.relayStats();
        const StreamStats s = relay.stats();
        const long long dacUnderruns = simtest::readNumber(devs_.dac, "underrun_samples");
        relay.stop();
        qInfo("relayed %llu blocks (%.1f MB/s in), %llu underruns, %llu failed; ADC lost %llu "
              "samples; DAC underrun_samples %lld",
              static_cast<unsigned long long>(r.blocks), s.megabytesPerSecond,
              static_cast<unsigned long long>(r.underruns),
              static_cast<unsigned long long>(r.failedTransfers),
              static_cast<unsigned long long>(s.lostSamples), dacUnderruns);
        QCOMPARE(s.state, StreamState::Running);
        QVERIFY(r.blocks >= kBlocksToCheck - kBlocks);
        QCOMPARE(r.failedTransfers, std::uint64_t{0});

        // The loopback reads 0 until the DAC is enabled; then it shows the counter, delayed.
        // The first step of the loopback's 12 bits fixes the delay: frame t shows the
        // counter of frame t - delay, whose low 4 bits are 0 there.
        std::size_t t = 1;
        while (t < f.loopback.size() && (f.loopback[t] == f.loopback[t - 1] || f.loopback[t - 1] == 0))
            ++t;
        QVERIFY2(t < f.loopback.size(), "the relayed counter never came back on the loopback");
        std::size_t source = t;
        while (source > 0 && f.counter[source - 1] != f.loopback[t])
            --source;
        QVERIFY2(source > 0, "the loopback shows a value the counter never had");
        const std::size_t delay = t - (source - 1);
        qInfo("loopback shows the counter %zu frames (%.1f ms) later, from frame %zu of %zu",
              delay, double(delay) * 1e3 / 100000, t, f.loopback.size());
        for (std::size_t i = t; i < f.loopback.size(); ++i) {
            const std::uint16_t expected = f.counter[i - delay] & 0xfff0;
            if (f.loopback[i] != expected) // (QVERIFY2 would format its message every time)
                QFAIL(qPrintable(QString("frame %1: loopback %2, expected %3 (counter of frame "
                                        "%4); %5 underruns, %6 DAC underrun samples")
                                    .arg(i)
                                    .arg(f.loopback[i])
                                    .arg(expected)
                                    .arg(i - delay)
                                    .arg(r.underruns)
                                    .arg(dacUnderruns)));
        }
        // Checked after the data so a failure above says where the stream broke.
        QCOMPARE(r.underruns, std::uint64_t{0});
        QCOMPARE(dacUnderruns, 0LL);
        QCOMPARE(counter.missing(), std::uint64_t{0});
    }

    void rejectsFramesThatDoNotMatch()
    {
        RelayStream relay("iio-sim-adc", "iio-sim-dac");
        StreamConfig c;
        c.channels = {"voltage1", "voltage2", "voltage3"}; // 6-byte frames, the DAC's are 4
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, relay.start(c));
        QCOMPARE(devs_.adc.read("buffer0/enable").value_or("?"), std::string("0"));
        QCOMPARE(devs_.dac.read("buffer0/enable").value_or("?"), std::string("0"));
    }
};

QTEST_GUILESS_MAIN(TstRelayLoopback)
#include "tst_relay_loopback.moc"

// SnapshotProducer end to end on synthetic interleaved blocks: trigger placement, per-column
// values, record bounds, zoomed-in samples, modes, gaps, block release, notification coalescing
// and measurements over the whole record.
#include "dmascope/block_pool.h"
#include "dmascope/ui/snapshot_producer.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <vector>

using namespace dmascope;
using namespace dmascope::ui;

namespace {

constexpr double kRate = 1e6;         // 1 MS/s
constexpr std::size_t kPeriod = 1000; // square wave period, samples (1 kHz)

// Two s16 channels per frame: ch0 square wave +-1000 raw (low first), ch1 DC 500 raw.
struct Stream
{
    std::uint64_t next = 0;
    bool dc = false; // ch0 stays at -1000: no edges

    FrameBlock block(std::size_t frames)
    {
        auto mem = std::make_shared<std::vector<std::int16_t>>(frames * 2);
        for (std::size_t i = 0; i < frames; ++i) {
            const std::uint64_t n = next + i;
            const bool high = !dc && (n % kPeriod) >= kPeriod / 2;
            (*mem)[2 * i] = high ? 1000 : -1000;
            (*mem)[2 * i + 1] = 500;
        }
        FrameBlock b;
        b.data = reinterpret_cast<const std::byte *>(mem->data());
        b.frames = frames;
        b.firstSample = next;
        b.owner = mem;
        next += frames;
        return b;
    }
};

ProducerConfig config(dsp::TriggerMode mode = dsp::TriggerMode::Normal)
{
    ProducerConfig c;
    const dsp::SampleFormat s16{16, 16, 0, true, false};
    c.channels = {ProducerChannel{"ch0", "V", 0, s16, {1e-3, 0.0}},
                  ProducerChannel{"ch1", "V", 2, s16, {1e-3, 0.0}}};
    c.frameBytes = 4;
    c.sampleRate = kRate;
    c.recordLength = 4000;
    c.preTrigger = 0.5;
    c.trigger.channel = 0;
    c.trigger.level = 0.0;
    c.trigger.hysteresis = 0.1;
    c.trigger.mode = mode;
    c.trigger.autoTimeout = 0.01;
    c.rawWindow = 1024;
    c.maxQueuedBlocks = 1000;
    return c;
}

void feed(SnapshotProducer &p, Stream &s, std::size_t total, std::size_t blockFrames = 1500)
{
    for (std::size_t done = 0; done < total; done += blockFrames)
        QVERIFY(p.submit(s.block(blockFrames)));
    p.waitIdle();
}

float at(const PlotSnapshot &s, int trace, double t, bool max)
{
    const int c = s.columnAt(t);
    const auto &tr = s.traces[static_cast<std::size_t>(trace)];
    return max ? tr.max[static_cast<std::size_t>(c)] : tr.min[static_cast<std::size_t>(c)];
}

} // namespace

class TstSnapshotProducer : public QObject
{
    Q_OBJECT
private slots:
    void rejectsBadConfig()
    {
        SnapshotProducer p;
        ProducerConfig c = config();
        c.trigger.channel = 2;
        QVERIFY(!p.configure(c));
        c = config();
        c.channels[1].byteOffset = 3; // runs past the 4-byte frame
        QVERIFY(!p.configure(c));
        c = config();
        c.channels[0].format.storageBits = 64;
        QVERIFY(!p.configure(c));
        QVERIFY(p.configure(config()));
    }

    // Blocks of 256 frames, a quarter of the square wave's period: only the whole record has the
    // edges for frequency, period and duty cycle.
    void measuresTheWholeRecord()
    {
        SnapshotProducer p;
        ProducerConfig c = config();
        c.measure = true;
        c.measureInterval = 0.0; // every capture
        QVERIFY(p.configure(c));
        QCOMPARE(p.measurements().sequence, std::uint64_t{0});
        p.setView({-2e-3, 2e-3, -2.0, 2.0}, 400);
        Stream s;
        feed(p, s, 20'000, 256);
        const RecordMeasurements m = p.measurements();
        QVERIFY(m.sequence >= 1);
        QCOMPARE(m.samples, std::size_t{4000});
        QCOMPARE(m.recordLength, std::size_t{4000});
        QCOMPARE(m.channels.size(), std::size_t{2});
        const dsp::Measurements &sq = m.channels[0];
        QCOMPARE(sq.min, -1.0);
        QCOMPARE(sq.max, 1.0);
        QCOMPARE(sq.peakToPeak, 2.0);
        QVERIFY(sq.frequency && std::abs(*sq.frequency - 1000.0) < 1e-6);
        QVERIFY(sq.period && std::abs(*sq.period - 1e-3) < 1e-12);
        QVERIFY(sq.dutyCycle && std::abs(*sq.dutyCycle - 0.5) < 1e-3);
        QVERIFY(std::abs(sq.mean) < 1e-6); // 4 whole periods
        QVERIFY(std::abs(sq.rms - 1.0) < 1e-6);
        // A one-sample step: 10 % to 90 % is 0.8 of a sample.
        QVERIFY(sq.riseTime && std::abs(*sq.riseTime - 0.8e-6) < 1e-9);
        QVERIFY(sq.fallTime && std::abs(*sq.fallTime - 0.8e-6) < 1e-9);
        const dsp::Measurements &dc = m.channels[1];
        QVERIFY(std::abs(dc.mean - 0.5) < 1e-6);
        QCOMPARE(dc.peakToPeak, 0.0);
        QVERIFY(!dc.frequency);

        // A record longer than maxMeasuredSamples: that many samples around the trigger.
        c.maxMeasuredSamples = 2500;
        QVERIFY(p.configure(c));
        QCOMPARE(p.measurements().sequence, std::uint64_t{0}); // the old channels' results went
        feed(p, s, 20'000, 256);
        const RecordMeasurements part = p.measurements();
        QVERIFY(part.sequence >= 1);
        QCOMPARE(part.samples, std::size_t{2500});
        QCOMPARE(part.recordLength, std::size_t{4000});
        QVERIFY(part.channels[0].frequency && std::abs(*part.channels[0].frequency - 1000.0) < 1e-6);

        // Off: nothing measured.
        QVERIFY(p.configure(config()));
        feed(p, s, 20'000);
        QCOMPARE(p.measurements().sequence, std::uint64_t{0});
    }

    void triggeredSquareWave()
    {
        SnapshotProducer p;
        QVERIFY(p.configure(config()));
        p.setView({-2e-3, 2e-3, -2.0, 2.0}, 400); // 10 us per column
        Stream s;
        feed(p, s, 20'000);
        auto snap = p.takeLatest();
        QVERIFY(snap);
        QVERIFY(snap->sequence >= 1);
        QCOMPARE(snap->columns, 400);
        QCOMPARE(snap->traces.size(), std::size_t(2));
        QCOMPARE(snap->traces[0].label, QStringLiteral("ch0"));
        QVERIFY(!snap->forced);
        QVERIFY(std::abs(snap->recordT0 + 2e-3) < 2e-6 && std::abs(snap->recordT1 - 2e-3) < 2e-6);
        // rising edge at t = 0: low before, high after, the column at 0 spans both
        QCOMPARE(at(*snap, 0, -100e-6, false), -1.0f);
        QCOMPARE(at(*snap, 0, -100e-6, true), -1.0f);
        QCOMPARE(at(*snap, 0, 100e-6, false), 1.0f);
        QCOMPARE(at(*snap, 0, 0.0, false), -1.0f);
        QCOMPARE(at(*snap, 0, 0.0, true), 1.0f);
        // falling edge half a period later, next rising edge a period later
        QCOMPARE(at(*snap, 0, 600e-6, true), -1.0f);
        QCOMPARE(at(*snap, 0, 1100e-6, false), 1.0f);
        // second channel: DC 0.5 V everywhere in the record
        for (int c = 0; c < snap->columns; ++c) {
            QCOMPARE(snap->traces[1].min[c], 0.5f);
            QCOMPARE(snap->traces[1].max[c], 0.5f);
        }
        QCOMPARE(p.stats().restarts, std::uint64_t{0});
        QVERIFY(p.stats().captures >= 2);

        // a view outside the record: columns without data
        p.setView({1e-3, 5e-3, -2.0, 2.0}, 400);
        p.waitIdle();
        snap = p.takeLatest();
        QVERIFY(snap);
        QVERIFY(!std::isnan(at(*snap, 0, 1.5e-3, false)));
        QVERIFY(std::isnan(at(*snap, 0, 3e-3, false)));
    }

    // Zoomed in to 0.5 samples per column: the snapshot carries the samples around the trigger,
    // placed so that the edge's first high sample is at t = 0 (the interpolated crossing is at
    // -0.5 sample: -1000 -> 1000 crosses 0 half way).
    void zoomedInSamples()
    {
        SnapshotProducer p;
        QVERIFY(p.configure(config()));
        p.setView({-10e-6, 10e-6, -2.0, 2.0}, 40);
        Stream s;
        feed(p, s, 10'000);
        auto snap = p.takeLatest();
        QVERIFY(snap);
        const PlotTrace &tr = snap->traces[0];
        QVERIFY(!tr.samples.empty());
        QCOMPARE(tr.sampleDt, 1e-6);
        for (std::size_t k = 0; k < tr.samples.size(); ++k) {
            const double t = tr.sampleT0 + k * tr.sampleDt;
            QCOMPARE(tr.samples[k], t < 0 ? -1.0f : 1.0f);
        }
        const double firstHigh = std::ceil(-tr.sampleT0 / tr.sampleDt - 1e-9);
        QVERIFY(std::abs(tr.sampleT0 + firstHigh * tr.sampleDt - 0.5e-6) < 1e-9);
    }

    void modes()
    {
        // Normal on a signal without edges: nothing. Auto: free-run (forced) captures.
        {
            SnapshotProducer p;
            QVERIFY(p.configure(config(dsp::TriggerMode::Normal)));
            p.setView({-2e-3, 2e-3, -2, 2}, 100);
            Stream s;
            s.dc = true;
            feed(p, s, 60'000);
            QVERIFY(!p.takeLatest());
        }
        {
            SnapshotProducer p;
            QVERIFY(p.configure(config(dsp::TriggerMode::Auto)));
            p.setView({-2e-3, 2e-3, -2, 2}, 100);
            Stream s;
            s.dc = true;
            feed(p, s, 60'000);
            auto snap = p.takeLatest();
            QVERIFY(snap && snap->forced);
            QCOMPARE(at(*snap, 0, 0.0, true), -1.0f);
            // with edges, auto triggers normally
            s.dc = false;
            feed(p, s, 30'000);
            snap = p.takeLatest();
            QVERIFY(snap && !snap->forced);
        }
        {
            SnapshotProducer p;
            QVERIFY(p.configure(config(dsp::TriggerMode::Single)));
            p.setView({-2e-3, 2e-3, -2, 2}, 100);
            Stream s;
            feed(p, s, 60'000);
            QCOMPARE(p.stats().captures, std::uint64_t{1});
            QVERIFY(p.takeLatest());
            p.arm();
            feed(p, s, 60'000);
            QCOMPARE(p.stats().captures, std::uint64_t{2});
        }
    }

    void gapsRestartAndBlocksAreReleased()
    {
        SnapshotProducer p;
        QVERIFY(p.configure(config()));
        p.setView({-2e-3, 2e-3, -2, 2}, 100);
        Stream s;
        FrameBlock b = s.block(1500);
        std::weak_ptr<const void> watch = b.owner;
        QVERIFY(p.submit(std::move(b)));
        p.waitIdle();
        QVERIFY(watch.expired()); // condensed and released, not kept
        s.next += 777;            // lost samples
        feed(p, s, 15'000);
        QCOMPARE(p.stats().restarts, std::uint64_t{1});
        QVERIFY(p.takeLatest());
    }

    // Real stream types: a ScanLayout channel ("le:s12/16>>4", scale in mV) and a published
    // BlockRef, which goes back to its pool once condensed.
    void streamAdapters()
    {
        ChannelLayout a;
        a.id = "voltage0";
        a.type = *ScanType::parse("le:s12/16>>4");
        a.scale = 0.5; // mV per LSB
        a.scanIndex = 0;
        ChannelLayout b = a;
        b.id = "voltage1";
        b.label = "probe";
        b.scanIndex = 1;
        auto layout = std::make_shared<const ScanLayout>(ScanLayout::compute({a, b}));
        const ProducerChannel pa = producerChannelFrom(layout->channels[0]);
        QCOMPARE(pa.label, QStringLiteral("voltage0"));
        QCOMPARE(pa.format, (dsp::SampleFormat{16, 12, 4, true, false}));
        QCOMPARE(pa.calibration.scale, 0.5e-3);
        const ProducerChannel pb = producerChannelFrom(layout->channels[1]);
        QCOMPARE(pb.label, QStringLiteral("probe"));
        QCOMPARE(pb.byteOffset, std::size_t{2});

        // one buffer: a rising edge from -1000 to +1000 LSB on voltage0 at frame 3000
        const std::size_t frames = 8000;
        auto memory = std::make_shared<std::vector<std::uint16_t>>(frames * 2);
        for (std::size_t i = 0; i < frames; ++i) {
            const int v = i < 3000 ? -1000 : 1000;
            (*memory)[2 * i] = static_cast<std::uint16_t>(v * 16 + 3); // low nibble: not data
            (*memory)[2 * i + 1] = static_cast<std::uint16_t>(200 * 16);
        }
        auto pool = BlockPool::create({{reinterpret_cast<std::uint8_t *>(memory->data()),
                                        frames * 4}},
                                      memory, layout);
        BlockRef ref = pool->publish(0, frames * 4, 0, 0, 0, false);
        QCOMPARE(pool->outstanding(), 1u);
        FrameBlock fb = frameBlockFrom(std::move(ref));
        QCOMPARE(fb.frames, frames);

        ProducerConfig c = config();
        c.channels = {pa, pb};
        c.recordLength = 2000;
        c.trigger.level = 0.0;
        c.trigger.hysteresis = 0.05;
        SnapshotProducer p;
        QVERIFY(p.configure(c));
        p.setView({-1e-3, 1e-3, -1, 1}, 200);
        QVERIFY(p.submit(std::move(fb)));
        p.waitIdle();
        QCOMPARE(pool->outstanding(), 0u); // condensed and handed back
        auto snap = p.takeLatest();
        QVERIFY(snap);
        QCOMPARE(at(*snap, 0, -500e-6, true), -0.5f); // -1000 LSB * 0.5 mV
        QCOMPARE(at(*snap, 0, 500e-6, false), 0.5f);
        QCOMPARE(at(*snap, 1, 0.0, false), 0.1f);
    }

    void queueIsBoundedAndNotificationsCoalesce()
    {
        SnapshotProducer p;
        ProducerConfig c = config();
        c.maxQueuedBlocks = 2;
        QVERIFY(p.configure(c));
        p.setView({-2e-3, 2e-3, -2, 2}, 100);
        QSignalSpy spy(&p, &SnapshotProducer::snapshotReady);
        Stream s;
        // A burst faster than the worker: the queue stays bounded, the rest is dropped.
        std::size_t accepted = 0;
        for (int i = 0; i < 200; ++i)
            accepted += p.submit(s.block(1500));
        p.waitIdle();
        QVERIFY(accepted >= 2 && accepted < 200);
        QCOMPARE(p.stats().droppedBlocks, std::uint64_t(200 - accepted));
        // Then several captures without the GUI collecting: one notification pending at a time.
        const std::uint64_t before = p.stats().captures;
        for (int i = 0; i < 20; ++i) {
            QVERIFY(p.submit(s.block(1500)));
            p.waitIdle();
        }
        QVERIFY(p.stats().captures >= before + 3);
        QTRY_COMPARE(spy.count(), 1);
        auto first = p.takeLatest();
        QVERIFY(first);
        QVERIFY(!p.takeLatest()); // taken: nothing newer yet
        for (int i = 0; i < 10; ++i) {
            QVERIFY(p.submit(s.block(1500)));
            p.waitIdle();
        }
        QTRY_COMPARE(spy.count(), 2);
        auto second = p.takeLatest();
        QVERIFY(second && second->sequence > first->sequence);
    }
};

QTEST_MAIN(TstSnapshotProducer)
#include "tst_snapshot_producer.moc"

// FramePacer: the plot's view reaches the producer, snapshots reach the plot, and no more often
// than the frame interval however fast captures complete.
#include "dmascope/ui/frame_pacer.h"
#include "dmascope/ui/snapshot_producer.h"
#include "dmascope/ui/time_plot.h"

#include <QElapsedTimer>
#include <QTest>

#include <vector>

using namespace dmascope;
using namespace dmascope::ui;

namespace {

// One s16 channel: a square wave with a 1000-sample period.
FrameBlock squareBlock(std::uint64_t first, std::size_t frames)
{
    auto mem = std::make_shared<std::vector<std::int16_t>>(frames);
    for (std::size_t i = 0; i < frames; ++i)
        (*mem)[i] = ((first + i) % 1000) >= 500 ? 1000 : -1000;
    return FrameBlock{mem, reinterpret_cast<const std::byte *>(mem->data()), frames, first};
}

ProducerConfig config()
{
    ProducerConfig c;
    c.channels = {ProducerChannel{"a", "V", 0, {16, 16, 0, true, false}, {1e-3, 0.0}}};
    c.frameBytes = 2;
    c.sampleRate = 1e6;
    c.recordLength = 2000;
    c.trigger.mode = dsp::TriggerMode::Normal;
    c.trigger.hysteresis = 0.1;
    return c;
}

} // namespace

class TstFramePacer : public QObject
{
    Q_OBJECT
private slots:
    void deliversAtMostOncePerFrame()
    {
        TimePlot plot;
        plot.resize(600, 300);
        plot.setView({-1e-3, 1e-3, -2.0, 2.0});
        SnapshotProducer producer;
        QVERIFY(producer.configure(config()));
        FramePacer pacer(&producer, &plot);
        pacer.setFrameInterval(40);

        // Captures complete every ~1 ms of stream time; feed for ~400 ms of wall time.
        QElapsedTimer wall;
        wall.start();
        std::uint64_t next = 0;
        while (wall.elapsed() < 400) {
            producer.submit(squareBlock(next, 4000));
            next += 4000;
            QTest::qWait(2);
        }
        producer.waitIdle();
        QTest::qWait(100); // let the last deferred delivery happen
        const double seconds = wall.elapsed() / 1000.0;
        QVERIFY(producer.stats().captures > 50);
        // at most one delivery per 40 ms frame (+1 for the first, immediate one)
        QVERIFY2(pacer.framesDelivered() <= seconds * 1000 / 40 + 1,
                 qPrintable(QString::number(pacer.framesDelivered())));
        QVERIFY(pacer.framesDelivered() >= 3);
        // the plot holds the newest capture, built for its own width
        QVERIFY(plot.snapshot());
        QCOMPARE(plot.snapshot()->sequence, producer.stats().captures);
        QCOMPARE(plot.snapshot()->columns, plot.traceColumns());

        // a zoom in the plot reaches the producer: the next snapshot has the new window
        plot.zoomTime(0.5, 0.0);
        QTRY_VERIFY(std::abs(plot.snapshot()->t0 - plot.view().t0) < 1e-12);
    }

    // The generic form (any producer): notifications within a frame collapse into one delivery
    // of the newest result; a delivery with nothing new does not count as a frame.
    void genericNotificationsCollapse()
    {
        int pending = 0, shown = 0, calls = 0;
        FramePacer pacer([&] {
            ++calls;
            if (pending == 0)
                return false;
            shown = pending;
            pending = 0;
            return true;
        }, nullptr);
        pacer.setFrameInterval(400);
        pending = 1;
        pacer.notify(); // the first frame goes out at once
        QTRY_COMPARE(pacer.framesDelivered(), quint64(1));
        QCOMPARE(shown, 1);
        for (int i = 2; i <= 5; ++i) {
            pending = i;
            pacer.notify();
        }
        QCOMPARE(pacer.framesDelivered(), quint64(1)); // deferred to the frame boundary
        QTRY_COMPARE(pacer.framesDelivered(), quint64(2));
        QCOMPARE(shown, 5);
        QCOMPARE(calls, 2);
        pacer.notify(); // nothing new
        QTRY_COMPARE(calls, 3);
        QCOMPARE(pacer.framesDelivered(), quint64(2));
    }
};

QTEST_MAIN(TstFramePacer)
#include "tst_frame_pacer.moc"

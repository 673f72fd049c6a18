// CounterCheck on hand-made frames: in-order counters (with wrap), unreported gaps, reported
// gaps, duplicates, reordering; signed 12-bit storage with a shift like iio_sim's voltage3.
#include "dmascope/counter_check.h"

#include <QTest>

#include <cstring>
#include <vector>

using namespace dmascope;

namespace {
// Frames of two le:s12/16>>4 channels (4 bytes); the counter sits in the second one.
ChannelLayout counterChannel()
{
    ChannelLayout ch;
    ch.id = "voltage3";
    ch.type = *ScanType::parse("le:s12/16>>4");
    ch.byteOffset = 2;
    return ch;
}

std::vector<std::uint8_t> frames(const std::vector<std::uint32_t> &counter)
{
    std::vector<std::uint8_t> out(counter.size() * 4, 0xAB); // the other channel: junk
    for (std::size_t i = 0; i < counter.size(); ++i) {
        const std::uint16_t stored = static_cast<std::uint16_t>((counter[i] & 0xFFF) << 4);
        std::memcpy(&out[i * 4 + 2], &stored, 2);
    }
    return out;
}

std::vector<std::uint32_t> range(std::uint32_t from, std::uint32_t count)
{
    std::vector<std::uint32_t> v;
    for (std::uint32_t i = 0; i < count; ++i)
        v.push_back(from + i);
    return v;
}
} // namespace

class TstCounterCheck : public QObject
{
    Q_OBJECT

private slots:
    void inOrderAcrossBlocksAndWrap()
    {
        CounterCheck check(counterChannel(), 4);
        const auto a = frames(range(4000, 100)); // wraps 4095 -> 0 (and the sign bit)
        const auto b = frames(range(4100, 100));
        check.feed(a.data(), 100, 0);
        check.feed(b.data(), 100, 100);
        QVERIFY2(check.report().ok(), check.report().firstProblem.c_str());
        QCOMPARE(check.report().samples, 200u);
        QCOMPARE(check.report().gaps, 0u);
    }

    void unreportedGapIsLost()
    {
        CounterCheck check(counterChannel(), 4);
        auto values = range(10, 5);
        values.push_back(20); // 15..19 missing
        const auto f = frames(values);
        check.feed(f.data(), values.size(), 0);
        const CounterReport &r = check.report();
        QVERIFY(!r.ok());
        QCOMPARE(r.lost, 5u);
        QCOMPARE(r.reportedLost, 0u);
        QCOMPARE(r.gaps, 1u);
        QCOMPARE(QString::fromStdString(r.firstProblem),
                 QString("sample 5: counter jumped from 14 to 20 (5 samples lost, not reported "
                         "by the stream)"));
    }

    void reportedGapIsCountedAsReported()
    {
        CounterCheck check(counterChannel(), 4);
        const auto a = frames(range(0, 64));
        const auto b = frames(range(64 + 4096 + 7, 64)); // 4103 lost: more than the modulus
        check.feed(a.data(), 64, 0);
        check.feed(b.data(), 64, 64 + 4103);
        const CounterReport &r = check.report();
        QCOMPARE(r.lost, 4103u);
        QCOMPARE(r.reportedLost, 4103u);
        QCOMPARE(r.gaps, 1u);
        QVERIFY(!r.ok()); // lost is lost, even when the stream said so
        QVERIFY(r.firstProblem.empty());
    }

    void duplicatesAndReorderingAreFound()
    {
        CounterCheck check(counterChannel(), 4);
        const std::vector<std::uint32_t> values{1, 2, 3, 3, 4, 2, 3};
        const auto f = frames(values);
        check.feed(f.data(), values.size(), 0);
        const CounterReport &r = check.report();
        QCOMPARE(r.duplicated, 1u);
        QCOMPARE(r.reordered, 1u);
        QCOMPARE(QString::fromStdString(r.firstProblem), QString("sample 3: counter repeated 3"));
    }

    void blockFeedUsesFirstSample()
    {
        auto layout = std::make_shared<ScanLayout>();
        layout->channels = {counterChannel()};
        layout->frameBytes = 4;
        const auto data = frames(range(500, 32));
        Block block;
        block.data = data.data();
        block.bytes = data.size();
        block.layout = layout;
        block.firstSample = 0;
        CounterCheck check(counterChannel(), 4);
        check.feed(block);
        QCOMPARE(check.report().samples, 32u);
        QVERIFY(check.report().ok());
    }

    void unsuitableChannelsAreRefused()
    {
        ChannelLayout one = counterChannel();
        one.type = *ScanType::parse("le:u1/8>>0");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CounterCheck(one, 4));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CounterCheck(counterChannel(), 3));
    }
};

QTEST_GUILESS_MAIN(TstCounterCheck)
#include "tst_counter_check.moc"

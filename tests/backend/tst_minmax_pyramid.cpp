// The pyramid against direct computation over the same samples: every level is exercised by
// random range queries (exact to level-1 buckets, or to the sample in the raw window), blocks of
// awkward sizes, history wrap-around and the per-column query the plots use.
#include "dmascope/dsp/minmax_pyramid.h"

#include <QTest>

#include <algorithm>
#include <random>
#include <vector>

using namespace dmascope::dsp;

namespace {

const SampleFormat kS16{16, 16, 0, true, false};

struct Signal
{
    std::vector<std::int16_t> samples;

    // Random walk with occasional spikes: ranges at every scale differ.
    explicit Signal(std::size_t n, unsigned seed)
    {
        std::mt19937 rng(seed);
        std::normal_distribution<double> step(0.0, 40.0);
        std::uniform_int_distribution<int> spike(0, 999);
        double v = 0;
        samples.resize(n);
        for (auto &s : samples) {
            v = std::clamp(v + step(rng), -30000.0, 30000.0);
            s = static_cast<std::int16_t>(spike(rng) == 0 ? -v : v);
        }
    }
    RawChannel channel(std::size_t from) const
    {
        return RawChannel{reinterpret_cast<const std::byte *>(samples.data() + from), 2, kS16};
    }
    MinMax direct(std::size_t a, std::size_t b) const
    {
        MinMax m;
        for (std::size_t i = a; i < std::min(b, samples.size()); ++i)
            m.merge(MinMax{samples[i], samples[i]});
        return m;
    }
};

// Appends the signal in blocks of varied sizes (1, 15, 17, prime, large) like a stream would.
void feed(MinMaxPyramid &p, const Signal &s, std::size_t from, std::size_t to)
{
    static const std::size_t sizes[] = {1, 15, 17, 4099, 65536, 3, 16, 100003};
    std::size_t i = from;
    for (std::size_t k = 0; i < to; ++k) {
        const std::size_t n = std::min(sizes[k % std::size(sizes)], to - i);
        p.append(s.channel(i), n);
        i += n;
    }
}

std::size_t widenDown(std::size_t a) { return a / 16 * 16; }
std::size_t widenUp(std::size_t b) { return (b + 15) / 16 * 16; }

} // namespace

class TstMinMaxPyramid : public QObject
{
    Q_OBJECT
private slots:
    void rangesMatchDirectComputation()
    {
        const std::size_t n = 1'000'003;
        const Signal s(n, 7);
        MinMaxPyramid p(n, 0);
        p.reset(0);
        feed(p, s, 0, n);
        QCOMPARE(p.end(), n);
        QCOMPARE(p.begin(), std::uint64_t{0});
        QVERIFY(p.levelCount() >= 5);
        std::mt19937 rng(3);
        for (int q = 0; q < 400; ++q) {
            // spans from a few samples to the whole record, so every level is used
            const std::size_t span = std::size_t{1} << std::uniform_int_distribution<int>(0, 20)(rng);
            const std::size_t a = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
            const std::size_t b = std::min(n, a + span);
            QCOMPARE(p.range(a, b), s.direct(widenDown(a), widenUp(b)));
        }
        QCOMPARE(p.range(0, n), s.direct(0, n));
        QVERIFY(p.range(n, n + 10).empty());
    }

    void rawWindowIsExactAndFreezes()
    {
        const std::size_t n = 200'000;
        const Signal s(n, 11);
        MinMaxPyramid p(n, 4096);
        p.reset(1000); // absolute numbering starts at 1000
        p.freezeRawAt(1000 + 50'000 + 2048); // "trigger" at 50000, window centred on it
        feed(p, s, 0, n);
        for (std::size_t a = 50'000 - 2048; a < 50'000 + 2048 - 40; a += 37) {
            QCOMPARE(p.range(1000 + a, 1000 + a + 5), s.direct(a, a + 5));
            QCOMPARE(p.range(1000 + a, 1000 + a + 40), s.direct(a, a + 40));
        }
        std::vector<std::int32_t> raw(100);
        QVERIFY(p.rawSamples(1000 + 50'000, 1000 + 50'100, raw));
        for (std::size_t i = 0; i < raw.size(); ++i)
            QCOMPARE(raw[i], std::int32_t{s.samples[50'000 + i]});
        // outside the window: bucket precision, and no raw samples
        QVERIFY(!p.rawSamples(1000 + 100'000, 1000 + 100'010, raw));
        QCOMPARE(p.range(1000 + 100'003, 1000 + 100'008), s.direct(100'000, 100'016));
    }

    void historyForgetsOldSamples()
    {
        const std::size_t n = 3'000'000;
        const std::size_t history = 1'000'000;
        const Signal s(n, 5);
        MinMaxPyramid p(history, 0);
        feed(p, s, 0, n);
        QVERIFY(p.begin() >= n - history - 64);
        QVERIFY(p.begin() <= n - history);
        std::mt19937 rng(9);
        for (int q = 0; q < 200; ++q) {
            const std::size_t a = std::uniform_int_distribution<std::size_t>(n - history, n - 1)(rng);
            const std::size_t b = std::min(n, a + (std::size_t{1} << (q % 20)));
            QCOMPARE(p.range(a, b), s.direct(widenDown(a), widenUp(b)));
        }
        // A reset starts over.
        p.reset(0);
        QCOMPARE(p.end(), std::uint64_t{0});
        QVERIFY(p.range(0, 100).empty());
    }

    // Level-1 entries computed by the caller give the same pyramid as raw appends.
    void appendBucketsMatchesAppend()
    {
        const std::size_t n = 300'000;
        const Signal s(n, 31);
        MinMaxPyramid direct(n, 2048);
        MinMaxPyramid buckets(n, 2048);
        direct.freezeRawAt(1000);
        buckets.freezeRawAt(1000);
        feed(direct, s, 0, n);
        std::size_t i = 0;
        for (std::size_t k = 0; i < n; ++k) {
            // ragged head through append(), the aligned bulk through appendBuckets()
            const std::size_t head = std::min(buckets.samplesToBucketBoundary() + (k % 2 ? 5 : 0), n - i);
            buckets.append(s.channel(i), head);
            i += head;
            const std::size_t nb = std::min<std::size_t>((n - i) / 16, 1000 + 3000 * (k % 3));
            if (buckets.samplesToBucketBoundary() == 0 && nb > 0) {
                std::vector<MinMax> l1(nb);
                minMaxEnvelope(s.channel(i), nb * 16, 16, l1.data());
                buckets.appendBuckets(s.channel(i), l1.data(), nb);
                i += nb * 16;
            }
        }
        QCOMPARE(buckets.end(), direct.end());
        std::mt19937 rng(4);
        for (int q = 0; q < 300; ++q) {
            const std::size_t a = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
            const std::size_t b = std::min(n, a + (std::size_t{1} << (q % 19)));
            QCOMPARE(buckets.range(a, b), direct.range(a, b));
        }
        std::vector<std::int32_t> r1(500), r2(500);
        QVERIFY(direct.rawSamples(200, 700, r1));
        QVERIFY(buckets.rawSamples(200, 700, r2));
        QCOMPARE(r1, r2);
    }

    void columnsCoverTheirSamples()
    {
        const std::size_t n = 500'000;
        const Signal s(n, 21);
        MinMaxPyramid p(n, 0);
        feed(p, s, 0, n);
        for (double spc : {1.0, 3.7, 16.0, 250.5, 4000.0}) {
            const double first = -10.0 * spc; // starts before the data: empty columns
            std::vector<MinMax> cols(800);
            p.columns(first, spc, cols);
            for (std::size_t c = 0; c < cols.size(); ++c) {
                const double a = std::floor(first + c * spc);
                const double b = std::ceil(first + (c + 1) * spc);
                if (b <= 0 || a >= n) {
                    QVERIFY(cols[c].empty());
                    continue;
                }
                const auto ia = static_cast<std::size_t>(std::max(a, 0.0));
                const auto ib = static_cast<std::size_t>(std::min<double>(b, n));
                QCOMPARE(cols[c], s.direct(widenDown(ia), widenUp(ib)));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TstMinMaxPyramid)
#include "tst_minmax_pyramid.moc"

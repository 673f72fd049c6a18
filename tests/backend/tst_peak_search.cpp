// Peak search for markers: the highest bin, next peak down through tones and spurs, noise
// wiggles and tone flanks that are not peaks, NaN gaps and range limits.
#include "dmascope/dsp/peak_search.h"
#include "dmascope/dsp/spectrum_engine.h"

#include <QTest>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace dmascope::dsp;

class TstPeakSearch : public QObject
{
    Q_OBJECT
private slots:
    void findsTheHighestBin()
    {
        const std::vector<float> v = {-90, -80, NAN, -20, -70, -20.5f};
        QCOMPARE(findPeak(v, 0, v.size()), std::optional<std::size_t>(3));
        QCOMPARE(findPeak(v, 4, 100), std::optional<std::size_t>(5)); // clamped to the data
        QVERIFY(!findPeak(v, 3, 3));
        const std::vector<float> gaps = {NAN, NAN};
        QVERIFY(!findPeak(gaps, 0, 2));
    }

    // Three tones of a real spectrum (Hann, 4096 points, noise below): Peak finds the strongest,
    // Next Peak then walks down through the other two and stops; no noise bin is a peak.
    void nextPeakWalksDownThroughTones()
    {
        const std::size_t n = 4096;
        SpectrumConfig c;
        c.size = n;
        c.window.type = WindowType::BlackmanHarris;
        c.sampleRate = 4096;
        SpectrumEngine e(c);
        std::mt19937 rng(7);
        std::normal_distribution<float> noise(0.f, 1e-4f);
        std::vector<float> x(n);
        const struct
        {
            double bin, amplitude;
        } tones[] = {{300, 0.5}, {1000, 0.05}, {1500.5, 0.01}};
        for (std::size_t i = 0; i < n; ++i) {
            double s = 0;
            for (const auto &t : tones)
                s += t.amplitude * std::sin(2 * std::numbers::pi * t.bin * double(i) / double(n));
            x[i] = float(s) + noise(rng);
        }
        e.feed(x.data(), nullptr, n);
        std::vector<float> s;
        e.spectrum(s);
        const auto p0 = findPeak(s, 0, s.size());
        QCOMPARE(p0, std::optional<std::size_t>(300));
        const auto p1 = nextPeak(s, *p0, 0, s.size());
        QCOMPARE(p1, std::optional<std::size_t>(1000));
        const auto p2 = nextPeak(s, *p1, 0, s.size());
        QVERIFY(p2 && (*p2 == 1500 || *p2 == 1501));
        // Below the weakest tone only noise is left: its wiggles do not rise by 6 dB within
        // 8 bins often, but some may; none of them may be on a tone's flank.
        std::optional<std::size_t> p = p2;
        for (int i = 0; i < 5 && p; ++i) {
            p = nextPeak(s, *p, 0, s.size());
            if (p) {
                QVERIFY2(std::labs(long(*p) - 300) > 8 && std::labs(long(*p) - 1000) > 8,
                         qPrintable(QString("bin %1 on a tone's flank").arg(*p)));
                QVERIFY(s[*p] < s[*p2]);
            }
        }
    }

    void flanksAndPlateausAreNotPeaks()
    {
        // A ramp up to a maximum: only the top counts, once.
        const std::vector<float> v = {-100, -60, -40, -20, -20, -40, -60, -100, -100};
        QVERIFY(!isPeak(v, 2));
        QVERIFY(isPeak(v, 3));
        QVERIFY(!isPeak(v, 4)); // the second bin of the plateau
        // A bump of 3 dB is not a peak with the default 6 dB excursion, but is with 2 dB.
        // (Far enough from the edges, which count as drops.)
        std::vector<float> bump(21, -50.f);
        bump[10] = -47;
        QVERIFY(!isPeak(bump, 10));
        QVERIFY(isPeak(bump, 10, PeakCriteria{2.0, 8}));
        // A tone at the edge of the data is a peak (the edge counts as a drop).
        const std::vector<float> edge = {-10, -40, -60};
        QVERIFY(isPeak(edge, 0));
    }

    void nextPeakRespectsTheRangeAndEqualPeaks()
    {
        const std::vector<float> v = {-90, -30, -90, -90, -30, -90, -90, -50, -90};
        // Equal peaks: Next Peak from bin 1 goes to bin 4, then to the lower one at 7.
        QCOMPARE(nextPeak(v, 1, 0, v.size()), std::optional<std::size_t>(4));
        QCOMPARE(nextPeak(v, 4, 0, v.size()), std::optional<std::size_t>(7));
        QVERIFY(!nextPeak(v, 7, 0, v.size()));
        // Limited to bins 5..8: bin 4 is outside.
        QCOMPARE(nextPeak(v, 1, 5, v.size()), std::optional<std::size_t>(7));
        QVERIFY(!nextPeak(v, 100, 0, v.size()));
    }
};

QTEST_GUILESS_MAIN(TstPeakSearch)
#include "tst_peak_search.moc"

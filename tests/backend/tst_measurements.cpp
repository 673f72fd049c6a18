// Measurements on signals whose answers are known in closed form; tolerances are stated per check.
#include "dmascope/dsp/measurements.h"

#include <QTest>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace dmascope::dsp;

namespace {

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }

// Trapezoidal pulse train: low 0 V, high 3.3 V, linear edges of `edge` samples.
std::vector<float> pulses(std::size_t n, double period, double duty, double edge, double noise)
{
    std::mt19937 rng(42);
    std::normal_distribution<double> nd(0.0, noise);
    std::vector<float> v(n);
    const double high = duty * period;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = std::fmod(static_cast<double>(i) + 0.37, period);
        double x;
        if (t < edge)
            x = t / edge;
        else if (t < high)
            x = 1.0;
        else if (t < high + edge)
            x = 1.0 - (t - high) / edge;
        else
            x = 0.0;
        v[i] = static_cast<float>(3.3 * x + (noise > 0 ? nd(rng) : 0.0));
    }
    return v;
}

} // namespace

class TstMeasurements : public QObject
{
    Q_OBJECT
private slots:
    // 1 V amplitude sine on 0.5 V offset, 100.3 samples per period at 1 MS/s, 10000 samples.
    void sine()
    {
        const double period = 100.3;
        const double dt = 1e-6;
        std::vector<float> v(10'000);
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = static_cast<float>(0.5 + std::sin(2 * std::numbers::pi * i / period));
        const Measurements m = measure(v, dt);
        QVERIFY(near(m.min, -0.5, 1e-3)); // sampling misses the peak by < (pi/100)^2/2
        QVERIFY(near(m.max, 1.5, 1e-3));
        QVERIFY(near(m.peakToPeak, 2.0, 2e-3));
        // a partial period contributes at most A*P/(pi*N) to the mean
        QVERIFY(near(m.mean, 0.5, 0.004));
        QVERIFY(near(m.rms, std::sqrt(0.25 + 0.5), 0.004));
        QVERIFY(m.period && near(*m.period, period * dt, period * dt * 1e-4));
        QVERIFY(m.frequency && near(*m.frequency, 1.0 / (period * dt), 1.0 / (period * dt) * 1e-4));
        QVERIFY(m.dutyCycle && near(*m.dutyCycle, 0.5, 0.002));
        // 10-90 % of a sine's swing: 2*asin(0.8)/(2*pi) of the period; interpolation on a curve
        // is good to ~0.01 sample
        const double rise = 2 * std::asin(0.8) / (2 * std::numbers::pi) * period * dt;
        QVERIFY(m.riseTime && near(*m.riseTime, rise, 0.05 * dt));
        QVERIFY(m.fallTime && near(*m.fallTime, rise, 0.05 * dt));
    }

    // 25 % duty pulse train, 1000.5-sample period, 10-sample linear edges (10-90 % = 8 samples).
    void cleanPulses()
    {
        const auto v = pulses(50'000, 1000.5, 0.25, 10.0, 0.0);
        const Measurements m = measure(v, 1.0);
        QVERIFY(near(m.min, 0.0, 1e-6));
        QVERIFY(near(m.max, 3.3, 1e-6));
        QVERIFY(m.period && near(*m.period, 1000.5, 1e-3));
        // high time runs from mid crossing to mid crossing: 0.25 * period exactly
        QVERIFY(m.dutyCycle && near(*m.dutyCycle, 0.25, 1e-4));
        QVERIFY(m.riseTime && near(*m.riseTime, 8.0, 1e-3)); // linear edge: interpolation exact
        QVERIFY(m.fallTime && near(*m.fallTime, 8.0, 1e-3));
    }

    // Same with 10 mV rms noise: min/max move out by up to ~5 sigma, so the 10/90 % levels move
    // by < 0.05 V and edges (0.33 V/sample) by < 0.3 sample; hysteresis keeps one edge per
    // transition, so period and duty stay within 0.1 sample.
    void noisyPulses()
    {
        const auto v = pulses(50'000, 1000.5, 0.25, 10.0, 0.01);
        const Measurements m = measure(v, 1.0);
        QVERIFY(m.period && near(*m.period, 1000.5, 0.1));
        QVERIFY(m.dutyCycle && near(*m.dutyCycle, 0.25, 1e-3));
        QVERIFY(m.riseTime && near(*m.riseTime, 8.0, 0.6));
        QVERIFY(m.fallTime && near(*m.fallTime, 8.0, 0.6));
    }

    void dcAndEmpty()
    {
        const std::vector<float> dc(1000, -0.25f);
        const Measurements m = measure(dc, 1e-3);
        QCOMPARE(m.mean, -0.25);
        QCOMPARE(m.rms, 0.25);
        QCOMPARE(m.peakToPeak, 0.0);
        QVERIFY(!m.frequency && !m.period && !m.dutyCycle && !m.riseTime && !m.fallTime);
        const Measurements e = measure({}, 1.0);
        QCOMPARE(e.rms, 0.0);
        QVERIFY(!e.frequency);
        // one edge only: rise time yes, period no
        std::vector<float> step(100, 0.0f);
        for (std::size_t i = 50; i < step.size(); ++i)
            step[i] = 1.0f;
        const Measurements s = measure(step, 1.0);
        QVERIFY(s.riseTime && !s.period && !s.fallTime);
    }

    void runningStats()
    {
        RunningStats s;
        for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
            s.add(x);
        QCOMPARE(s.count(), std::uint64_t{8});
        QCOMPARE(s.min(), 2.0);
        QCOMPARE(s.max(), 9.0);
        QVERIFY(near(s.mean(), 5.0, 1e-12));
        QVERIFY(near(s.stddev(), std::sqrt(32.0 / 7.0), 1e-12));

        // Equal but for rounding (one ulp apart): no deviation, not 1e-20 of one.
        RunningStats rounding;
        const double rise = 295e-6;
        for (double x : {rise, std::nextafter(rise, 1.0), rise, std::nextafter(rise, 0.0)})
            rounding.add(x);
        QCOMPARE(rounding.stddev(), 0.0);
        RunningStats small; // a real spread stays, however small against the mean
        for (double x : {rise, rise * (1 + 1e-9)})
            small.add(x);
        QVERIFY(small.stddev() > 0);

        MeasurementStats ms;
        Measurements a;
        a.frequency = 1000.0;
        Measurements b;
        b.frequency = 1002.0;
        ms.add(a);
        ms.add(b);
        ms.add(Measurements{}); // no frequency: not counted
        QCOMPARE(ms.frequency.count(), std::uint64_t{2});
        QCOMPARE(ms.frequency.mean(), 1001.0);
        QCOMPARE(ms.rms.count(), std::uint64_t{3});
        ms.reset();
        QCOMPARE(ms.frequency.count(), std::uint64_t{0});
    }
};

QTEST_APPLESS_MAIN(TstMeasurements)
#include "tst_measurements.moc"

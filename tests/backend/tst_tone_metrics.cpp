// Single-tone metrics on synthesized signals whose SNR, THD, SFDR, SINAD and ENOB are known.
#include "dmascope/dsp/tone_metrics.h"

#include <QTest>

#include <cmath>
#include <numbers>
#include <random>

using namespace dmascope::dsp;

namespace {
constexpr double kPi = std::numbers::pi;

// Tone of amplitude a at f (not bin-centred), harmonics 2 and 3 at h2 and h3 dBc, Gaussian noise
// of RMS sigma; fed as `spectra` averaged spectra of size n.
SpectrumEngine &analyse(SpectrumEngine &e, double a, double f, double h2Dbc, double h3Dbc,
                        double sigma, int spectra)
{
    const double fs = e.config().sampleRate;
    const double a2 = a * std::pow(10.0, h2Dbc / 20), a3 = a * std::pow(10.0, h3Dbc / 20);
    std::mt19937 rng(11);
    std::normal_distribution<double> gauss(0, sigma);
    const std::size_t n = e.config().size;
    std::vector<float> x(n);
    for (int s = 0; s < spectra; ++s) {
        for (std::size_t i = 0; i < n; ++i) {
            const double t = double(std::size_t(s) * n + i) / fs;
            x[i] = float(a * std::sin(2 * kPi * f * t) + a2 * std::sin(2 * kPi * 2 * f * t + 0.7) +
                         a3 * std::sin(2 * kPi * 3 * f * t + 1.9) + gauss(rng));
        }
        e.feed(x.data(), nullptr, n);
    }
    return e;
}
} // namespace

class TstToneMetrics : public QObject
{
    Q_OBJECT
private slots:
    void knownSignal_data()
    {
        QTest::addColumn<int>("window");
        QTest::newRow("blackman-harris") << int(WindowType::BlackmanHarris);
        QTest::newRow("flattop") << int(WindowType::FlatTop);
        QTest::newRow("kaiser") << int(WindowType::Kaiser);
    }

    void knownSignal()
    {
        QFETCH(int, window);
        SpectrumConfig c;
        c.size = 65536;
        c.window.type = WindowType(window);
        c.sampleRate = 1e6;
        c.averaging = Averaging::Linear;
        c.averages = 4;
        SpectrumEngine e(c);
        const double a = 0.9, sigma = 1e-3;
        analyse(e, a, 12345.678, -60, -70, sigma, 4);
        std::string err;
        const auto m = measureSingleTone(e, 5, &err);
        QVERIFY2(m, err.c_str());

        const double s = a * a / 2, noise = sigma * sigma;
        const double d = s * (1e-6 + 1e-7);
        const double snr = 10 * std::log10(s / noise);
        const double thd = 10 * std::log10(d / s);
        const double sinad = 10 * std::log10(s / (noise + d));
        qInfo("SNR %.2f (%.2f) THD %.2f (%.2f) SINAD %.2f (%.2f) ENOB %.3f SFDR %.2f floor %.1f",
              m->snrDb, snr, m->thdDbc, thd, m->sinadDb, sinad, m->enob, m->sfdrDbc,
              m->noiseFloorDbfs);
        // Tolerances: 0.3 dB on noise-based figures (the noise estimate's spread), 0.1 dB on THD,
        // 0.3 dB on SFDR (noise in the spur's bin), 0.05 bits on ENOB, 0.5 Hz on the frequency.
        QVERIFY(std::fabs(m->fundamentalHz - 12345.678) < 0.5);
        QVERIFY(std::fabs(m->fundamentalDbfs - 20 * std::log10(a)) < 0.05);
        QVERIFY(std::fabs(m->snrDb - snr) < 0.3);
        QVERIFY(std::fabs(m->thdDbc - thd) < 0.1);
        QVERIFY(std::fabs(m->sinadDb - sinad) < 0.3);
        QVERIFY(std::fabs(m->enob - (sinad - 1.76) / 6.02) < 0.05);
        QVERIFY(std::fabs(m->sfdrDbc - 60) < 0.3);
        QVERIFY(std::fabs(m->worstSpurHz - 2 * 12345.678) < 2 * e.binWidth());
        QVERIFY(!m->windowLimited); // 56 dB of SNR: the noise is the signal's
        // Noise floor: sigma^2 spread over fs/2, times the window's noise bandwidth per bin,
        // read as the peak amplitude of a sine of that power (A^2 / 2 = power).
        const double perBin = noise / double(c.size / 2) * e.windowFactors().enbwBins;
        const double floorDbfs = 10 * std::log10(2 * perBin);
        QVERIFY2(std::fabs(m->noiseFloorDbfs - floorDbfs) < 0.3,
                 qPrintable(QString("%1 vs %2").arg(m->noiseFloorDbfs).arg(floorDbfs)));
    }

    // The tone's level comes from its main lobe's power, so a tone between bins reads its
    // amplitude with every window, not the peak bin's (up to 1.4 dB low for Hann, 3.9 dB for
    // the rectangular window, half a bin off).
    void toneLevelIsExactBetweenBins_data()
    {
        QTest::addColumn<int>("window");
        QTest::addColumn<double>("offsetBins");
        QTest::addColumn<double>("toleranceDb");
        // The rectangular window's sidelobes hold up to ~8 % of a tone's power outside its
        // lobe (half a bin off): -0.4 dB, where its peak bin reads 3.9 dB low.
        const std::pair<WindowType, double> windows[] = {
            {WindowType::Rectangular, 0.5},     {WindowType::Hann, 0.02},
            {WindowType::Hamming, 0.02},        {WindowType::Blackman, 0.02},
            {WindowType::BlackmanHarris, 0.02}, {WindowType::FlatTop, 0.02},
            {WindowType::Kaiser, 0.02}};
        for (const auto &[window, tolerance] : windows)
            for (const double offset : {0.0, 0.25, 0.5})
                QTest::addRow("%s, +%.2f bin", WindowSpec{window, 8.6}.toString().c_str(), offset)
                    << int(window) << offset << tolerance;
    }

    void toneLevelIsExactBetweenBins()
    {
        QFETCH(int, window);
        QFETCH(double, offsetBins);
        QFETCH(double, toleranceDb);
        SpectrumConfig c;
        c.size = 4096;
        c.window.type = WindowType(window);
        c.sampleRate = 1e6;
        SpectrumEngine e(c);
        const double a = 0.5;
        analyse(e, a, (300 + offsetBins) * e.binWidth(), -200, -200, 1e-5, 1);
        std::string err;
        const auto m = measureSingleTone(e, 5, &err);
        QVERIFY2(m, err.c_str());
        const double expected = 20 * std::log10(a);
        QVERIFY2(std::fabs(m->fundamentalDbfs - expected) < toleranceDb,
                 qPrintable(QString("%1 dBFS, expected %2").arg(m->fundamentalDbfs).arg(expected)));
    }

    // What the window alone lets a tone reach, against the sidelobe levels the literature
    // gives (Harris 1978: Hann -31.5 dB, Blackman-Harris 4-term -92 dB); Kaiser 20's sidelobes
    // lie below what float coefficients resolve.
    void windowCeilings()
    {
        for (const WindowType t :
             {WindowType::Rectangular, WindowType::Hann, WindowType::Hamming, WindowType::Blackman,
              WindowType::BlackmanHarris, WindowType::FlatTop, WindowType::Kaiser})
            for (const double beta : {8.6, 20.0}) {
                if (t != WindowType::Kaiser && beta != 8.6)
                    continue;
                const WindowCeiling c = windowCeiling({t, beta});
                qInfo("%-16s SNR ceiling %6.1f dB  SFDR ceiling %6.1f dBc",
                      WindowSpec{t, beta}.toString().c_str(), c.snrDb, c.sfdrDbc);
            }
        // Hann's first sidelobes (-31.5 dB) fall inside its excluded +-3 bins; what it leaks
        // beyond them still caps SNR near 40 dB.
        const WindowCeiling hann = windowCeiling({WindowType::Hann, 0});
        QVERIFY(hann.snrDb < 50 && hann.sfdrDbc < 50);
        const WindowCeiling bh = windowCeiling({WindowType::BlackmanHarris, 0});
        QVERIFY(bh.sfdrDbc > 91 && bh.sfdrDbc < 95);
        QVERIFY(bh.snrDb > 80 && bh.snrDb < 92);
        const WindowCeiling kaiser20 = windowCeiling({WindowType::Kaiser, 20});
        QVERIFY(kaiser20.snrDb > 120 && kaiser20.sfdrDbc > 120);
        // Cached: the same figures again.
        QCOMPARE(windowCeiling({WindowType::BlackmanHarris, 0}).snrDb, bh.snrDb);
    }

    // A 16-bit-class tone (SNR ~98 dB): Blackman-Harris's leakage makes most of what reads as
    // its noise, and the measurement says so; Kaiser 20 reads the signal's SNR and does not.
    void leakageLimitedFiguresAreFlagged()
    {
        // SNR 10 log10(a^2 / 2 / sigma^2) = 96.1 dB; half a bin off, where windows leak most.
        const double a = 0.9, sigma = 1e-5, snr = 96.1;
        const auto measure = [&](WindowSpec window) {
            SpectrumConfig c;
            c.size = 65536;
            c.sampleRate = 1e6;
            c.averaging = Averaging::Linear;
            c.averages = 2;
            c.window = window;
            SpectrumEngine e(c);
            analyse(e, a, 809.5 * e.binWidth(), -200, -200, sigma, 2);
            const auto m = measureSingleTone(e);
            if (m)
                qInfo("%s: SNR %.1f dB, SFDR %.1f dBc", window.toString().c_str(), m->snrDb,
                      m->sfdrDbc);
            return m;
        };
        const auto leaky = measure({WindowType::BlackmanHarris, 0});
        QVERIFY(leaky);
        QVERIFY(leaky->windowLimited);
        QVERIFY(leaky->snrDb < snr - 3);
        QCOMPARE(leaky->windowCeiling.snrDb, windowCeiling({WindowType::BlackmanHarris, 0}).snrDb);

        const auto clean = measure({WindowType::Kaiser, 20});
        QVERIFY(clean);
        QVERIFY(!clean->windowLimited);
        QVERIFY(std::fabs(clean->snrDb - snr) < 0.5);
    }

    // Hann's sidelobes fall slowly: its leakage reads as noise, so SNR comes out low. That is
    // why the header recommends low-sidelobe windows for these metrics.
    void hannLeakageLowersSnr()
    {
        SpectrumConfig c;
        c.size = 65536;
        c.window.type = WindowType::Hann;
        c.sampleRate = 1e6;
        SpectrumEngine e(c);
        analyse(e, 0.9, 12345.678, -60, -70, 1e-3, 1);
        const auto m = measureSingleTone(e);
        QVERIFY(m);
        QVERIFY(m->snrDb < 56.07 - 1);
    }

    void refusesWhatItCannotMeasure()
    {
        SpectrumConfig c;
        c.size = 1024;
        c.complexInput = true;
        SpectrumEngine complexEngine(c);
        std::string err;
        QVERIFY(!measureSingleTone(complexEngine, 5, &err));
        QVERIFY2(QString::fromStdString(err).contains("real"), err.c_str());
        c.complexInput = false;
        SpectrumEngine silent(c);
        std::vector<float> zeros(1024, 0.f);
        silent.feed(zeros.data(), nullptr, zeros.size());
        QVERIFY(!measureSingleTone(silent, 5, &err));
        QVERIFY2(QString::fromStdString(err).contains("no tone"), err.c_str());
    }
};

QTEST_GUILESS_MAIN(TstToneMetrics)
#include "tst_tone_metrics.moc"

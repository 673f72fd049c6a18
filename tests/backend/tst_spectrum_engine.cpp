// SpectrumEngine: levels, bins, Parseval, noise density, averaging, complex input, overlap and
// agreement with a direct DFT. Tolerances are stated where they are used.
#include "dmascope/dsp/spectrum_engine.h"

#include <QTest>

#include <fftw3.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>

using namespace dmascope::dsp;

namespace {
constexpr double kPi = std::numbers::pi;

std::vector<float> sine(std::size_t n, double freq, double fs, double amplitude, double phase = 0)
{
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = float(amplitude * std::sin(2 * kPi * freq * double(i) / fs + phase));
    return x;
}

std::size_t argmax(const std::vector<float> &v)
{
    return std::size_t(std::max_element(v.begin(), v.end()) - v.begin());
}

SpectrumConfig baseConfig(std::size_t n, WindowType w)
{
    SpectrumConfig c;
    c.size = n;
    c.window.type = w;
    c.sampleRate = 1e6;
    c.fullScale = 1.0;
    return c;
}
} // namespace

class TstSpectrumEngine : public QObject
{
    Q_OBJECT
private slots:
    void windowFactorsAreTheTextbookValues()
    {
        // Equivalent noise bandwidths in bins (Harris 1978 and the flat-top's published value).
        const std::pair<WindowType, double> expected[] = {
            {WindowType::Rectangular, 1.0}, {WindowType::Hann, 1.5},
            {WindowType::Hamming, 1.3628},  {WindowType::Blackman, 1.7268},
            {WindowType::BlackmanHarris, 2.0044}, {WindowType::FlatTop, 3.7702},
        };
        for (const auto &[type, enbw] : expected) {
            WindowSpec spec;
            spec.type = type;
            const WindowFactors f = windowFactors(makeWindow(spec, 4096));
            QVERIFY2(std::fabs(f.enbwBins - enbw) < 0.001,
                     qPrintable(QString("%1: ENBW %2, expected %3")
                                    .arg(QString::fromStdString(spec.toString()))
                                    .arg(f.enbwBins)
                                    .arg(enbw)));
        }
        QVERIFY(std::fabs(windowFactors(makeWindow({WindowType::Hann, 0}, 1024)).coherentGain - 0.5) < 1e-6);
    }

    // The engine keeps the first half of the symmetric window: makeWindow is exactly
    // symmetric, its first half is makeHalfWindow, and the factors of the half are those of the
    // whole window (even and odd lengths, every type).
    void halfWindowIsTheWindowsFirstHalf()
    {
        for (const WindowType type :
             {WindowType::Rectangular, WindowType::Hann, WindowType::Hamming, WindowType::Blackman,
              WindowType::BlackmanHarris, WindowType::FlatTop, WindowType::Kaiser}) {
            for (const std::size_t n : {1, 2, 3, 16, 17, 1000, 1001, 4096}) {
                const WindowSpec spec{type, 6.5};
                const std::vector<float> w = makeWindow(spec, n);
                const std::vector<float> h = makeHalfWindow(spec, n);
                QCOMPARE(w.size(), n);
                QCOMPARE(h.size(), n / 2 + 1);
                for (std::size_t k = 0; k < h.size(); ++k)
                    QCOMPARE(h[k], w[k]);
                for (std::size_t k = 1; k < n; ++k)
                    QCOMPARE(w[k], w[n - k]);
                const WindowFactors a = windowFactors(w), b = halfWindowFactors(h, n);
                const auto near = [](double x, double y) {
                    return std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y)) + 1e-12;
                };
                QVERIFY2(near(a.sum, b.sum) && near(a.sumSquares, b.sumSquares)
                             && near(a.coherentGain, b.coherentGain)
                             && near(a.enbwBins, b.enbwBins),
                         qPrintable(QString("%1, n %2: sum %3 vs %4, sum of squares %5 vs %6")
                                        .arg(QString::fromStdString(spec.toString()))
                                        .arg(n)
                                        .arg(a.sum, 0, 'g', 17)
                                        .arg(b.sum, 0, 'g', 17)
                                        .arg(a.sumSquares, 0, 'g', 17)
                                        .arg(b.sumSquares, 0, 'g', 17)));
            }
        }
        QVERIFY(makeWindow({}, 0).empty());
        QVERIFY(makeHalfWindow({}, 0).empty());
    }

    // Long windows are drawn from knots: within 2^-23 (two float steps below 1) of the stored
    // coefficients for every type and Kaiser beta, at any position and piece size, and with a
    // step long enough to matter (Blackman-Harris at 1M points: 64, so 16K knots).
    void interpolatedWindowMatchesTheWindow()
    {
        std::vector<WindowSpec> specs;
        for (const WindowType type : {WindowType::Rectangular, WindowType::Hann,
                                      WindowType::Hamming, WindowType::Blackman,
                                      WindowType::BlackmanHarris, WindowType::FlatTop})
            specs.push_back({type, 0});
        for (const double beta : {0.0, 6.5, 20.0, 50.0})
            specs.push_back({WindowType::Kaiser, beta});
        for (const std::size_t n : {std::size_t(1) << 20, std::size_t(1000000), std::size_t(3) << 20}) {
            for (const WindowSpec &spec : specs) {
                const auto interpolated = InterpolatedWindow::make(spec, n);
                const QString what = QString("%1, n %2").arg(QString::fromStdString(spec.toString())).arg(n);
                QVERIFY2(interpolated, qPrintable(what));
                QVERIFY(n % interpolated->step() == 0);
                const std::vector<float> w = makeWindow(spec, n);
                std::vector<float> drawn(n, -1.f);
                // Pieces that start anywhere within a step and end anywhere.
                for (std::size_t first = 0, piece = 1; first < n; piece = piece * 7 % 4093 + 1) {
                    const std::size_t count = std::min(piece, n - first);
                    interpolated->fill(first, count, drawn.data() + first);
                    first += count;
                }
                double worst = 0;
                for (std::size_t k = 0; k < n; ++k)
                    worst = std::max(worst, std::fabs(double(drawn[k]) - double(w[k])));
                QVERIFY2(worst <= 0x1p-23, qPrintable(what + QString(": off by %1").arg(worst)));
                // Its factors (what the engine uses for a drawn window) are the stored one's.
                const WindowFactors a = windowFactors(w), b = interpolated->factors();
                QVERIFY2(std::fabs(a.sum / b.sum - 1) < 1e-6 &&
                             std::fabs(a.sumSquares / b.sumSquares - 1) < 1e-6,
                         qPrintable(what + QString(": sum %1 vs %2, sum of squares %3 vs %4")
                                               .arg(a.sum, 0, 'g', 12)
                                               .arg(b.sum, 0, 'g', 12)
                                               .arg(a.sumSquares, 0, 'g', 12)
                                               .arg(b.sumSquares, 0, 'g', 12)));
            }
        }
        const auto bh = InterpolatedWindow::make({WindowType::BlackmanHarris, 0}, 1 << 20);
        QVERIFY(bh && bh->step() >= 32);
    }

    // Shorter windows keep their coefficients: no step of 32 or more is exact enough.
    void shortWindowsAreNotInterpolated()
    {
        for (const WindowType type : {WindowType::Hann, WindowType::BlackmanHarris,
                                      WindowType::FlatTop, WindowType::Kaiser})
            for (const std::size_t n : {16u, 1000u, 4096u, 65536u, 262144u})
                QVERIFY(!InterpolatedWindow::make({type, 8.6}, n));
        // A rectangular window is its knots' lines exactly, at any length of 64 steps of 32 or more.
        QVERIFY(InterpolatedWindow::make({WindowType::Rectangular, 0}, 2048));
        QVERIFY(!InterpolatedWindow::make({WindowType::Rectangular, 0}, 1024));
    }

    // A long frame through the engine (drawn window, both the direct and the overlap path, fed
    // in uneven pieces) gives the spectrum of the stored window's frame run through FFTW: the
    // bins of white noise differ by 1e-6 of their power in all. (Float rounding of the window
    // alone makes 2e-7; a window one sample out of place, 5e-6.)
    void longFramesMatchTheStoredWindow()
    {
        const std::size_t n = std::size_t(1) << 20;
        QVERIFY(InterpolatedWindow::make({WindowType::BlackmanHarris, 0}, n));
        std::mt19937 rng(7);
        std::normal_distribution<float> gauss(0.f, 0.3f);
        std::vector<float> x(n);
        for (float &v : x)
            v = gauss(rng);
        const std::vector<float> w = makeWindow({WindowType::BlackmanHarris, 0}, n);
        FftwArray<float> buf = allocateFloats(n + 2);
        for (std::size_t k = 0; k < n; ++k)
            buf.get()[k] = x[k] * w[k];
        fftwf_execute_dft_r2c(FftPlans::instance().realForward(n, PlanEffort::Estimate, 1),
                              buf.get(), reinterpret_cast<fftwf_complex *>(buf.get()));
        std::vector<double> expected(n / 2 + 1);
        double total = 0;
        for (std::size_t b = 0; b < expected.size(); ++b) {
            expected[b] = double(buf.get()[2 * b]) * buf.get()[2 * b] +
                          double(buf.get()[2 * b + 1]) * buf.get()[2 * b + 1];
            total += expected[b];
        }
        for (const double overlap : {0.0, 0.5}) {
            SpectrumConfig c = baseConfig(n, WindowType::BlackmanHarris);
            c.overlap = overlap;
            c.threads = 1;
            SpectrumEngine e(c);
            std::size_t ffts = 0;
            for (std::size_t first = 0; first < n; first += 3001)
                ffts += e.feed(x.data() + first, nullptr, std::min<std::size_t>(3001, n - first));
            QCOMPARE(ffts, std::size_t(1));
            const auto &p = e.power();
            double off = 0;
            for (std::size_t b = 0; b < p.size(); ++b)
                off += std::fabs(double(p[b]) - expected[b]);
            QVERIFY2(off < 1e-6 * total, qPrintable(QString("overlap %1: off by %2 of the power")
                                                        .arg(overlap)
                                                        .arg(off / total)));
        }
    }

    // The window loops against their scalar definition (stored forwards and backwards, drawn;
    // real and interleaved complex; lengths around the vector width).
    void multiplyWindowMatchesScalarReference()
    {
        std::vector<float> w(64), x(2 * 64);
        for (std::size_t i = 0; i < w.size(); ++i)
            w[i] = 0.5f + float(i) / 64;
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = float(i) - 40.f;
        for (const bool reversed : {false, true}) {
            for (std::size_t count = 0; count <= 33; ++count) {
                const WindowRun run{reversed ? w.data() + 40 : w.data() + 3, reversed};
                std::vector<float> drawn(count), real(count), cplx(2 * count);
                drawWindow(run, count, drawn.data());
                multiplyWindow(real.data(), x.data(), count, run);
                multiplyWindowComplex(cplx.data(), x.data(), count, run);
                for (std::size_t i = 0; i < count; ++i) {
                    const float c = reversed ? w[40 - i] : w[3 + i];
                    QCOMPARE(drawn[i], c);
                    QCOMPARE(real[i], x[i] * c);
                    QCOMPARE(cplx[2 * i], x[2 * i] * c);
                    QCOMPARE(cplx[2 * i + 1], x[2 * i + 1] * c);
                }
            }
        }
        // A drawn run (knots every 8 samples), starting inside a segment: the loops and
        // drawWindow give the run's own coefficients, which lie on the lines between the knots.
        const float knots[] = {0.f, 0.5f, 0.75f, 1.f, 0.25f, 0.f};
        for (const std::size_t first : {std::size_t(0), std::size_t(5), std::size_t(16)}) {
            const WindowRun run{nullptr, false, knots, 3, first};
            const std::size_t count = 40 - first;
            std::vector<float> drawn(count), real(count), cplx(2 * count);
            drawWindow(run, count, drawn.data());
            multiplyWindow(real.data(), x.data(), count, run);
            multiplyWindowComplex(cplx.data(), x.data(), count, run);
            for (std::size_t i = 0; i < count; ++i) {
                const std::size_t k = first + i;
                const float a = knots[k / 8], b = knots[k / 8 + 1];
                QVERIFY(std::fabs(drawn[i] - (a + float(k % 8) / 8 * (b - a))) <= 1e-7f);
                QCOMPARE(real[i], x[i] * drawn[i]);
                QCOMPARE(cplx[2 * i], x[2 * i] * drawn[i]);
                QCOMPARE(cplx[2 * i + 1], x[2 * i + 1] * drawn[i]);
            }
        }
    }

    // Converters with the windowed form (which the engine uses without overlap to write
    // windowed samples straight into FFTW's input) and those without it (the engine windows a
    // converted chunk) give the same spectra, fed whole or in pieces across the frame's middle.
    void windowedConvertMatchesPlainConvert()
    {
        for (const bool cplx : {false, true}) {
            for (const std::size_t n : {std::size_t(4096), std::size_t(1001)}) {
                SpectrumConfig c = baseConfig(n, WindowType::FlatTop);
                c.complexInput = cplx;
                c.averaging = Averaging::Linear;
                c.averages = 10;
                const std::size_t total = 3 * n + 5;
                const std::vector<float> re = sine(total, 12345, c.sampleRate, 0.7);
                const std::vector<float> im = sine(total, 12345, c.sampleRate, 0.7, kPi / 3);
                const std::size_t k = cplx ? 2 : 1;
                auto plain = [&](float *dst, std::size_t first, std::size_t count) {
                    for (std::size_t i = 0; i < count; ++i) {
                        dst[k * i] = re[first + i];
                        if (cplx)
                            dst[k * i + 1] = im[first + i];
                    }
                };
                SpectrumEngine a(c), b(c), pieces(c);
                QCOMPARE(a.feedWith(total, plain), std::size_t(3));
                QCOMPARE(b.feed(re.data(), cplx ? im.data() : nullptr, total), std::size_t(3));
                std::size_t done = 0, ffts = 0;
                for (const std::size_t piece : {n / 2 - 1, std::size_t(2), n, std::size_t(9),
                                                total}) {
                    const std::size_t take = std::min(piece, total - done);
                    ffts += pieces.feed(re.data() + done, cplx ? im.data() + done : nullptr,
                                        take);
                    done += take;
                }
                QCOMPARE(ffts, std::size_t(3));
                QCOMPARE(b.power(), a.power());
                QCOMPARE(pieces.power(), a.power());
            }
        }
    }

    void windowNamesParse()
    {
        std::string err;
        QCOMPARE(WindowSpec::parse("blackman-harris")->type, WindowType::BlackmanHarris);
        const auto k = WindowSpec::parse("kaiser:6.5");
        QVERIFY(k && k->type == WindowType::Kaiser && k->kaiserBeta == 6.5);
        QCOMPARE(k->toString(), std::string("kaiser:6.5"));
        QCOMPARE(WindowSpec::parse("kaiser:20")->toString(), std::string("kaiser:20"));
        QCOMPARE(WindowSpec::parse("flattop")->toString(), std::string("flattop"));
        QVERIFY(!WindowSpec::parse("hann:3", &err));
        QVERIFY2(QString::fromStdString(err).contains("only kaiser"), err.c_str());
        QVERIFY(!WindowSpec::parse("gauss", &err));
        QVERIFY2(QString::fromStdString(err).contains("flattop"), err.c_str());
        QVERIFY(!WindowSpec::parse("kaiser:x", &err));
    }

    void binCentredToneReadsItsLevel_data()
    {
        QTest::addColumn<int>("window");
        QTest::newRow("rectangular") << int(WindowType::Rectangular);
        QTest::newRow("hann") << int(WindowType::Hann);
        QTest::newRow("hamming") << int(WindowType::Hamming);
        QTest::newRow("blackman") << int(WindowType::Blackman);
        QTest::newRow("blackman-harris") << int(WindowType::BlackmanHarris);
        QTest::newRow("flattop") << int(WindowType::FlatTop);
        QTest::newRow("kaiser") << int(WindowType::Kaiser);
    }

    // Every window reads a bin-centred 0.5 V tone at -6.02 dBFS within 0.01 dB, in its bin.
    void binCentredToneReadsItsLevel()
    {
        QFETCH(int, window);
        const std::size_t n = 4096, bin = 300;
        SpectrumEngine e(baseConfig(n, WindowType(window)));
        const auto x = sine(n, double(bin) * 1e6 / double(n), 1e6, 0.5, 0.3);
        QCOMPARE(e.feed(x.data(), nullptr, n), std::size_t(1));
        std::vector<float> s;
        e.spectrum(s);
        QCOMPARE(argmax(s), bin);
        QVERIFY2(std::fabs(s[bin] - 20 * std::log10(0.5)) < 0.01,
                 qPrintable(QString("read %1 dBFS").arg(s[bin])));
        e.spectrum(s, SpectrumUnit::Dbv);
        QVERIFY(std::fabs(s[bin] - 20 * std::log10(0.5 / std::sqrt(2.0))) < 0.01);
        QVERIFY(std::fabs(e.frequency(bin) - double(bin) * 1e6 / double(n)) < 1e-6);
    }

    // The flat-top window reads a tone half-way between bins within 0.03 dB (scalloping).
    void flatTopHasNoScallopingLoss()
    {
        const std::size_t n = 4096;
        SpectrumEngine e(baseConfig(n, WindowType::FlatTop));
        const auto x = sine(n, 300.5 * 1e6 / double(n), 1e6, 0.25);
        e.feed(x.data(), nullptr, n);
        std::vector<float> s;
        e.spectrum(s);
        const float peak = *std::max_element(s.begin(), s.end());
        QVERIFY2(std::fabs(peak - 20 * std::log10(0.25)) < 0.03,
                 qPrintable(QString("read %1 dBFS").arg(peak)));
    }

    // Rectangular window: sum of x^2 equals (1/N) sum over all bins of |X|^2.
    void parsevalHolds()
    {
        const std::size_t n = 8192;
        std::mt19937 rng(1);
        std::normal_distribution<float> gauss(0.f, 0.3f);
        std::vector<float> x(n);
        double energy = 0;
        for (float &v : x) {
            v = gauss(rng);
            energy += double(v) * v;
        }
        SpectrumEngine e(baseConfig(n, WindowType::Rectangular));
        e.feed(x.data(), nullptr, n);
        const auto &p = e.power();
        double spectral = p[0] + p[n / 2];
        for (std::size_t k = 1; k < n / 2; ++k)
            spectral += 2.0 * p[k];
        spectral /= double(n);
        QVERIFY2(std::fabs(spectral / energy - 1) < 1e-4,
                 qPrintable(QString("%1 vs %2").arg(spectral).arg(energy)));
    }

    void noiseReadsItsDensity_data() { binCentredToneReadsItsLevel_data(); }

    // White noise of sigma 0.1 V at 1 MS/s has a one-sided density of sigma*sqrt(2/fs):
    // averaged over 32 spectra and all bins it reads within 3 %, whatever the window.
    void noiseReadsItsDensity()
    {
        QFETCH(int, window);
        const std::size_t n = 4096;
        SpectrumConfig c = baseConfig(n, WindowType(window));
        c.averaging = Averaging::Linear;
        c.averages = 32;
        c.unit = SpectrumUnit::VoltsPerRootHz;
        SpectrumEngine e(c);
        std::mt19937 rng(7);
        std::normal_distribution<float> gauss(0.f, 0.1f);
        std::vector<float> x(n * 32);
        for (float &v : x)
            v = gauss(rng);
        QCOMPARE(e.feed(x.data(), nullptr, x.size()), std::size_t(32));
        std::vector<float> s;
        e.spectrum(s);
        double meanSquare = 0;
        for (std::size_t k = 8; k < n / 2 - 8; ++k)
            meanSquare += double(s[k]) * s[k];
        meanSquare /= double(n / 2 - 16);
        const double expected = 0.1 * std::sqrt(2.0 / 1e6);
        QVERIFY2(std::fabs(std::sqrt(meanSquare) / expected - 1) < 0.03,
                 qPrintable(QString("%1 V/rtHz, expected %2").arg(std::sqrt(meanSquare))
                                .arg(expected)));
    }

    void averagingModes()
    {
        const std::size_t n = 1024, bin = 64;
        const double f = double(bin) * 1e6 / double(n);
        auto runWith = [&](Averaging mode, unsigned count, std::initializer_list<double> amps) {
            SpectrumConfig c = baseConfig(n, WindowType::Rectangular);
            c.averaging = mode;
            c.averages = count;
            SpectrumEngine e(c);
            for (double a : amps) {
                const auto x = sine(n, f, 1e6, a);
                e.feed(x.data(), nullptr, n);
            }
            return e.amplitude(bin);
        };
        const auto near = [](double a, double b) { return std::fabs(a - b) < 1e-4; };
        // Power averages: the amplitude read is the RMS of the amplitudes.
        QVERIFY(near(runWith(Averaging::None, 1, {0.2, 0.4, 0.8}), 0.8));
        QVERIFY(near(runWith(Averaging::Linear, 2, {0.2, 0.4}), std::sqrt((0.04 + 0.16) / 2)));
        // Linear groups: with 3 spectra and N = 2 the completed group {0.2, 0.4} is shown.
        QVERIFY(near(runWith(Averaging::Linear, 2, {0.2, 0.4, 0.8}), std::sqrt(0.1)));
        // Before the first group completes, the running mean.
        QVERIFY(near(runWith(Averaging::Linear, 4, {0.2, 0.4}), std::sqrt(0.1)));
        QVERIFY(near(runWith(Averaging::PeakHold, 1, {0.2, 0.8, 0.4}), 0.8));
        QVERIFY(near(runWith(Averaging::MinHold, 1, {0.4, 0.2, 0.8}), 0.2));
        // Exponential N = 2: P = 0.04, then 0.04 + (0.16 - 0.04) / 2 = 0.10.
        QVERIFY(near(runWith(Averaging::Exponential, 2, {0.2, 0.4}), std::sqrt(0.1)));
    }

    void complexInputSeparatesPositiveAndNegative()
    {
        const std::size_t n = 2048, k0 = 100;
        SpectrumConfig c = baseConfig(n, WindowType::BlackmanHarris);
        c.complexInput = true;
        SpectrumEngine e(c);
        QCOMPARE(e.bins(), n);
        std::vector<float> re(n), im(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double ph = 2 * kPi * double(k0) * double(i) / double(n);
            re[i] = float(0.5 * std::cos(ph));
            im[i] = float(-0.5 * std::sin(ph)); // e^{-j...}: a negative frequency
        }
        e.feed(re.data(), im.data(), n);
        std::vector<float> s;
        e.spectrum(s);
        QCOMPARE(argmax(s), n / 2 - k0);
        QVERIFY(std::fabs(e.frequency(n / 2 - k0) + double(k0) * 1e6 / double(n)) < 1e-6);
        QVERIFY(std::fabs(s[n / 2 - k0] - 20 * std::log10(0.5)) < 0.01);
        QVERIFY2(s[n / 2 + k0] < -100, qPrintable(QString("mirror at %1 dBFS").arg(s[n / 2 + k0])));
    }

    // Hann-windowed real and complex spectra equal a direct DFT (relative 1e-4 of the peak).
    void matchesDirectDft()
    {
        const std::size_t n = 256;
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> u(-1.f, 1.f);
        std::vector<float> re(n), im(n);
        for (std::size_t i = 0; i < n; ++i) {
            re[i] = u(rng);
            im[i] = u(rng);
        }
        const auto w = makeWindow({WindowType::Hann, 0}, n);
        for (bool complexInput : {false, true}) {
            SpectrumConfig c = baseConfig(n, WindowType::Hann);
            c.complexInput = complexInput;
            SpectrumEngine e(c);
            e.feed(re.data(), complexInput ? im.data() : nullptr, n);
            const auto &p = e.power();
            double peak = *std::max_element(p.begin(), p.end());
            for (std::size_t b = 0; b < e.bins(); ++b) {
                const long k = complexInput ? long(b) - long(n / 2) : long(b);
                std::complex<double> acc = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    const std::complex<double> x(re[i], complexInput ? im[i] : 0.0);
                    acc += x * double(w[i]) *
                           std::polar(1.0, -2 * kPi * double(k) * double(i) / double(n));
                }
                QVERIFY2(std::fabs(std::norm(acc) - p[b]) < 1e-4 * peak,
                         qPrintable(QString("bin %1: %2 vs %3").arg(b).arg(std::norm(acc)).arg(p[b])));
            }
        }
    }

    void overlapComputesMoreSpectra()
    {
        SpectrumConfig c = baseConfig(1024, WindowType::Hann);
        c.overlap = 0.5;
        SpectrumEngine e(c);
        std::vector<float> x(4096, 0.1f);
        QCOMPARE(e.feed(x.data(), nullptr, x.size()), std::size_t(7));
        QCOMPARE(e.spectraComputed(), std::uint64_t(7));
        e.reset();
        QCOMPARE(e.spectraComputed(), std::uint64_t(0));
        // Fed in small pieces, the same frames come out.
        std::size_t ffts = 0;
        for (std::size_t i = 0; i < x.size(); i += 100)
            ffts += e.feed(x.data() + i, nullptr, std::min<std::size_t>(100, x.size() - i));
        QCOMPARE(ffts, std::size_t(7));
    }

    void badConfigIsRefused()
    {
        SpectrumConfig c = baseConfig(8, WindowType::Hann);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SpectrumEngine{c});
        c.size = 1024;
        c.overlap = 0.99;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SpectrumEngine{c});
    }

    void namesRoundTrip()
    {
        for (Averaging a : {Averaging::None, Averaging::Linear, Averaging::Exponential,
                            Averaging::PeakHold, Averaging::MinHold})
            QCOMPARE(averagingFromString(toString(a)), std::optional(a));
        for (SpectrumUnit u : {SpectrumUnit::Dbfs, SpectrumUnit::Dbv, SpectrumUnit::VoltsPerRootHz})
            QCOMPARE(spectrumUnitFromString(toString(u)), std::optional(u));
        QCOMPARE(spectrumUnitFromString("dBFS"), std::optional(SpectrumUnit::Dbfs));
        QVERIFY(!averagingFromString("mean"));
        QVERIFY(!spectrumUnitFromString(""));
    }

    // After a gap in the input the partial frame is dropped, the average is kept: the next
    // spectrum comes a whole frame after the gap.
    void restartFrameKeepsTheAverage()
    {
        SpectrumConfig c = baseConfig(1024, WindowType::Hann);
        c.averaging = Averaging::Linear;
        c.averages = 4;
        SpectrumEngine e(c);
        const auto x = sine(4096, 1e5, 1e6, 0.5);
        QCOMPARE(e.feed(x.data(), nullptr, 1024 + 500), std::size_t(1));
        QCOMPARE(e.samplesToNextFrame(), std::size_t(524));
        e.restartFrame();
        QCOMPARE(e.samplesToNextFrame(), std::size_t(1024));
        QCOMPARE(e.feed(x.data(), nullptr, 1000), std::size_t(0));
        QCOMPARE(e.feed(x.data() + 1000, nullptr, 24), std::size_t(1));
        QCOMPARE(e.averagedCount(), std::uint64_t(2));
    }

    void nonPowerOfTwoSizes()
    {
        for (std::size_t n : {1000u, 3 * 1024u, 10007u}) {
            SpectrumEngine e(baseConfig(n, WindowType::Hann));
            const auto x = sine(n, 100.0 * 1e6 / double(n), 1e6, 0.5);
            e.feed(x.data(), nullptr, n);
            std::vector<float> s;
            e.spectrum(s);
            QCOMPARE(argmax(s), std::size_t(100));
            QVERIFY(std::fabs(s[100] - 20 * std::log10(0.5)) < 0.01);
        }
    }
};

QTEST_GUILESS_MAIN(TstSpectrumEngine)
#include "tst_spectrum_engine.moc"

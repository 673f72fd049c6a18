// FftPlans: one plan per (kind, size, threads, effort), reused; FFTW_MEASURE planning saves
// wisdom where wisdomPath() says (DMASCOPE_FFTW_WISDOM here; by default the user's cache dir),
// creating its directory; large sizes get threaded plans; plans execute in place on other arrays.
#include "dmascope/dsp/fft_plans.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <fftw3.h>

#include <cmath>
#include <cstdlib>
#include <thread>

using namespace dmascope::dsp;

class TstFftPlans : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase()
    {
        // Before the first FftPlans::instance(): the path is read once.
        QVERIFY(dir_.isValid());
        qputenv("DMASCOPE_FFTW_WISDOM", dir_.filePath("sub/wisdom").toUtf8());
    }

    void plansAreReused()
    {
        FftPlans &p = FftPlans::instance();
        const fftwf_plan a = p.realForward(1024, PlanEffort::Estimate, 1);
        QCOMPARE(p.realForward(1024, PlanEffort::Estimate, 1), a);
        QVERIFY(p.complexForward(1024, PlanEffort::Estimate, 1) != a);
        QVERIFY(p.realForward(2048, PlanEffort::Estimate, 1) != a);
        // Large sizes get a threaded plan by default: a different plan from the 1-thread one.
        const std::size_t big = FftPlans::kThreadedFrom;
        if (std::thread::hardware_concurrency() > 1)
            QVERIFY(p.realForward(big, PlanEffort::Estimate) != p.realForward(big, PlanEffort::Estimate, 1));
    }

    void measureSavesWisdom()
    {
        FftPlans &p = FftPlans::instance();
        QCOMPARE(QString::fromStdString(p.wisdomPath()), dir_.filePath("sub/wisdom"));
        QVERIFY(!QFileInfo::exists(dir_.filePath("sub/wisdom")));
        p.realForward(4096, PlanEffort::Measure, 1);
        const QFileInfo wisdom(dir_.filePath("sub/wisdom"));
        QVERIFY(wisdom.exists());
        QVERIFY(wisdom.size() > 20);
    }

    // A plan made on a scratch array transforms the caller's array, in place: a DC input gives
    // N at bin 0, for the real and the complex plan.
    void executesInPlaceOnOtherArrays()
    {
        const std::size_t n = 512;
        FftwArray<float> real = allocateFloats(n + 2);
        for (std::size_t i = 0; i < n; ++i)
            real[i] = 1.f;
        fftwf_execute_dft_r2c(FftPlans::instance().realForward(n, PlanEffort::Estimate, 1),
                              real.get(), reinterpret_cast<fftwf_complex *>(real.get()));
        QCOMPARE(real[0], float(n));
        QCOMPARE(real[1], 0.f);
        QVERIFY(std::abs(real[2]) < 1e-3f);

        FftwArray<float> complex = allocateFloats(2 * n);
        for (std::size_t i = 0; i < n; ++i) {
            complex[2 * i] = 0.f;
            complex[2 * i + 1] = 1.f;
        }
        auto *c = reinterpret_cast<fftwf_complex *>(complex.get());
        fftwf_execute_dft(FftPlans::instance().complexForward(n, PlanEffort::Estimate, 1), c, c);
        QCOMPARE(complex[1], float(n));
        QVERIFY(std::abs(complex[0]) < 1e-3f);
        QVERIFY(std::abs(complex[3]) < 1e-3f);
    }
};

QTEST_GUILESS_MAIN(TstFftPlans)
#include "tst_fft_plans.moc"

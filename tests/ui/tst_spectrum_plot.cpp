// SpectrumPlot offscreen: a tone is drawn at the pixel its frequency and level map to (linear
// and log axes, dB and V/sqrt(Hz)), a one-bin tone survives the reduction to pixel columns,
// markers find peaks and read deltas, zoom keeps them on screen, and the view exports.
#include "dmascope/ui/spectrum_plot.h"

#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace dmascope::ui;

namespace {

// A real spectrum of `bins` bins at 1 Hz spacing: a floor with tones (bin, level).
std::shared_ptr<SpectrumSnapshot> spectrum(std::size_t bins,
                                           std::initializer_list<std::pair<std::size_t, float>> tones,
                                           float floor = -100.f)
{
    auto s = std::make_shared<SpectrumSnapshot>();
    s->bins = bins;
    s->f0 = 0;
    s->df = 1;
    s->sequence = 1;
    SpectrumTrace t;
    t.label = QStringLiteral("CH1");
    t.values.assign(bins, floor);
    for (auto [bin, level] : tones)
        t.values[bin] = level;
    s->traces.push_back(std::move(t));
    return s;
}

// The topmost row in columns x-1..x+1 painted in `color`, or -1.
int topRowOf(const QImage &img, int x, QColor color, const QRect &area)
{
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int dx = -1; dx <= 1; ++dx)
            if (QColor(img.pixel(x + dx, y)) == color)
                return y;
    return -1;
}

} // namespace

class TstSpectrumPlot : public QObject
{
    Q_OBJECT
private slots:
    void toneIsDrawnAtItsPixel()
    {
        SpectrumPlot plot;
        plot.resize(800, 400);
        plot.setSnapshot(spectrum(1025, {{300, -6.f}}, -80.f));
        QCOMPARE(plot.frequencyStart(), 0.0); // the first snapshot shows its whole span
        QCOMPARE(plot.frequencyStop(), 1024.0);
        const QImage img = plot.grab().toImage();
        const QRect a = plot.plotArea();
        const int x = int(std::floor(plot.xOf(300)));
        QCOMPARE(x, a.left() + int(std::floor(300.0 / 1024.0 * a.width())));
        const int y = topRowOf(img, x, plot.colorFor(0), a);
        QVERIFY2(std::abs(y - int(std::floor(plot.yOf(-6)))) <= 1,
                 qPrintable(QString("peak drawn at row %1, expected %2").arg(y).arg(plot.yOf(-6))));
        // Away from the tone the trace is on the floor.
        const int far = int(std::floor(plot.xOf(800)));
        QVERIFY(std::abs(topRowOf(img, far, plot.colorFor(0), a) - int(plot.yOf(-80))) <= 1);

        // Moving the reference level moves the trace by the same number of divisions.
        plot.setReferenceLevel(-20);
        plot.setDbPerDivision(5);
        const QImage img2 = plot.grab().toImage();
        QVERIFY(std::abs(topRowOf(img2, x, plot.colorFor(0), a) - int(std::floor(plot.yOf(-6)))) <= 1
                || plot.yOf(-6) < a.top()); // -6 dB is above a -20 dB reference: clipped
        QVERIFY(plot.yOf(-6) < a.top());
        QCOMPARE(plot.bottomLevel(), -70.0);
    }

    // One bin in a million still shows: each column takes the maximum of its bins.
    void narrowToneSurvivesColumnReduction()
    {
        SpectrumPlot plot;
        plot.resize(600, 300);
        plot.setSnapshot(spectrum(1u << 20, {{654321, -20.f}}));
        const std::vector<float> &col = plot.columnLevels(0);
        QCOMPARE(int(col.size()), plot.plotArea().width());
        const auto top = std::max_element(col.begin(), col.end());
        QCOMPARE(*top, -20.f);
        const int expected = int(std::floor(plot.xOf(654321))) - plot.plotArea().left();
        QVERIFY(std::abs(int(top - col.begin()) - expected) <= 1);
    }

    void logAxisAndLinearUnits()
    {
        SpectrumPlot plot;
        plot.resize(800, 400);
        auto s = spectrum(1025, {{100, 1e-3f}}, 1e-6f);
        s->decibels = false;
        s->unit = QStringLiteral("V/√Hz");
        plot.setLogFrequency(true);
        plot.setSnapshot(s);
        QCOMPARE(plot.frequencyStart(), 1.0); // log axis: from the first bin above DC
        // Decades are equally wide.
        QVERIFY(std::abs((plot.xOf(100) - plot.xOf(10)) - (plot.xOf(1000) - plot.xOf(100))) < 1e-6);
        plot.setReferenceLevel(-40);
        const QImage img = plot.grab().toImage();
        const int x = int(std::floor(plot.xOf(100)));
        const int y = topRowOf(img, x, plot.colorFor(0), plot.plotArea());
        // 1e-3 V/sqrt(Hz) is -60 dB on the level axis.
        QVERIFY2(std::abs(y - int(std::floor(plot.yOf(-60)))) <= 1,
                 qPrintable(QString("row %1 vs %2").arg(y).arg(plot.yOf(-60))));
        plot.setMarkers({{MarkerType::Peak, 0, 0, 0}});
        QCOMPARE(plot.markerReadouts().at(0).bin, std::size_t(100));
        QVERIFY(std::abs(plot.markerReadouts().at(0).value - 1e-3) < 1e-9);
    }

    void markersFindPeaks()
    {
        SpectrumPlot plot;
        plot.resize(800, 400);
        plot.setSnapshot(spectrum(1025, {{300, -6.f}, {700, -40.f}, {900, -70.f}}));
        plot.setMarkers({{MarkerType::Peak, 0, 0, 0},
                         {MarkerType::NextPeak, 0, 0, 0},
                         {MarkerType::NextPeak, 0, 0, 0},
                         {MarkerType::Fixed, 0, 500.2, 0},
                         {MarkerType::Delta, 0, 700, 0}});
        const QList<MarkerReadout> r = plot.markerReadouts();
        QCOMPARE(r.size(), 5);
        QCOMPARE(r[0].bin, std::size_t(300));
        QCOMPARE(r[0].level, -6.0);
        QCOMPARE(r[1].bin, std::size_t(700));
        QCOMPARE(r[2].bin, std::size_t(900));
        QCOMPARE(r[3].bin, std::size_t(500));
        QCOMPARE(r[3].level, -100.0); // the floor
        QVERIFY(r[4].valid);
        QCOMPARE(r[4].deltaFrequency, 400.0);
        QCOMPARE(r[4].deltaLevel, -34.0);

        // Peaks follow new data.
        plot.setSnapshot(spectrum(1025, {{123, -3.f}, {700, -40.f}}));
        QCOMPARE(plot.markerReadouts().at(0).bin, std::size_t(123));
        // Zoomed to 600..1000 Hz the peak search stays on screen.
        plot.setFrequencyRange(600, 1000);
        QCOMPARE(plot.markerReadouts().at(0).bin, std::size_t(700));
        // At most 8 markers; a delta against itself has no reading.
        plot.setMarkers(std::vector<SpectrumMarker>(12, {MarkerType::Delta, 0, 650, 3}));
        QCOMPARE(plot.markers().size(), std::size_t(SpectrumPlot::kMaxMarkers));
        QVERIFY(!plot.markerReadouts().at(3).valid);
        QVERIFY(plot.markerReadouts().at(0).valid);
    }

    void zoomAndExport()
    {
        SpectrumPlot plot;
        plot.resize(640, 360);
        plot.setSnapshot(spectrum(1025, {{300, -6.f}}));
        plot.zoomFrequency(0.5, 300);
        QCOMPARE(plot.frequencyStart(), 150.0);
        QCOMPARE(plot.frequencyStop(), 662.0);
        QTest::keyClick(&plot, Qt::Key_Home);
        QCOMPARE(plot.frequencyStop(), 1024.0);
        plot.setFrequencyRange(10, 5); // refused
        QCOMPARE(plot.frequencyStart(), 0.0);
        QTemporaryDir dir;
        QVERIFY(plot.exportPng(dir.filePath("s.png")));
        QVERIFY(plot.exportSvg(dir.filePath("s.svg")));
        QCOMPARE(QImage(dir.filePath("s.png")).size(), QSize(640, 360));
        QVERIFY(QFileInfo(dir.filePath("s.svg")).size() > 1000);
        QVERIFY(!plot.exportPng(dir.filePath("missing/dir/s.png")));
    }
};

QTEST_MAIN(TstSpectrumPlot)
#include "tst_spectrum_plot.moc"

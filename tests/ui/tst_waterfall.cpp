// Waterfall offscreen: a tone lands in the pixel column of its frequency, the newest row is on
// top and older rows scroll down, the history wraps around, and a new span clears it.
#include "dmascope/ui/waterfall.h"

#include <QTest>

#include <cmath>

using namespace dmascope::ui;

namespace {

SpectrumSnapshot toneAt(std::size_t bin, float level = -10.f)
{
    SpectrumSnapshot s;
    s.bins = 1025;
    s.df = 1;
    SpectrumTrace t;
    t.values.assign(s.bins, -110.f);
    t.values[bin] = level;
    s.traces.push_back(t);
    return s;
}

// The brightest column of row `y` (by the sum of its colour channels).
int brightestColumn(const QImage &img, int y)
{
    int best = 0, bestSum = -1;
    for (int x = 0; x < img.width(); ++x) {
        const QColor c(img.pixel(x, y));
        const int sum = c.red() + c.green() + c.blue();
        if (sum > bestSum) {
            bestSum = sum;
            best = x;
        }
    }
    return best;
}

// The colour the 256-entry map gives `fraction` of the level range.
QRgb mapped(double fraction)
{
    return Waterfall::colorAt(std::floor(fraction * 255.0) / 255.0) | 0xff000000u;
}

} // namespace

class TstWaterfall : public QObject
{
    Q_OBJECT
private slots:
    void toneLandsInItsColumnNewestOnTop()
    {
        Waterfall w;
        w.resize(800, 200);
        w.setFrequencyRange(0, 1024);
        w.setLevelRange(-120, 0);
        w.addSpectrum(toneAt(300));
        w.addSpectrum(toneAt(700));
        QCOMPARE(w.rowsAdded(), quint64(2));
        const QImage h = w.historyImage();
        QCOMPARE(h.size(), w.plotArea().size());
        QCOMPARE(brightestColumn(h, 0), w.columnOf(700)); // newest on top
        QCOMPARE(brightestColumn(h, 1), w.columnOf(300));
        QCOMPARE(w.columnOf(300), int(std::floor(300.0 / 1024.0 * w.plotArea().width())));
        // The tone's colour is the map's at its level, the floor is the map's bottom.
        QCOMPARE(h.pixel(w.columnOf(700), 0), mapped(110.0 / 120.0));
        QCOMPARE(h.pixel(5, 0), mapped(10.0 / 120.0));
        // Painted on the widget at the same place.
        const QImage shown = w.grab().toImage();
        const QRect a = w.plotArea();
        QCOMPARE(shown.pixel(a.left() + w.columnOf(700), a.top()), h.pixel(w.columnOf(700), 0));
    }

    void historyScrollsAndWraps()
    {
        Waterfall w;
        w.resize(400, 60);
        w.setFrequencyRange(0, 1024);
        const int rows = w.plotArea().height();
        for (int i = 0; i < rows + 5; ++i)
            w.addSpectrum(toneAt(std::size_t(100 + 8 * i)));
        const QImage h = w.historyImage();
        for (int y = 0; y < rows; ++y) {
            const int i = rows + 4 - y; // row y shows the spectrum added y rows ago
            QCOMPARE(brightestColumn(h, y), w.columnOf(double(100 + 8 * i)));
        }
    }

    void newSpanClearsHistory()
    {
        Waterfall w;
        w.resize(400, 100);
        w.setFrequencyRange(0, 1024);
        w.addSpectrum(toneAt(300));
        w.setFrequencyRange(0, 512);
        QCOMPARE(w.rowsAdded(), quint64(0));
        w.addSpectrum(toneAt(300));
        QCOMPARE(brightestColumn(w.historyImage(), 0), w.columnOf(300));
        QVERIFY(std::abs(w.columnOf(300) - int(300.0 / 512.0 * w.plotArea().width())) <= 1);
        // Log axis too.
        w.setLogFrequency(true);
        w.setFrequencyRange(1, 1024);
        w.addSpectrum(toneAt(32));
        QCOMPARE(brightestColumn(w.historyImage(), 0), w.columnOf(32));
        QVERIFY(std::abs(w.columnOf(32) - w.plotArea().width() / 2) <= 1);
    }

    void colourMapBrightensWithLevel()
    {
        int last = -1;
        for (int i = 0; i <= 20; ++i) {
            const QColor c(Waterfall::colorAt(i / 20.0));
            const int lum = c.red() * 3 + c.green() * 6 + c.blue();
            QVERIFY2(lum > last, qPrintable(QString("step %1").arg(i)));
            last = lum;
        }
    }
};

QTEST_MAIN(TstWaterfall)
#include "tst_waterfall.moc"

// TimePlot painted offscreen: pixels of known signals, the coordinate mapping under zoom and pan
// (API, mouse and keys), per-channel value axes, cursors, autoscale, persistence, export, and the
// dark and light themes.
#include "dmascope/ui/time_plot.h"

#include <QApplication>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <functional>
#include <memory>

using namespace dmascope::ui;

namespace {

// A snapshot whose columns coincide with the plot's pixel columns, trace values from f(t).
std::shared_ptr<PlotSnapshot> makeSnapshot(const TimePlot &plot,
                                           const std::vector<std::function<double(double)>> &fs,
                                           std::uint64_t sequence = 1)
{
    auto s = std::make_shared<PlotSnapshot>();
    s->sequence = sequence;
    s->columns = plot.traceColumns();
    s->t0 = plot.view().t0;
    s->dt = (plot.view().t1 - plot.view().t0) / s->columns;
    s->recordT0 = -5e-3;
    s->recordT1 = 5e-3;
    for (const auto &f : fs) {
        PlotTrace tr;
        for (int c = 0; c < s->columns; ++c) {
            // min/max of f over the column (sampled finely: catches the square wave's jump)
            double lo = INFINITY, hi = -INFINITY;
            for (int k = 0; k <= 8; ++k) {
                const double v = f(s->t0 + (c + k / 8.0) * s->dt);
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            tr.min.push_back(static_cast<float>(lo));
            tr.max.push_back(static_cast<float>(hi));
        }
        s->traces.push_back(std::move(tr));
    }
    return s;
}

int rowOf(const TimePlot &plot, double v)
{
    return static_cast<int>(std::floor(plot.toPixel(0.0, v).y()));
}

bool isColor(const QImage &img, int x, int y, const QColor &c)
{
    return img.pixelColor(x, y).rgb() == c.rgb();
}

// Rows in column x that have colour c.
QList<int> rowsWithColor(const QImage &img, const QRect &area, int x, const QColor &c)
{
    QList<int> rows;
    for (int y = area.top(); y <= area.bottom(); ++y)
        if (isColor(img, x, y, c))
            rows << y;
    return rows;
}

// The app's two themes in short: Fusion's light palette, and a dark one.
QPalette lightPalette()
{
    return std::unique_ptr<QStyle>(QStyleFactory::create(QStringLiteral("Fusion")))
        ->standardPalette();
}

QPalette darkPalette()
{
    QPalette p = lightPalette();
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    p.setColor(QPalette::WindowText, QColor(0xdf, 0xe1, 0xe5));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    p.setColor(QPalette::Text, QColor(0xdf, 0xe1, 0xe5));
    return p;
}

// WCAG relative luminance and contrast ratio (1..21; 3 is the minimum for graphics).
double luminance(const QColor &c)
{
    auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

class TstTimePlot : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TimePlot> plot;

private slots:
    void init()
    {
        plot = std::make_unique<TimePlot>();
        plot->resize(800, 424);
        plot->setView({-1e-3, 1e-3, -1.0, 1.0});
        plot->show();
        QVERIFY(QTest::qWaitForWindowExposed(plot.get()));
    }
    void cleanup() { plot.reset(); }

    void dcLevelLandsOnExpectedRow()
    {
        plot->setSnapshot(makeSnapshot(*plot, {[](double) { return 0.5; }, [](double) { return -0.25; }}));
        const QImage img = plot->grab().toImage();
        const QRect a = plot->plotArea();
        QCOMPARE(a.width(), plot->traceColumns());
        const QColor c0 = plot->traceColor(0);
        const QColor c1 = plot->traceColor(1);
        for (int x : {a.left() + 3, a.left() + 250, a.right() - 3}) {
            QCOMPARE(rowsWithColor(img, a, x, c0), QList<int>{rowOf(*plot, 0.5)});
            QCOMPARE(rowsWithColor(img, a, x, c1), QList<int>{rowOf(*plot, -0.25)});
        }
        // 0.5 V on a +-1 V view of 400 rows: a quarter of the way down
        QCOMPARE(rowOf(*plot, 0.5), a.top() + a.height() / 4);
    }

    void squareWaveColumnsSpanRows()
    {
        // 1 kHz square wave, +-0.6 V: high for t mod 1 ms < 0.5 ms
        auto square = [](double t) {
            return std::fmod(t + 10e-3, 1e-3) < 0.5e-3 ? 0.6 : -0.6;
        };
        plot->setSnapshot(makeSnapshot(*plot, {square}));
        const QImage img = plot->grab().toImage();
        const QRect a = plot->plotArea();
        const QColor c0 = plot->traceColor(0);
        const int hi = rowOf(*plot, 0.6);
        const int lo = rowOf(*plot, -0.6);
        // flat parts: one row each
        QCOMPARE(rowsWithColor(img, a, qRound(plot->toPixel(0.25e-3, 0).x()), c0), QList<int>{hi});
        QCOMPARE(rowsWithColor(img, a, qRound(plot->toPixel(0.75e-3, 0).x()), c0), QList<int>{lo});
        // the edge at t = 0.5 ms: a column whose line spans every row from high to low
        const int edgeX = static_cast<int>(std::floor(plot->toPixel(0.5e-3, 0).x()));
        bool found = false;
        for (int x = edgeX - 1; x <= edgeX + 1; ++x) {
            const QList<int> rows = rowsWithColor(img, a, x, c0);
            if (rows.size() == lo - hi + 1 && rows.front() == hi && rows.back() == lo)
                found = true;
        }
        QVERIFY(found);
    }

    // Zoomed in past one sample per column: the samples are joined by a polyline.
    void samplesAsPolyline()
    {
        auto s = makeSnapshot(*plot, {[](double) { return 0.0; }});
        PlotTrace &tr = s->traces[0];
        tr.sampleDt = 0.2e-3; // 10 samples across the view: a triangle wave
        tr.sampleT0 = -1e-3;
        tr.samples = {-0.5f, 0.5f, -0.5f, 0.5f, -0.5f, 0.5f, -0.5f, 0.5f, -0.5f, 0.5f, -0.5f};
        plot->setSnapshot(s);
        const QImage img = plot->grab().toImage();
        const QRect a = plot->plotArea();
        const QColor c0 = plot->traceColor(0);
        // half-way between two samples the line crosses 0 V (within a pixel or two)
        const int x = static_cast<int>(plot->toPixel(-0.9e-3, 0).x());
        const QList<int> rows = rowsWithColor(img, a, x, c0);
        QVERIFY(!rows.isEmpty());
        QVERIFY(std::abs(rows.front() - rowOf(*plot, 0.0)) <= 2);
        // and reaches the sample values at the sample times
        const int xs = static_cast<int>(plot->toPixel(-0.8e-3, 0).x());
        QVERIFY(rowsWithColor(img, a, xs, c0).contains(rowOf(*plot, 0.5)));
    }

    // Zooming in before the producer delivers a matching snapshot spreads the columns apart; the
    // trace is still drawn connected (the QPainter fallback joins them with lines).
    void staleSnapshotAfterZoomStaysConnected()
    {
        plot->setSnapshot(makeSnapshot(*plot, {[](double t) { return 800.0 * t; }})); // ramp
        plot->zoomTime(0.25, 0.0);
        const QImage img = plot->grab().toImage();
        const QRect a = plot->plotArea();
        const QColor c0 = plot->traceColor(0);
        for (int x = a.left() + 2; x < a.right() - 2; ++x)
            QVERIFY2(!rowsWithColor(img, a, x, c0).isEmpty(), qPrintable(QString::number(x)));
        // the ramp's value at the centre is still 0 V
        const QList<int> mid = rowsWithColor(img, a, a.left() + a.width() / 2, c0);
        QVERIFY(std::abs(mid.front() - rowOf(*plot, 0.0)) <= 2);
    }

    void mappingZoomAndPan()
    {
        const QRect a = plot->plotArea();
        QCOMPARE(plot->toPixel(-1e-3, 1.0), QPointF(a.left(), a.top()));
        QCOMPARE(plot->timeAt(a.left() + a.width() / 2.0), 0.0);
        QCOMPARE(plot->valueAt(a.top() + a.height()), -1.0);
        QCOMPARE(plot->timePerDivision(), 200e-6);
        QCOMPARE(plot->valuePerDivision(), 0.2);

        QSignalSpy spy(plot.get(), &AbstractTimePlot::viewChanged);
        // zoom in 2x around t = 0.5 ms: that time stays on the same pixel
        const double xBefore = plot->toPixel(0.5e-3, 0).x();
        plot->zoomTime(0.5, 0.5e-3);
        QVERIFY(qFuzzyCompare(plot->toPixel(0.5e-3, 0).x(), xBefore));
        QVERIFY(qFuzzyCompare(plot->view().t1 - plot->view().t0, 1e-3));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.last().at(1).toInt(), a.width());
        // pan one division right
        const ViewRange before = plot->view();
        plot->panDivisions(1.0, 0.0);
        QVERIFY(qFuzzyCompare(plot->view().t0 - before.t0, (before.t1 - before.t0) / 10));

        // keys: '-' doubles the span around the centre, Home fits the record
        plot->setView({-1e-3, 1e-3, -1.0, 1.0});
        QTest::keyClick(plot.get(), Qt::Key_Minus);
        QVERIFY(qFuzzyCompare(plot->view().t1, 2e-3));
        QTest::keyClick(plot.get(), Qt::Key_Plus);
        QVERIFY(qFuzzyCompare(plot->view().t1, 1e-3));
        QTest::keyClick(plot.get(), Qt::Key_Right);
        QVERIFY(qFuzzyCompare(plot->view().t0, -0.8e-3));
        QTest::keyClick(plot.get(), Qt::Key_Up);
        QVERIFY(qFuzzyCompare(plot->view().v0, -0.75));
        plot->setSnapshot(makeSnapshot(*plot, {[](double) { return 2.0; }}));
        QTest::keyClick(plot.get(), Qt::Key_Home);
        QCOMPARE(plot->view().t0, -5e-3);
        QCOMPARE(plot->view().t1, 5e-3);
        QVERIFY(plot->view().v0 < 2.0 && plot->view().v1 > 2.0);

        // wheel: one notch in zooms time by 0.8 around the pointer
        plot->setView({-1e-3, 1e-3, -1.0, 1.0});
        const QPoint at(a.left() + a.width() / 4, a.center().y());
        const double tAt = plot->timeAt(at.x());
        QWheelEvent wheel(at, plot->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(plot.get(), &wheel);
        QVERIFY(qFuzzyCompare(plot->view().t1 - plot->view().t0, 1.6e-3));
        QVERIFY(std::abs(plot->timeAt(at.x()) - tAt) < 1e-12);

        // drag pans: 100 px right moves the view left by 100 px worth of time
        plot->setView({-1e-3, 1e-3, -1.0, 1.0});
        const QPoint p0 = a.center();
        QTest::mousePress(plot.get(), Qt::LeftButton, Qt::NoModifier, p0);
        QTest::mouseMove(plot.get(), p0 + QPoint(100, 0));
        QTest::mouseRelease(plot.get(), Qt::LeftButton, Qt::NoModifier, p0 + QPoint(100, 0));
        QVERIFY(std::abs(plot->view().t0 - (-1e-3 - 100 * 2e-3 / a.width())) < 1e-12);

        // rubber band (right drag) zooms to the rectangle
        plot->setView({-1e-3, 1e-3, -1.0, 1.0});
        const QRect band(a.left() + 100, a.top() + 50, 200, 100);
        const double t0 = plot->timeAt(band.left()), t1 = plot->timeAt(band.right() + 1);
        const double v1 = plot->valueAt(band.top()), v0 = plot->valueAt(band.bottom() + 1);
        QTest::mousePress(plot.get(), Qt::RightButton, Qt::NoModifier, band.topLeft());
        QTest::mouseMove(plot.get(), band.bottomRight());
        QTest::mouseRelease(plot.get(), Qt::RightButton, Qt::NoModifier, band.bottomRight());
        QVERIFY(qFuzzyCompare(plot->view().t0, t0) && qFuzzyCompare(plot->view().t1, t1));
        QVERIFY(qFuzzyCompare(plot->view().v0, v0) && qFuzzyCompare(plot->view().v1, v1));
    }

    void cursorsReadValues()
    {
        // a ramp of 1000 V/s and a DC channel
        plot->setSnapshot(makeSnapshot(*plot, {[](double t) { return 1000.0 * t; },
                                               [](double) { return -0.3; }}));
        plot->setTimeCursors(true, -0.4e-3, 0.6e-3);
        plot->setValueCursors(true, 0.1, 0.35);
        const CursorReadout r = plot->cursorReadout();
        QVERIFY(qFuzzyCompare(r.deltaT, 1e-3));
        QVERIFY(r.inverseDeltaT && qFuzzyCompare(*r.inverseDeltaT, 1000.0));
        QVERIFY(qFuzzyCompare(r.deltaV, 0.25));
        QCOMPARE(r.atT1.size(), 2);
        // within one column of the ramp (2 ms / 728 columns * 1000 V/s)
        const double colV = 1000.0 * (2e-3 / plot->traceColumns());
        QVERIFY(std::abs(r.atT1[0] - (-0.4)) <= colV);
        QVERIFY(std::abs(r.atT2[0] - 0.6) <= colV);
        QVERIFY(std::abs(r.atT2[1] + 0.3) < 1e-6); // stored as float
        // painted: a cursor line at the cursor's column
        const QImage img = plot->grab().toImage();
        const int x = static_cast<int>(std::floor(plot->toPixel(-0.4e-3, 0).x()));
        int light = 0;
        for (int y = plot->plotArea().top(); y < plot->plotArea().bottom(); ++y)
            light += img.pixelColor(x, y).rgb() == plot->palette().color(QPalette::Text).rgb();
        QVERIFY(light > plot->plotArea().height() / 3); // dashed
        // dragging the first time cursor moves it
        const QPoint grab(x, plot->plotArea().center().y() + 37);
        QTest::mousePress(plot.get(), Qt::LeftButton, Qt::NoModifier, grab);
        QTest::mouseMove(plot.get(), grab + QPoint(50, 0));
        QTest::mouseRelease(plot.get(), Qt::LeftButton, Qt::NoModifier, grab + QPoint(50, 0));
        QVERIFY(std::abs(plot->cursorReadout().t1 - plot->timeAt(x + 50)) < 1e-12);
        QCOMPARE(plot->view(), (ViewRange{-1e-3, 1e-3, -1.0, 1.0})); // not a pan
        // outside the data: NaN
        plot->setTimeCursors(true, -2e-3, 0.0);
        QVERIFY(std::isnan(plot->cursorReadout().atT1[0]));
    }

    // Each trace on its own scale: CH2 at 4x the reference's gain, shifted up 1.25 divisions.
    void perChannelAxes()
    {
        plot->setSnapshot(makeSnapshot(*plot, {[](double) { return 0.5; }, [](double) { return 0.125; }}));
        const TraceAxis ch2{4.0, 0.25}; // 0.125 -> 0.75 on the axis, its zero at 0.25
        plot->setTraceAxes({TraceAxis{}, ch2}, 0);
        QCOMPARE(plot->traceAxis(1).toDisplay(0.125), 0.75);
        QCOMPARE(plot->traceAxis(5), TraceAxis{}); // missing entries: identity
        const QImage img = plot->grab().toImage();
        const QRect a = plot->plotArea();
        const int x = a.left() + 300;
        QCOMPARE(rowsWithColor(img, a, x, plot->traceColor(0)), QList<int>{rowOf(*plot, 0.5)});
        QCOMPARE(rowsWithColor(img, a, x, plot->traceColor(1)), QList<int>{rowOf(*plot, 0.75)});
        // ground markers left of the trace area, in each trace's colour, at each one's zero
        QCOMPARE(img.pixelColor(a.left() - 4, qRound(plot->toPixel(0, 0.25).y())), plot->traceColor(1));
        QCOMPARE(img.pixelColor(a.left() - 4, qRound(plot->toPixel(0, 0.0).y())), plot->traceColor(0));
        // cursors read each trace in its own units
        plot->setTimeCursors(true, 0.0, 1e-4);
        const CursorReadout r = plot->cursorReadout();
        QVERIFY(std::abs(r.atT1[1] - 0.125) < 1e-6);
        // autoscale looks at what is drawn (0.5 and 0.75 on the axis)
        plot->fit();
        QVERIFY(plot->view().v0 <= 0.5 && plot->view().v1 >= 0.75);
        // a bad axis falls back to identity
        plot->setTraceAxes({TraceAxis{0.0, 1.0}});
        QCOMPARE(plot->traceAxis(0), TraceAxis{});
    }

    void themesColourTheWholePlot_data()
    {
        QTest::addColumn<QPalette>("palette");
        QTest::newRow("light") << lightPalette();
        QTest::newRow("dark") << darkPalette();
    }

    void themesColourTheWholePlot()
    {
        QFETCH(QPalette, palette);
        plot->setSnapshot(makeSnapshot(*plot, {[](double) { return 0.5; }, [](double) { return -0.5; }}));
        plot->grab(); // cache the grid in the previous palette: a palette change must redraw it
        plot->setPalette(palette);
        const QImage img = plot->grab().toImage();
        const QRect a = plot->plotArea();
        const QColor base = palette.color(QPalette::Base);
        QCOMPARE(img.pixelColor(a.left() + 3, a.top() + a.height() / 2 + 13), base); // no grid there
        QCOMPARE(img.pixelColor(2, 2), palette.color(QPalette::Window));
        // every default trace colour stands out from the background (WCAG graphics: >= 3)
        for (const QColor &c : TimePlot::defaultColors(palette))
            QVERIFY2(contrast(c, base) >= 3.0, qPrintable(c.name() + " on " + base.name()));
        QCOMPARE(plot->traceColor(0), TimePlot::defaultColors(palette)[0]);
        QCOMPARE(rowsWithColor(img, a, a.left() + 100, plot->traceColor(0)), QList<int>{rowOf(*plot, 0.5)});
        // grid lines are neither background nor invisible: the centre line (0 V) has pixels
        // between the background and the text colour
        const int zeroRow = static_cast<int>(std::floor(plot->toPixel(0, 0).y()));
        int gridPixels = 0;
        for (int x = a.left() + 1; x < a.right(); ++x)
            gridPixels += img.pixelColor(x, zeroRow) != base;
        QVERIFY(gridPixels > a.width() / 3);
        // the value labels (left margin) contrast with the margin
        const QColor window = palette.color(QPalette::Window);
        double best = 1.0;
        for (int y = a.top(); y < a.bottom(); ++y)
            for (int x = 0; x < a.left() - 8; ++x)
                best = std::max(best, contrast(img.pixelColor(x, y), window));
        QVERIFY2(best >= 4.5, qPrintable(QString::number(best)));
        // the application's palette (the app's theme switch) reaches a plot without its own
        QApplication::setPalette(palette);
        TimePlot other;
        other.resize(400, 300);
        other.show();
        QVERIFY(QTest::qWaitForWindowExposed(&other));
        other.grab();
        QApplication::setPalette(palette == darkPalette() ? lightPalette() : darkPalette());
        QApplication::processEvents(); // widgets take the application palette from a posted event
        const QImage switched = other.grab().toImage();
        QCOMPARE(switched.pixelColor(other.plotArea().left() + 3, other.plotArea().top() + 13),
                 QApplication::palette().color(QPalette::Base));
        QApplication::setPalette(QPalette());
        // the explicit colour of a channel wins over the theme's
        plot->setChannelColors({QColor(Qt::red)});
        QCOMPARE(plot->traceColor(0), QColor(Qt::red));
        QCOMPARE(plot->traceColor(1), TimePlot::defaultColors(palette)[1]);
    }

    void cursorsChangedIsSignalled()
    {
        QSignalSpy spy(plot.get(), &TimePlot::cursorsChanged);
        plot->setTimeCursors(true, -0.5e-3, 0.5e-3);
        QCOMPARE(spy.count(), 1);
        const int x = static_cast<int>(std::floor(plot->toPixel(0.5e-3, 0).x()));
        const QPoint grab(x, plot->plotArea().center().y());
        QTest::mousePress(plot.get(), Qt::LeftButton, Qt::NoModifier, grab);
        QTest::mouseMove(plot.get(), grab - QPoint(40, 0));
        QTest::mouseRelease(plot.get(), Qt::LeftButton, Qt::NoModifier, grab - QPoint(40, 0));
        QVERIFY(spy.count() >= 2);
        QVERIFY(plot->cursorReadout().t2 < 0.5e-3);
    }

    void autoscale()
    {
        plot->setSnapshot(makeSnapshot(*plot, {[](double t) { return 2.5 + 400.0 * t; }})); // 2.1..2.9 V
        plot->setAutoscale(true);
        const ViewRange v = plot->view();
        QVERIFY(v.v0 <= 2.1 && v.v1 >= 2.9);
        QVERIFY(v.v1 - v.v0 <= 4 * 0.8);
        const double div = (v.v1 - v.v0) / 8;
        QVERIFY(qFuzzyCompare(div, plot->valuePerDivision())); // whole 1-2-5 divisions
        // data inside and using enough of the view: left alone
        plot->setSnapshot(makeSnapshot(*plot, {[](double t) { return 2.5 + 300.0 * t; }}, 2));
        QCOMPARE(plot->view(), v);
    }

    void persistenceAccumulatesAndDecays()
    {
        plot->setPersistence(true, 0.5);
        const QRect a = plot->plotArea();
        const int x = a.left() + 200;
        const int y = rowOf(*plot, 0.5);
        QCOMPARE(plot->persistenceImage().size(), a.size());
        auto alphaAt = [&](int wx, int wy) { // widget coordinates
            return qAlpha(plot->persistenceImage().pixel(wx - a.left(), wy - a.top()));
        };
        plot->setSnapshot(makeSnapshot(*plot, {[](double) { return 0.5; }}, 1));
        const int once = alphaAt(x, y);
        QVERIFY(once > 0);
        for (std::uint64_t s = 2; s < 6; ++s)
            plot->setSnapshot(makeSnapshot(*plot, {[](double) { return 0.5; }}, s));
        const int five = alphaAt(x, y);
        QVERIFY(five > once);
        // the same sequence again is a view refresh, not a new capture: no change
        plot->setSnapshot(makeSnapshot(*plot, {[](double) { return 0.5; }}, 5));
        QCOMPARE(alphaAt(x, y), five);
        // the trace moves away: the old row fades
        for (std::uint64_t s = 6; s < 9; ++s)
            plot->setSnapshot(makeSnapshot(*plot, {[](double) { return -0.5; }}, s));
        QVERIFY(alphaAt(x, y) < five / 4);
        QVERIFY(alphaAt(x, rowOf(*plot, -0.5)) > 0);
        // and it is painted under the live trace
        const QImage img = plot->grab().toImage();
        QVERIFY(img.pixelColor(x, y) != plot->palette().color(QPalette::Base));
        plot->setPersistence(false);
        QVERIFY(plot->persistenceImage().isNull());
    }

    void exportPngAndSvg()
    {
        plot->setSnapshot(makeSnapshot(*plot, {[](double t) { return std::sin(t * 6283.0); }}));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath("plot.png");
        QVERIFY(plot->exportPng(png));
        QImage img;
        QVERIFY(img.load(png, "PNG"));
        QCOMPARE(img.size(), plot->size());
        const QString svg = dir.filePath("plot.svg");
        QVERIFY(plot->exportSvg(svg));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.viewBox(), plot->rect());
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("200 µs/div"));  // labels are text, not pixels
        QVERIFY(!plot->exportPng(dir.filePath("no/such/dir/x.png")));
    }
};

QTEST_MAIN(TstTimePlot)
#include "tst_time_plot.moc"

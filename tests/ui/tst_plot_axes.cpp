// Axis ticks: 1-2-5 multiples on linear axes, 1-2-5 per decade on log axes (decades only when
// crowded); labels that would touch give way (minors first); marker labels are placed clear of
// each other and of the text already drawn; and the frame paints its grid where the axes say.
#include "dmascope/ui/plot_axes.h"

#include <QImage>
#include <QPainter>
#include <QTest>

using namespace dmascope::ui;

class TstPlotAxes : public QObject
{
    Q_OBJECT
private slots:
    void linear()
    {
        const auto t = linearTicks(-0.25, 1.0, 0.5);
        QCOMPARE(t.size(), std::size_t(3));
        QCOMPARE(t[0].value, 0.0);
        QCOMPARE(t[2].value, 1.0); // the end point is kept
        QVERIFY(linearTicks(1, 0, 0.1).empty());
        QVERIFY(linearTicks(0, 1, 0).empty());
        QVERIFY(linearTicks(0, 1e9, 1).empty()); // absurd counts are refused, not drawn
    }

    void logarithmic()
    {
        const auto t = logTicks(15, 1200);
        std::vector<double> v;
        for (const AxisTick &x : t)
            v.push_back(x.value);
        QCOMPARE(v, (std::vector<double>{20, 50, 100, 200, 500, 1000}));
        QVERIFY(t[2].major && !t[3].major);
        const auto crowded = logTicks(1, 1e15, 30);
        QCOMPARE(crowded.size(), std::size_t(16));
        QVERIFY(logTicks(0, 10).empty());
    }

    void labelsThatWouldTouchGiveWay()
    {
        // A narrow decade: 1, 2, 5, 10 at 0, 9, 21, 30 px, labels 20 px wide. The decades are
        // labelled, the 2 and 5 between them have no room.
        const std::vector<AxisTick> ticks{{1, true}, {2, false}, {5, false}, {10, true}};
        QCOMPARE(fittingLabels(ticks, {0, 9, 21, 30}, {20, 20, 20, 20}),
                 (std::vector<bool>{true, false, false, true}));
        // A wide one has room for all; unlabelled ticks (width 0) take none.
        QCOMPARE(fittingLabels(ticks, {0, 60, 150, 200}, {20, 20, 20, 20}),
                 (std::vector<bool>{true, true, true, true}));
        QCOMPARE(fittingLabels(ticks, {0, 60, 150, 200}, {20, 0, 20, 20}),
                 (std::vector<bool>{true, false, true, true}));
        // Majors that touch: the first one placed keeps its place.
        QCOMPARE(fittingLabels({{1, true}, {10, true}}, {0, 10}, {20, 20}),
                 (std::vector<bool>{true, false}));
    }

    void markerLabelsStayClearOfEachOther()
    {
        const QRectF bounds(0, 0, 200, 100);
        // Two markers on one peak: the second label goes up a label's height.
        auto r = placeLabels({QRectF(50, 40, 28, 14), QRectF(52, 40, 28, 14)}, {}, bounds);
        QCOMPARE(r[0], QRectF(50, 40, 28, 14));
        QCOMPARE(r[1], QRectF(52, 26, 28, 14));
        // At the top edge, under the Ref line: inside the bounds, then down, clear of the text.
        r = placeLabels({QRectF(10, -10, 28, 14)}, {QRectF(0, 0, 120, 12)}, bounds);
        QCOMPARE(r[0], QRectF(10, 14, 28, 14));
        // Over the left edge (a marker at the first bin): moved inside.
        r = placeLabels({QRectF(-10, 40, 28, 14)}, {}, bounds);
        QCOMPARE(r[0], QRectF(0, 40, 28, 14));
        // Nowhere free: it keeps its (clamped) place rather than vanish.
        r = placeLabels({QRectF(10, 0, 28, 14)}, {bounds}, bounds);
        QCOMPARE(r[0], QRectF(10, 0, 28, 14));
    }

    void frameDrawsGridLines()
    {
        QImage img(200, 100, QImage::Format_RGB32);
        QPainter p(&img);
        const QRect area(40, 10, 150, 70);
        FrameAxis x{{{0.5, true}}, [&](double v) { return area.left() + v * area.width(); }, {}};
        FrameAxis y{{}, [](double v) { return v; }, {}};
        PlotStyle style;
        style.grid = QColor(255, 0, 0);
        paintPlotFrame(p, img.rect(), area, x, y, style);
        p.end();
        const int gx = area.left() + 75;
        int red = 0;
        for (int yy = area.top() + 1; yy < area.bottom(); ++yy)
            red += QColor(img.pixel(gx, yy)) == QColor(255, 0, 0);
        QVERIFY(red > 10); // a dotted line
        QCOMPARE(QColor(img.pixel(gx + 3, area.top() + 5)), style.area);
        QCOMPARE(QColor(img.pixel(5, 5)), style.background);
    }
};

QTEST_MAIN(TstPlotAxes)
#include "tst_plot_axes.moc"

// writeCsv: samples when the plot shows them, the per-column envelope otherwise, values mapped
// back to each channel's units, columns without data left out.
#include "scope_csv.h"

#include <QTest>
#include <QTextStream>

using namespace dmascope;
using namespace dmascope::scope;

class TstScopeCsv : public QObject
{
    Q_OBJECT

private slots:
    void writesTheEnvelopePerColumn()
    {
        ui::PlotSnapshot s;
        s.t0 = -2e-3;
        s.dt = 1e-3;
        s.columns = 4;
        ui::PlotTrace a;
        a.min = {ui::PlotSnapshot::kNoData, -1.0f, 0.0f, 0.5f};
        a.max = {ui::PlotSnapshot::kNoData, 1.0f, 0.25f, 0.5f};
        s.traces = {a};
        QString text;
        QTextStream out(&text);
        const std::size_t rows = writeCsv(s, {{QStringLiteral("CH1"), QStringLiteral("V"), 2.0, 0.1}}, out);
        out.flush();
        QCOMPARE(rows, 3u);
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines[0].startsWith(QLatin1Char('#')));
        QCOMPARE(lines[1], QStringLiteral("time_s,CH1_min_V,CH1_max_V"));
        QCOMPARE(lines[2], QStringLiteral("-0.0005,-1.9,2.1")); // column 1 centre, x*2+0.1
        QCOMPARE(lines[3], QStringLiteral("0.0005,0.1,0.6"));
        QCOMPARE(lines[4], QStringLiteral("0.0015,1.1,1.1"));
    }

    void writesSamplesWhenZoomedIn()
    {
        ui::PlotSnapshot s;
        s.columns = 100;
        s.dt = 1e-7;
        ui::PlotTrace a, b;
        a.samples = {0.0f, 1.0f, 2.0f};
        b.samples = {3.0f, 4.0f};
        a.sampleT0 = b.sampleT0 = -1e-6;
        a.sampleDt = b.sampleDt = 1e-6;
        s.traces = {a, b};
        QString text;
        QTextStream out(&text);
        const std::size_t rows = writeCsv(
            s, {{QStringLiteral("CH1"), QStringLiteral("V"), 1.0, 0.0},
                {QStringLiteral("CH2"), QStringLiteral("V"), 0.5, 0.0}}, out);
        out.flush();
        QCOMPARE(rows, 3u);
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines[1], QStringLiteral("time_s,CH1_V,CH2_V"));
        QCOMPARE(lines[2], QStringLiteral("-1e-06,0,1.5"));
        QCOMPARE(lines[3], QStringLiteral("0,1,2"));
        QCOMPARE(lines[4], QStringLiteral("1e-06,2,")); // CH2 has no third sample
    }
};

QTEST_GUILESS_MAIN(TstScopeCsv)
#include "tst_scope_csv.moc"

// Spectrum CSV: header with trace labels and unit, one row per bin in the requested range,
// empty cells for traces without data, labels that cannot break the columns.
#include "spectrum_csv.h"

#include <QTest>

using namespace dmascope;

class TstSpectrumCsv : public QObject
{
    Q_OBJECT
private slots:
    void writesBins()
    {
        ui::SpectrumSnapshot s;
        s.bins = 5;
        s.f0 = -2;
        s.df = 0.5;
        s.unit = QStringLiteral("dBV");
        s.traces.push_back({QStringLiteral("CH1, \"a\""), {-10, -20, -30, -40, -50}});
        s.traces.push_back({QStringLiteral("CH2"), {1, 2, NAN, 4, 5}});
        QString text;
        QTextStream out(&text);
        QCOMPARE(spectrum::writeSpectrumCsv(s, out, 1, 3), std::size_t(3));
        out.flush();
        const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0], QStringLiteral("frequency_hz,CH1  'a' (dBV),CH2 (dBV)"));
        QCOMPARE(lines[1], QStringLiteral("-1.5,-20,2"));
        QCOMPARE(lines[2], QStringLiteral("-1,-30,"));
        QCOMPARE(lines[3], QStringLiteral("-0.5,-40,4"));
        QString all;
        QTextStream out2(&all);
        QCOMPARE(spectrum::writeSpectrumCsv(s, out2), std::size_t(5)); // clamped to the data
        ui::SpectrumSnapshot empty;
        QCOMPARE(spectrum::writeSpectrumCsv(empty, out2), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TstSpectrumCsv)
#include "tst_spectrum_csv.moc"

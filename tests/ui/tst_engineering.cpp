#include "dmascope/ui/engineering.h"

#include <QTest>

using namespace dmascope::ui;

class TstEngineering : public QObject
{
    Q_OBJECT
private slots:
    void steps_data()
    {
        QTest::addColumn<double>("minimum");
        QTest::addColumn<double>("step");
        QTest::newRow("exact 1") << 1.0 << 1.0;
        QTest::newRow("exact 0.2") << 0.2 << 0.2;
        QTest::newRow("1.1 -> 2") << 1.1 << 2.0;
        QTest::newRow("2.01 -> 5") << 2.01 << 5.0;
        QTest::newRow("5.5 -> 10") << 5.5 << 10.0;
        QTest::newRow("180 us -> 200 us") << 180e-6 << 200e-6;
        QTest::newRow("3e7 -> 5e7") << 3e7 << 5e7;
    }
    void steps()
    {
        QFETCH(double, minimum);
        QFETCH(double, step);
        QVERIFY(qFuzzyCompare(niceStep125(minimum), step));
    }

    void format_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("text");
        QTest::newRow("200 µs") << 2e-4 << "s" << QStringLiteral("200 µs");
        QTest::newRow("50 mV") << 0.05 << "V" << "50 mV";
        QTest::newRow("-1.5 V") << -1.5 << "V" << "-1.5 V";
        QTest::newRow("zero") << 0.0 << "V" << "0 V";
        QTest::newRow("12.3 MHz") << 12.3e6 << "Hz" << "12.3 MHz";
        QTest::newRow("rounds up a prefix") << 0.99996 << "V" << "1 V";
        QTest::newRow("1 ns") << 1e-9 << "s" << "1 ns";
        QTest::newRow("2.5 ks") << 2500.0 << "s" << "2.5 ks";
    }
    void format()
    {
        QFETCH(double, value);
        QFETCH(QString, unit);
        QFETCH(QString, text);
        QCOMPARE(formatEngineering(value, unit), text);
    }
};

QTEST_APPLESS_MAIN(TstEngineering)
#include "tst_engineering.moc"

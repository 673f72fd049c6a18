// describeAcquisition: what the status bar says about a stream, fallbacks spelled out.
#include "acquisition_status.h"

#include "dmascope/stream.h"

#include <QTest>

using dmascope::StreamState;
using dmascope::StreamStats;
using dmascope::app::describeAcquisition;
using dmascope::app::formatRate;

class TstAcquisitionStatus : public QObject
{
    Q_OBJECT

    static StreamStats running(const char *path, const char *reason = "")
    {
        StreamStats s;
        s.state = StreamState::Running;
        s.path = path;
        s.fallbackReason = reason;
        s.samplesPerSecond = 1e6;
        s.megabytesPerSecond = 8.0;
        return s;
    }

private slots:
    void formatsRatesWithSiPrefixes()
    {
        QCOMPARE(formatRate(1e6, QStringLiteral("S/s")), QStringLiteral("1.00 MS/s"));
        QCOMPARE(formatRate(48e3, QStringLiteral("S/s")), QStringLiteral("48.0 kS/s"));
        QCOMPARE(formatRate(250e6, QStringLiteral("B/s")), QStringLiteral("250 MB/s"));
        QCOMPARE(formatRate(12, QStringLiteral("S/s")), QStringLiteral("12 S/s"));
        QCOMPARE(formatRate(0, QStringLiteral("S/s")), QStringLiteral("0 S/s"));
        // just under a prefix step: the next prefix, never "1000 kS/s"
        QCOMPARE(formatRate(999'999.7, QStringLiteral("S/s")), QStringLiteral("1.00 MS/s"));
        QCOMPARE(formatRate(999.6, QStringLiteral("S/s")), QStringLiteral("1.00 kS/s"));
        QCOMPARE(formatRate(999'400.0, QStringLiteral("S/s")), QStringLiteral("999 kS/s"));
    }

    void demoPath()
    {
        const auto s = describeAcquisition(running("sim"));
        QCOMPARE(s.path, QStringLiteral("demo"));
        QCOMPARE(s.rate, QStringLiteral("1.00 MS/s"));
        QCOMPARE(s.throughput, QStringLiteral("8.00 MB/s"));
        QCOMPARE(s.overruns, QStringLiteral("overruns: 0"));
        QVERIFY(!s.problem);
    }

    void dmabufPaths()
    {
        QCOMPARE(describeAcquisition(running("dmabuf-heap")).path, QStringLiteral("DMABUF (dma-heap)"));
        const auto u = describeAcquisition(running("dmabuf-udmabuf", "no /dev/dma_heap/system"));
        QCOMPARE(u.path, QStringLiteral("DMABUF (udmabuf)"));
        QVERIFY(u.problem); // a fallback, even a zero-copy one, is flagged
    }

    void readFallbackNamesItsReason()
    {
        const auto s = describeAcquisition(running("fileio", "DMABUF attach: EPERM"));
        QCOMPARE(s.path, QStringLiteral("read() fallback: DMABUF attach: EPERM"));
        QVERIFY(s.problem);
        QCOMPARE(describeAcquisition(running("fileio")).path, QStringLiteral("read()"));
    }

    void remoteAndFailure()
    {
        QCOMPARE(describeAcquisition(running("remote")).path, QStringLiteral("remote"));
        StreamStats f = running("dmabuf-heap");
        f.state = StreamState::Failed;
        f.error = "device unplugged";
        const auto s = describeAcquisition(f);
        QCOMPARE(s.path, QStringLiteral("failed: device unplugged"));
        QVERIFY(s.problem);
    }

    void overrunsAreAProblem()
    {
        StreamStats s = running("sim");
        s.overruns = 3;
        const auto d = describeAcquisition(s);
        QCOMPARE(d.overruns, QStringLiteral("overruns: 3"));
        QVERIFY(d.problem);
    }

    void notStartedYet()
    {
        StreamStats s;
        QCOMPARE(describeAcquisition(s).path, QStringLiteral("starting…"));
    }
};

QTEST_GUILESS_MAIN(TstAcquisitionStatus)
#include "tst_acquisition_status.moc"

// The status bar's view of a stream: sample rate, throughput, overruns and the acquisition path
// (DMABUF, the read() fallback with its reason, remote, demo). Every fallback is spelled out,
// never silent (ARCHITECTURE §3).
#pragma once

#include <QString>

namespace dmascope {
struct StreamStats;
}

namespace dmascope::app {

struct AcquisitionStatus
{
    QString rate;       // "1.00 MS/s"
    QString throughput; // "4.00 MB/s"
    QString overruns;   // "overruns: 0"
    QString path;       // "DMABUF (dma-heap)", "read() fallback: ...", "remote", "demo"
    bool problem = false; // overruns, a fallback or a failure: the status bar highlights it
};

AcquisitionStatus describeAcquisition(const StreamStats &stats);

// "1.00 MS/s", "48.0 kS/s", "12 S/s": three significant digits with an SI prefix.
QString formatRate(double samplesPerSecond, const QString &unit);

} // namespace dmascope::app

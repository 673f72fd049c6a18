#include "acquisition_status.h"

#include "dmascope/stream.h"

#include <cmath>

namespace dmascope::app {

QString formatRate(double value, const QString &unit)
{
    static const struct { double scale; const char *prefix; } kPrefixes[] = {
        {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
    for (const auto &p : kPrefixes) {
        if (std::abs(value) >= p.scale || p.scale == 1) {
            const double v = value / p.scale;
            const int decimals = std::abs(v) >= 100 ? 0 : std::abs(v) >= 10 ? 1 : 2;
            return QStringLiteral("%1 %2%3")
                .arg(QString::number(v, 'f', p.scale == 1 && v == std::floor(v) ? 0 : decimals),
                     QLatin1String(p.prefix), unit);
        }
    }
    return {};
}

AcquisitionStatus describeAcquisition(const StreamStats &stats)
{
    AcquisitionStatus s;
    s.rate = formatRate(stats.samplesPerSecond, QStringLiteral("S/s"));
    s.throughput = formatRate(stats.megabytesPerSecond * 1e6, QStringLiteral("B/s"));
    s.overruns = QStringLiteral("overruns: %1").arg(stats.overruns);
    s.problem = stats.overruns > 0;

    const QString path = QString::fromStdString(stats.path);
    const QString reason = QString::fromStdString(stats.fallbackReason);
    if (stats.state == StreamState::Failed) {
        s.path = QStringLiteral("failed: %1").arg(QString::fromStdString(stats.error));
        s.problem = true;
    } else if (path == QLatin1String("sim")) {
        s.path = QStringLiteral("demo");
    } else if (path == QLatin1String("dmabuf-heap")) {
        s.path = QStringLiteral("DMABUF (dma-heap)");
    } else if (path == QLatin1String("dmabuf-udmabuf")) {
        s.path = QStringLiteral("DMABUF (udmabuf)");
    } else if (path == QLatin1String("fileio")) {
        s.path = reason.isEmpty() ? QStringLiteral("read()")
                                  : QStringLiteral("read() fallback: %1").arg(reason);
    } else if (path.isEmpty()) {
        s.path = stats.state == StreamState::Idle ? QStringLiteral("starting…")
                                                   : QStringLiteral("stopped");
    } else {
        s.path = path; // "remote", "playback" read well as they are
    }
    // A DMABUF path reached by falling back (heap refused, udmabuf used) is worth a look too.
    if (!reason.isEmpty())
        s.problem = true;
    return s;
}

} // namespace dmascope::app

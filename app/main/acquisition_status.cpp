#include "acquisition_status.h"

#include "dmascope/stream.h"

#include <cmath>
#include <iterator>

namespace dmascope::app {

QString formatRate(double value, const QString &unit)
{
    static const struct { double scale; const char *prefix; } kPrefixes[] = {
        {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
    constexpr int kCount = static_cast<int>(std::size(kPrefixes));
    int k = 0; // the largest prefix with a mantissa >= 1
    while (k < kCount - 1 && std::abs(value) < kPrefixes[k].scale)
        ++k;
    const auto decimalsFor = [](double v) { return std::abs(v) >= 100 ? 0 : std::abs(v) >= 10 ? 1 : 2; };
    double v = value / kPrefixes[k].scale;
    // 999.9996e3 would print as "1000 k": one prefix up instead ("1.00 M").
    const double shown = std::round(std::abs(v) * std::pow(10.0, decimalsFor(v))) / std::pow(10.0, decimalsFor(v));
    if (shown >= 1000 && k > 0) {
        --k;
        v = value / kPrefixes[k].scale;
    }
    const bool whole = kPrefixes[k].scale == 1 && v == std::floor(v);
    return QStringLiteral("%1 %2%3")
        .arg(QString::number(v, 'f', whole ? 0 : decimalsFor(v)), QLatin1String(kPrefixes[k].prefix), unit);
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

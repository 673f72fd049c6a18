// What a time plot paints: per channel and per pixel column the min/max in physical units, for
// one time window. Built off the GUI thread (SnapshotProducer) and handed over as an immutable
// shared_ptr, so the GUI thread only maps columns to pixels.
#pragma once

#include <QString>

#include <cstdint>
#include <limits>
#include <vector>

namespace dmascope::ui {

// A rectangle of the (time, value) plane: time in seconds relative to the trigger point.
struct ViewRange
{
    double t0 = -1e-3;
    double t1 = 1e-3;
    double v0 = -1.0;
    double v1 = 1.0;

    friend bool operator==(const ViewRange &, const ViewRange &) = default;
};

struct PlotTrace
{
    QString label;
    QString unit = QStringLiteral("V");
    // Column c covers [t0 + c*dt, t0 + (c+1)*dt); NaN in min marks a column without data.
    std::vector<float> min;
    std::vector<float> max;
    // When zoomed in below ~2 samples per column: the individual samples (drawn as a polyline
    // with dots), sample i at time sampleT0 + i * sampleDt. Empty otherwise.
    std::vector<float> samples;
    double sampleT0 = 0.0;
    double sampleDt = 0.0;
};

struct PlotSnapshot
{
    std::uint64_t sequence = 0; // increases with every capture (not with view-only rebuilds)
    double t0 = 0.0;            // left edge of column 0, seconds from the trigger
    double dt = 0.0;            // seconds per column
    int columns = 0;
    double recordT0 = 0.0; // time span of the whole captured record (for "fit")
    double recordT1 = 0.0;
    bool forced = false; // auto trigger timed out: the capture is free-running
    std::vector<PlotTrace> traces;

    static constexpr float kNoData = std::numeric_limits<float>::quiet_NaN();
    double columnTime(int c) const { return t0 + (c + 0.5) * dt; }
    // Column containing time t, or -1.
    int columnAt(double t) const
    {
        if (dt <= 0.0 || t < t0)
            return -1;
        const auto c = static_cast<long long>((t - t0) / dt);
        return c < columns ? static_cast<int>(c) : -1;
    }
};

} // namespace dmascope::ui

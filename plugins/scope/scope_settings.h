// The oscilloscope's user settings and how they turn into the snapshot producer's configuration.
// Plain values with JSON round-tripping (saved with the session), no widgets, so the mapping is
// tested on its own.
//
// Per-channel V/div and offset: the plot's value axis is in divisions (8 of them, -4..4), and
// each channel's calibration maps its volts onto divisions (v / voltsPerDiv + offsetDivs), as a
// bench scope's screen does. The trigger level is entered in volts and converted the same way.
#pragma once

#include "dmascope/dsp/trigger.h"
#include "dmascope/ui/plot_snapshot.h"
#include "dmascope/ui/snapshot_producer.h"

#include <QColor>
#include <QJsonObject>

#include <cstddef>
#include <vector>

namespace dmascope {
struct ScanLayout;
struct ChannelLayout;
} // namespace dmascope

namespace dmascope::scope {

inline constexpr double kTimeDivisions = 10;
inline constexpr double kValueDivisions = 8;
inline constexpr std::size_t kMaxRecordLength = std::size_t{16} << 20; // 16M samples/channel
inline constexpr std::size_t kMinRecordLength = 1000;

struct ChannelSettings
{
    bool enabled = true;
    QColor color;             // invalid: the plot's default colour for the channel
    double voltsPerDiv = 0.5; // physical units per division
    double offsetDivs = 0.0;  // trace position, in divisions
};

struct ScopeSettings
{
    double timePerDiv = 1e-3;     // seconds per division
    std::size_t recordLength = 0; // samples per channel; 0: what the screen shows (auto)
    double triggerPosition = 0.5; // fraction of the record before the trigger point
    int triggerChannel = 0;       // index into the stream layout's channels
    dsp::Edge edge = dsp::Edge::Rising;
    double triggerLevel = 0.0;    // physical units (V)
    double hysteresis = 0.02;     // physical units (V)
    double holdoff = 0.0;         // seconds
    dsp::TriggerMode mode = dsp::TriggerMode::Auto;
    std::vector<ChannelSettings> channels; // by layout index; missing entries use defaults

    ChannelSettings channel(std::size_t index) const;
    QJsonObject toJson() const;
    // Unknown or malformed fields keep their defaults: old sessions always restore.
    static ScopeSettings fromJson(const QJsonObject &json);
};

// The channel's unit after scale/offset: IIO voltage channels are in millivolts, shown as volts.
double unitScale(const ChannelLayout &channel);

// Samples per channel for one capture: the chosen record length, or (auto) enough to fill the
// screen, clamped to kMinRecordLength..kMaxRecordLength.
std::size_t effectiveRecordLength(const ScopeSettings &settings, double sampleRate);

// The time window the plot shows: timebase x 10 divisions, trigger at triggerPosition.
ui::ViewRange viewFor(const ScopeSettings &settings);

// Producer channels are the enabled ones (the trigger source is forced on); `shown` receives
// the layout index of each producer channel. Returns false when the layout has no usable channel.
bool makeProducerConfig(const ScanLayout &layout, double sampleRate,
                        const ScopeSettings &settings, ui::ProducerConfig *out,
                        std::vector<std::size_t> *shown);

} // namespace dmascope::scope

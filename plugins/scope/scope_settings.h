// The oscilloscope's user settings and how they turn into the snapshot producer's configuration.
// Plain values with JSON round-tripping (saved with the session), no widgets, so the mapping is
// tested on its own.
//
// Per-channel V/div and offset: the screen has 8 vertical divisions and each channel is drawn at
// its own V/div and offset, as on a bench scope. Snapshots, measurements, cursor values and the
// trigger level stay in each channel's volts; the plot maps every trace onto its one grid
// through a ui::TraceAxis (display = (v / vdiv + offset - refOffset) * refVdiv), labelled in the
// volts of the reference channel (the first one shown) and with each channel's own V/div.
#pragma once

#include "dmascope/dsp/trigger.h"
#include "dmascope/ui/plot_snapshot.h"
#include "dmascope/ui/snapshot_producer.h"
#include "dmascope/ui/time_plot.h"

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

    // Display: intensity-graded persistence, cursors (time in s from the trigger, values in the
    // reference channel's volts), and autoscale that follows the signal.
    bool persistence = false;
    double persistenceDecay = 0.85; // fraction kept per capture, 0..0.99
    bool autoscale = false;
    bool timeCursors = false;
    double timeCursor1 = 0.0, timeCursor2 = 0.0;
    bool valueCursors = false;
    double valueCursor1 = 0.0, valueCursor2 = 0.0;

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

// The channel whose volts label the value axis: the first enabled one that can be plotted, the
// trigger source when none is enabled.
std::size_t referenceChannel(const ScanLayout &layout, const ScopeSettings &settings);

// Channel `ch`'s physical value <-> the plot's value axis (see the top of this file).
double toDisplay(const ScopeSettings &s, std::size_t ch, std::size_t reference, double value);
double fromDisplay(const ScopeSettings &s, std::size_t ch, std::size_t reference, double display);

// The window the plot shows: timebase x 10 divisions with the trigger at triggerPosition, and
// 8 divisions of the reference channel, its zero `offsetDivs` divisions above the centre.
ui::ViewRange viewFor(const ScopeSettings &settings, std::size_t reference = 0);

// How channel `ch` is drawn on the plot's axis (see the top of this file).
ui::TraceAxis traceAxisFor(const ScopeSettings &s, std::size_t ch, std::size_t reference);

// Autoscale of one channel from its measured min/max: the V/div (1-2-5) and offset that put the
// signal over about 6 of the 8 divisions, centred. False (nothing changed) when the channel
// already shows it well and `force` is false: inside the screen and over at least 2 divisions.
bool autoscaleChannel(ChannelSettings *channel, double min, double max, bool force);

// The timebase (1-2-5 s/div) that shows about 3 periods of a signal at `frequency` Hz.
double timebaseForFrequency(double frequency);

// Producer channels are the enabled ones (the trigger source is forced on); `shown` receives
// the layout index of each producer channel. Returns false when the layout has no usable channel.
bool makeProducerConfig(const ScanLayout &layout, double sampleRate,
                        const ScopeSettings &settings, ui::ProducerConfig *out,
                        std::vector<std::size_t> *shown);

} // namespace dmascope::scope

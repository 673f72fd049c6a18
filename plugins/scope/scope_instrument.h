// The Oscilloscope instrument: run/stop/single, timebase and record length, per-channel
// enable/colour/V-div/offset, edge trigger, measurements over the whole record with statistics,
// persistence, cursors, autoscale, CSV/PNG/SVG export.
//
// Data path (nothing of it on the GUI thread): stream -> lossy subscription -> ScopeFeeder
// thread -> SnapshotProducer worker (trigger with sub-sample alignment, min/max pyramids,
// measurements of a capture a few times a second) -> FramePacer (at most one snapshot per frame)
// -> TimePlot. The GUI thread only changes settings, paints the newest snapshot and, every
// 200 ms, picks up the newest measured capture for the table and its statistics.
#pragma once

#include "scope_settings.h"

#include "dmascope/dsp/measurements.h"
#include "dmascope/plugin/instrument.h"

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QSpinBox;
class QTableWidget;
class QToolButton;
class QPushButton;

namespace dmascope {
class Stream;
class Subscription;
struct ScanLayout;
} // namespace dmascope

namespace dmascope::plugin {
class InstrumentHost;
}

namespace dmascope::ui {
class FramePacer;
class SnapshotProducer;
class TimePlot;
struct RecordMeasurements;
} // namespace dmascope::ui

namespace dmascope::scope {

class ScopeFeeder;

class ScopeInstrument final : public plugin::Instrument
{
    Q_OBJECT

public:
    ScopeInstrument(plugin::InstrumentHost &host, const plugin::DeviceDescription &device,
                    QWidget *parent = nullptr);
    ~ScopeInstrument() override;

    QJsonObject saveState() const override;
    void restoreState(const QJsonObject &state) override;

    const ScopeSettings &settings() const noexcept { return settings_; }
    void setSettings(const ScopeSettings &settings);
    bool running() const;
    // Single mode and its capture has arrived: the display holds it until Run or Single.
    bool singleCaptured() const;
    void setRunning(bool running);
    void single();

    ui::TimePlot *plot() const noexcept { return plot_; }
    // Writes what the plot shows; false (and the reason in the status bar) on failure.
    bool exportCsv(const QString &path);

    // V/div and offset of every shown channel (and the timebase, when the trigger channel has a
    // frequency) from the newest measurements. False when nothing has been measured yet.
    bool autoscaleNow();
    // The cursor panel's text (also shown in the plot): Δt, 1/Δt, ΔV and each channel at t1/t2.
    QString cursorText() const;
    // Statistics so far for channel `channel` (layout index).
    const dsp::MeasurementStats *statistics(std::size_t channel) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    QWidget *buildHorizontalGroup();
    QWidget *buildTriggerGroup();
    QWidget *buildMeasurementGroup();
    QWidget *buildDisplayGroup();
    void applyDisplay();
    void updateCursorPanel();
    bool autoscaleChannels(bool force);
    void rebuildChannelRows();
    void syncControls();
    void applyConfig();
    void onLayout(std::shared_ptr<const ScanLayout> layout);
    void onMeasured(const ui::RecordMeasurements &results);
    void updateTriggerStatus();
    double sampleRate() const;
    QColor channelColor(std::size_t index) const;
    QString channelName(std::size_t index) const;

    plugin::InstrumentHost &host_;
    ScopeSettings settings_;
    std::shared_ptr<Stream> stream_;
    std::shared_ptr<Subscription> subscription_;
    std::shared_ptr<const ScanLayout> layout_;
    std::vector<std::size_t> shown_; // layout index of each plotted trace
    std::size_t reference_ = 0;      // layout index of the channel labelling the value axis
    std::vector<dsp::MeasurementStats> stats_; // by layout index
    std::vector<std::optional<dsp::Measurements>> latest_; // by layout index
    std::uint64_t measuredSequence_ = 0;
    double measuredRate_ = 0.0;
    bool syncing_ = false; // controls are being set from settings_: ignore their signals
    // The mode before Single was pressed: Run goes back to it, as on a bench scope.
    dsp::TriggerMode modeBeforeSingle_ = dsp::TriggerMode::Auto;
    std::uint64_t singleArmedAfter_ = 0; // the capture shown when Single was armed

    ui::SnapshotProducer *producer_ = nullptr;
    ui::TimePlot *plot_ = nullptr;
    ui::FramePacer *pacer_ = nullptr;
    std::unique_ptr<ScopeFeeder> feeder_;

    QAction *runAction_ = nullptr;
    QLabel *triggerStatus_ = nullptr;
    QComboBox *timebase_ = nullptr;
    QComboBox *recordLength_ = nullptr;
    QSpinBox *triggerPosition_ = nullptr;
    QGridLayout *channelGrid_ = nullptr;
    QWidget *channelBox_ = nullptr;
    QComboBox *triggerSource_ = nullptr;
    QComboBox *edge_ = nullptr;
    QDoubleSpinBox *level_ = nullptr;
    QDoubleSpinBox *hysteresis_ = nullptr;
    QDoubleSpinBox *holdoff_ = nullptr;
    QComboBox *mode_ = nullptr;
    QTableWidget *measurements_ = nullptr;
    QLabel *measuredSpan_ = nullptr;
    QAction *persistenceAction_ = nullptr;
    QAction *timeCursorsAction_ = nullptr;
    QAction *valueCursorsAction_ = nullptr;
    QAction *followAction_ = nullptr;
    QDoubleSpinBox *decay_ = nullptr;
    QLabel *cursorPanel_ = nullptr;
};

} // namespace dmascope::scope

// The Spectrum analyzer instrument: FFT size (256 .. 16M), window (+ Kaiser beta), averaging,
// overlap, units, channel selection including an I/Q pair, the spectrum plot with a waterfall
// below it, up to 8 markers with readouts, single-tone measurements (SNR, SFDR, THD, SINAD,
// ENOB, noise floor; docs/spectrum.md), CSV export of the spectrum and PNG/SVG of the view.
//
// Data path (nothing of it on the GUI thread): stream -> lossy subscription -> SpectrumFeeder
// thread (conversion from the mapped block, FFTs, averaging, snapshot in the display unit) ->
// FramePacer (at most one snapshot per screen frame) -> SpectrumPlot and one Waterfall row.
// The GUI thread changes settings, reduces the newest snapshot to pixel columns and paints.
#pragma once

#include "spectrum_feeder.h"
#include "spectrum_settings.h"

#include "dmascope/plugin/instrument.h"

#include <memory>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QSpinBox;
class QTableWidget;

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
class SpectrumPlot;
class Waterfall;
} // namespace dmascope::ui

namespace dmascope::spectrum {

class SpectrumInstrument final : public plugin::Instrument
{
    Q_OBJECT

public:
    SpectrumInstrument(plugin::InstrumentHost &host, const plugin::DeviceDescription &device,
                       QWidget *parent = nullptr);
    ~SpectrumInstrument() override;

    QJsonObject saveState() const override;
    void restoreState(const QJsonObject &state) override;

    const SpectrumSettings &settings() const noexcept { return settings_; }
    void setSettings(const SpectrumSettings &settings);
    bool running() const;
    void setRunning(bool running);

    ui::SpectrumPlot *plot() const noexcept { return plot_; }
    ui::Waterfall *waterfall() const noexcept { return waterfall_; }
    SpectrumFeeder *feeder() const noexcept { return feeder_.get(); }
    // The newest single-tone figures, by trace (empty until measured).
    const std::vector<TraceMetrics> &metrics() const noexcept { return metrics_; }
    // Writes the spectrum shown; false (and the reason in the status bar) on failure.
    bool exportCsv(const QString &path);

private:
    void buildUi();
    QWidget *buildFftGroup();
    QWidget *buildDisplayGroup();
    QWidget *buildMarkerGroup();
    QWidget *buildMeasurementGroup();
    void rebuildChannelRows();
    void syncControls();
    void applyConfig();
    void applyDisplay();
    void readFftControls();
    void onLayout(std::shared_ptr<const ScanLayout> layout);
    void onMeasured(const std::vector<TraceMetrics> &results);
    void updateMarkerTable();
    bool deliver();
    double sampleRate() const;

    plugin::InstrumentHost &host_;
    SpectrumSettings settings_;
    std::shared_ptr<Stream> stream_;
    std::shared_ptr<Subscription> subscription_;
    std::shared_ptr<const ScanLayout> layout_;
    std::vector<TraceSource> traces_;
    std::vector<TraceMetrics> metrics_;
    double measuredRate_ = 0.0;
    QString configText_;            // the status line: size, bins, bin width
    bool acquiringNewSpan_ = false; // the plot still shows the previous size's spectrum
    bool syncing_ = false; // controls are being set from settings_: ignore their signals

    std::unique_ptr<SpectrumFeeder> feeder_;
    ui::SpectrumPlot *plot_ = nullptr;
    ui::Waterfall *waterfall_ = nullptr;
    ui::FramePacer *pacer_ = nullptr;

    QAction *runAction_ = nullptr;
    QLabel *status_ = nullptr;
    QComboBox *fftSize_ = nullptr;
    QComboBox *window_ = nullptr;
    QDoubleSpinBox *kaiserBeta_ = nullptr;
    QComboBox *averaging_ = nullptr;
    QSpinBox *averages_ = nullptr;
    QSpinBox *overlap_ = nullptr;
    QComboBox *unit_ = nullptr;
    QGridLayout *channelGrid_ = nullptr;
    QComboBox *iChannel_ = nullptr;
    QComboBox *qChannel_ = nullptr;
    QDoubleSpinBox *refLevel_ = nullptr;
    QComboBox *dbPerDiv_ = nullptr;
    QCheckBox *logFrequency_ = nullptr;
    QCheckBox *waterfallOn_ = nullptr;
    QDoubleSpinBox *waterfallLow_ = nullptr;
    QDoubleSpinBox *waterfallHigh_ = nullptr;
    QComboBox *markerType_ = nullptr;
    QTableWidget *markerTable_ = nullptr;
    QTableWidget *measurements_ = nullptr;
};

} // namespace dmascope::spectrum

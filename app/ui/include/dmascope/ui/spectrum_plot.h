// The spectrum plot: level against frequency for several traces, with a linear or logarithmic
// frequency axis, a reference level (top of the screen) and dB per division (10 divisions),
// zoom/pan, and up to 8 markers with readouts.
//
// The value axis is in dB. Snapshots in a linear unit (V/sqrt(Hz)) are shown on it as
// 20 log10(value), so the axis is logarithmic in that unit and labelled in it.
//
// Painting follows pixels, not bins: per new snapshot or view change each trace is reduced to
// the maximum per pixel column (a peak detector, so narrow tones never vanish between columns),
// then painted as a polyline. With fewer bins than columns the bins are joined directly.
//
// Markers (MarkerType): Peak sits on the highest bin in view; NextPeak on the next lower peak
// after the marker before it; Fixed stays at its frequency; Delta stays at its frequency and
// reads relative to its reference marker. Peak and NextPeak follow every new snapshot.
//
// Mouse: wheel zooms frequency around the pointer (Ctrl+wheel: dB/div), left drag pans
// frequency and level, Home shows the whole span; a double click puts marker 1 (or the
// selected marker) at that frequency as Fixed.
#pragma once

#include "dmascope/ui/plot_axes.h"
#include "dmascope/ui/spectrum_snapshot.h"
#include "dmascope/ui/ui_export.h"

#include <QColor>
#include <QList>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

namespace dmascope::ui {

struct FrequencyAxis;

enum class MarkerType { Peak, NextPeak, Fixed, Delta };

struct SpectrumMarker
{
    MarkerType type = MarkerType::Peak;
    int trace = 0;
    double frequency = 0; // Fixed and Delta: where it stays
    int reference = 0;    // Delta: index of the marker it reads against
};

struct MarkerReadout
{
    int index = 0;
    MarkerType type = MarkerType::Peak;
    bool valid = false; // false when its trace or peak does not exist
    std::size_t bin = 0;
    double frequency = 0;
    double level = 0;       // in the axis' dB
    double value = 0;       // in the snapshot's unit
    double deltaFrequency = 0; // Delta only: against the reference marker
    double deltaLevel = 0;     // dB
};

class DMASCOPE_UI_EXPORT SpectrumPlot final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kMaxMarkers = 8;
    static constexpr int kLevelDivisions = 10;

    explicit SpectrumPlot(QWidget *parent = nullptr);
    ~SpectrumPlot() override;

    void setSnapshot(std::shared_ptr<const SpectrumSnapshot> snapshot);
    std::shared_ptr<const SpectrumSnapshot> snapshot() const { return snapshot_; }

    // Visible frequencies. Refused (unchanged) when f1 <= f0, or f0 <= 0 on a log axis.
    void setFrequencyRange(double f0, double f1);
    double frequencyStart() const { return f0_; }
    double frequencyStop() const { return f1_; }
    void setLogFrequency(bool on);
    bool logFrequency() const { return logFrequency_; }
    // Shows the snapshot's whole span (positive frequencies only on a log axis).
    void fit();
    void zoomFrequency(double factor, double anchor); // factor < 1 zooms in

    void setReferenceLevel(double db);
    double referenceLevel() const { return refLevel_; }
    void setDbPerDivision(double db);
    double dbPerDivision() const { return dbPerDiv_; }
    double bottomLevel() const { return refLevel_ - dbPerDiv_ * kLevelDivisions; }

    void setChannelColors(const QList<QColor> &colors);
    QColor colorFor(int trace) const;

    // Up to kMaxMarkers; more are ignored.
    void setMarkers(const std::vector<SpectrumMarker> &markers);
    const std::vector<SpectrumMarker> &markers() const { return markers_; }
    QList<MarkerReadout> markerReadouts() const { return readouts_; }

    // Coordinates.
    QRect plotArea() const;
    double xOf(double frequency) const;
    double frequencyAt(double x) const;
    double yOf(double level) const;
    double levelAt(double y) const;

    // Per column of plotArea() the highest level of `trace` (NaN where no bin falls).
    const std::vector<float> &columnLevels(int trace) const;

    bool exportPng(const QString &path);
    bool exportSvg(const QString &path);

signals:
    void frequencyRangeChanged(double f0, double f1);
    void levelRangeChanged(double referenceLevel, double dbPerDivision);
    void markersChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    FrequencyAxis axis() const;
    void paintAll(QPainter &p) const;
    void paintTrace(QPainter &p, int trace) const;
    void paintMarkers(QPainter &p, const QRect &refText) const;
    void reduce() const;
    void updateMarkers();
    void viewWasChanged();

    std::shared_ptr<const SpectrumSnapshot> snapshot_;
    double f0_ = 0, f1_ = 1;
    bool logFrequency_ = false;
    double refLevel_ = 0, dbPerDiv_ = 10;
    QList<QColor> colors_;
    std::vector<SpectrumMarker> markers_;
    QList<MarkerReadout> readouts_;

    // reduce() cache: valid while columnsDirty_ is false.
    mutable std::vector<std::vector<float>> columns_;
    mutable bool columnsDirty_ = true;

    QPoint pressPos_;
    double pressF0_ = 0, pressF1_ = 0, pressRef_ = 0;
    bool dragging_ = false;
};

DMASCOPE_UI_EXPORT QString markerTypeName(MarkerType type);

} // namespace dmascope::ui

// Multi-channel oscilloscope time plot painted from per-column min/max snapshots, so the cost of
// a frame follows the number of pixels, not samples.
//
// Painting is layered: background, grid and axis labels are cached in a pixmap (redrawn only when
// the view, size or palette changes), then the optional persistence image, the traces, and the
// overlays (trigger marker, channel scales and ground markers, cursors and their readout, rubber
// band). Every colour but the traces' comes from the widget's palette, so the plot follows the
// application's dark or light theme; default trace colours are chosen for the palette's base.
//
// Value axes: snapshots hold physical values. Each trace is drawn through its own TraceAxis
// (display = value * gain + bias), which is how a scope gives every channel its own V/div and
// offset on one grid: the left axis is labelled in the units of the axis trace (in its colour),
// and every trace's own scale is written in its colour, with a ground marker at its zero.
//
// Mouse: wheel zooms time around the pointer (Ctrl+wheel: values), left drag pans, Shift+left
// drag or right drag zooms to the rubber band, dragging a cursor line moves it.
// Keys: +/- zoom time, Left/Right pan time by a division, Up/Down pan values, Home fits the
// whole record and autoscales once.
#pragma once

#include "dmascope/ui/abstract_time_plot.h"

#include <QImage>
#include <QPalette>
#include <QPixmap>

#include <array>
#include <optional>
#include <vector>

namespace dmascope::ui {

// How a trace's physical values map onto the plot's value axis: display = value * gain + bias.
struct TraceAxis
{
    double gain = 1.0;
    double bias = 0.0;

    double toDisplay(double value) const { return value * gain + bias; }
    double fromDisplay(double display) const { return (display - bias) / gain; }
    friend bool operator==(const TraceAxis &, const TraceAxis &) = default;
};

struct CursorReadout
{
    double t1 = 0, t2 = 0, deltaT = 0;
    std::optional<double> inverseDeltaT; // 1/|dt|, absent when dt == 0
    double v1 = 0, v2 = 0, deltaV = 0;
    // Per trace: the value at t1 and t2 in the trace's own units (NaN where there is no data).
    QList<double> atT1, atT2;
};

class DMASCOPE_UI_EXPORT TimePlot final : public AbstractTimePlot
{
    Q_OBJECT
public:
    explicit TimePlot(QWidget *parent = nullptr);
    ~TimePlot() override;

    void setSnapshot(std::shared_ptr<const PlotSnapshot> snapshot) override;
    std::shared_ptr<const PlotSnapshot> snapshot() const override { return snapshot_; }
    ViewRange view() const override { return view_; }
    void setView(const ViewRange &view) override;
    int traceColumns() const override { return plotArea().width(); }
    // An invalid colour (or a missing entry) stands for the palette's default for that trace.
    void setChannelColors(const QList<QColor> &colors) override;
    QList<QColor> channelColors() const { return colors_; }
    QColor traceColor(int trace) const;

    // Per trace value mapping (missing entries: identity), and the trace whose units label the
    // value axis and the value cursors.
    void setTraceAxes(const QList<TraceAxis> &axes, int axisTrace = 0);
    TraceAxis traceAxis(int trace) const;
    int axisTrace() const { return axisTrace_; }
    bool exportPng(const QString &path) override;
    bool exportSvg(const QString &path) override;

    // Coordinates: the trace area inside the axis margins, and the mapping of the view onto it.
    QRect plotArea() const;
    QPointF toPixel(double t, double v) const;
    double timeAt(double x) const;
    double valueAt(double y) const;

    // View operations (also bound to mouse and keys).
    void zoomTime(double factor, double anchorTime); // factor < 1 zooms in
    void zoomValue(double factor, double anchorValue);
    void panDivisions(double timeDivs, double valueDivs);
    void zoomToPixels(const QRect &rect);
    void fit(); // the whole record, values autoscaled once
    double timePerDivision() const;
    double valuePerDivision() const;

    // Autoscale: after each new capture, rescale values to the data (1-2-5 steps) when it leaves
    // the view or uses less than a quarter of it.
    void setAutoscale(bool on);
    bool autoscale() const { return autoscale_; }

    // Cursors: two time cursors and two value cursors (values in the axis trace's units). They
    // are dragged with the mouse; cursorsChanged() reports every change.
    void setTimeCursors(bool visible, double t1, double t2);
    void setValueCursors(bool visible, double v1, double v2);
    bool timeCursorsVisible() const { return timeCursors_; }
    bool valueCursorsVisible() const { return valueCursors_; }
    CursorReadout cursorReadout() const;

    // Persistence: each new capture is added into an image that fades by `decay` (0..1) per
    // capture, so frequent trace positions are brighter (intensity grading).
    void setPersistence(bool on, double decay = 0.85);
    bool persistence() const { return persistence_; }
    double persistenceDecay() const { return decay_; }
    // Covers plotArea() (pixel (0, 0) is the trace area's top-left corner).
    const QImage &persistenceImage() const { return persist_; }
    void clearPersistence();

    // Milliseconds the last paintEvent took (GUI-thread cost per frame, for the benchmark).
    double lastPaintMs() const { return lastPaintMs_; }

    // Trace colours in the usual scope order (yellow, cyan, magenta, green, ...): bright ones for
    // a dark palette base, deeper ones that stay readable on a light base.
    static QList<QColor> defaultColors(const QPalette &palette);
    static QList<QColor> defaultColors();
    static bool isDark(const QPalette &palette);

signals:
    void cursorsChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    enum class Drag { None, Pan, Rubber, TimeCursor1, TimeCursor2, ValueCursor1, ValueCursor2 };

    void paintAll(QPainter &p, bool vector);
    void paintGrid(QPainter &p) const;
    void paintTraces(QPainter &p, const PlotSnapshot &s, bool forPersistence) const;
    void paintTrace(QPainter &p, const PlotSnapshot &s, int trace, bool forPersistence) const;
    bool traceSpans(const PlotSnapshot &s, int trace) const;
    void paintRaster();
    void paintOverlays(QPainter &p) const;
    void paintTraceScales(QPainter &p) const;
    void accumulatePersistence();
    void viewWasChanged();
    void applyAutoscale(bool force);
    Drag cursorHit(QPoint pos) const;
    QColor colorFor(int trace) const { return traceColor(trace); }
    QColor gridColor(double weight) const;
    double traceValueAt(const PlotSnapshot &s, int trace, double t) const;

    ViewRange view_;
    std::shared_ptr<const PlotSnapshot> snapshot_;
    std::uint64_t lastSequence_ = UINT64_MAX;
    QList<QColor> colors_;
    QList<TraceAxis> axes_;
    int axisTrace_ = 0;
    QImage grid_;  // background, grid and labels: redrawn only when the view or size changes
    QImage frame_; // the composed frame (raster path), blitted to the widget
    // traceSpans() output: per column of the trace area, rows [top, bottom] (relative)
    mutable std::vector<int> spanTop_, spanBottom_;
    mutable int spanRowMin_ = 0, spanRowMax_ = -1;
    bool gridDirty_ = true;
    qint64 gridPaletteKey_ = 0; // palette().cacheKey() the grid was drawn with
    bool autoscale_ = false;

    bool persistence_ = false;
    double decay_ = 0.85;
    QImage persist_;

    bool timeCursors_ = false;
    bool valueCursors_ = false;
    std::array<double, 2> tc_{0.0, 0.0};
    std::array<double, 2> vc_{0.0, 0.0};

    Drag drag_ = Drag::None;
    QPoint pressPos_;
    QPoint dragPos_;
    ViewRange pressView_;

    double lastPaintMs_ = 0.0;
};

} // namespace dmascope::ui

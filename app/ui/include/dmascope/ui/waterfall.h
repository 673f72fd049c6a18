// The waterfall (spectrogram): one row per spectrum, newest at the top, older rows scrolling
// down; each pixel is the trace's highest level in its frequency column mapped through a colour
// map between a low and a high level. Its frequency columns match the SpectrumPlot's when both
// have the same width and span (same margins, same reduction).
//
// Rows live in a ring image the size of the trace area, so adding a row costs one reduction of
// the spectrum (O(bins)) plus one row of colour lookups, and painting is two image blits: it
// keeps up with one row per screen frame. Changing the span, the size or the log axis clears
// the history (its rows belong to the old mapping); changing the level range recolours only new
// rows.
#pragma once

#include "dmascope/ui/spectrum_snapshot.h"
#include "dmascope/ui/ui_export.h"

#include <QImage>
#include <QWidget>

#include <array>

namespace dmascope::ui {

struct FrequencyAxis;

class DMASCOPE_UI_EXPORT Waterfall final : public QWidget
{
    Q_OBJECT
public:
    explicit Waterfall(QWidget *parent = nullptr);
    ~Waterfall() override;

    // Adds the spectrum of `trace` as the newest row.
    void addSpectrum(const SpectrumSnapshot &snapshot, int trace = 0);
    void clear();

    void setFrequencyRange(double f0, double f1);
    void setLogFrequency(bool on);
    // Levels (dB on the SpectrumSnapshot::level axis) mapped to the ends of the colour map.
    void setLevelRange(double low, double high);
    double lowLevel() const { return low_; }
    double highLevel() const { return high_; }

    QRect plotArea() const;
    // Rows added since the last clear (the image holds the newest plotArea().height() of them).
    quint64 rowsAdded() const { return rows_; }
    // The history as shown: row 0 is the newest spectrum. Size of plotArea().
    QImage historyImage() const;
    // Pixel column of frequency f in historyImage().
    int columnOf(double f) const;

    // The colour map: level fraction 0..1 -> colour (dark blue, purple, red, yellow, white).
    static QRgb colorAt(double fraction);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    FrequencyAxis axis() const;

    double f0_ = 0, f1_ = 1;
    bool log_ = false;
    double low_ = -120, high_ = 0;
    QImage ring_;   // plotArea-sized, RGB32; row head_ is the newest
    int head_ = 0;
    quint64 rows_ = 0;
    std::array<QRgb, 256> lut_{};
    std::vector<float> scratch_;
};

} // namespace dmascope::ui

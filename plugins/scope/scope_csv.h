// CSV export of the capture the plot shows, in each channel's physical units (the snapshot's
// values; CsvChannel's gain and bias convert from other plotted units when needed).
// When the view is zoomed in to individual samples those are written (time, one column per
// channel); otherwise the plot shows a min/max envelope per pixel column and that is what is
// written (time, min and max per channel), so the file always matches the screen.
#pragma once

#include "dmascope/ui/plot_snapshot.h"

#include <QString>
#include <QStringList>

#include <vector>

class QTextStream;

namespace dmascope::scope {

struct CsvChannel
{
    QString name;
    QString unit;      // physical unit, e.g. "V"
    double gain = 1.0; // physical = plotted value * gain + bias
    double bias = 0.0;
};

// Writes `snapshot` (traces in the order of `channels`). Returns the number of data rows.
std::size_t writeCsv(const ui::PlotSnapshot &snapshot, const std::vector<CsvChannel> &channels,
                     QTextStream &out);

} // namespace dmascope::scope

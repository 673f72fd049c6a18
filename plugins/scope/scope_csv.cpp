#include "scope_csv.h"

#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace dmascope::scope {

namespace {

QString number(double v)
{
    return std::isnan(v) ? QString() : QString::number(v, 'g', 9);
}

double toUnit(const CsvChannel &c, double divs)
{
    return divs * c.gain + c.bias;
}

} // namespace

std::size_t writeCsv(const ui::PlotSnapshot &snapshot, const std::vector<CsvChannel> &channels,
                     QTextStream &out)
{
    const std::size_t traces = std::min(channels.size(), snapshot.traces.size());
    const bool samples = traces > 0 && !snapshot.traces[0].samples.empty();
    out << "# dmascope oscilloscope export; time in s relative to the trigger"
        << (samples ? "; samples\n" : "; min/max envelope per screen column\n");
    out << "time_s";
    for (std::size_t i = 0; i < traces; ++i) {
        const CsvChannel &c = channels[i];
        if (samples)
            out << ',' << c.name << '_' << c.unit;
        else
            out << ',' << c.name << "_min_" << c.unit << ',' << c.name << "_max_" << c.unit;
    }
    out << '\n';

    std::size_t rows = 0;
    if (samples) {
        const ui::PlotTrace &first = snapshot.traces[0];
        for (std::size_t k = 0; k < first.samples.size(); ++k, ++rows) {
            out << number(first.sampleT0 + static_cast<double>(k) * first.sampleDt);
            for (std::size_t i = 0; i < traces; ++i) {
                const auto &s = snapshot.traces[i].samples;
                out << ',' << (k < s.size() ? number(toUnit(channels[i], s[k])) : QString());
            }
            out << '\n';
        }
        return rows;
    }
    for (int col = 0; col < snapshot.columns; ++col) {
        const auto c = static_cast<std::size_t>(col);
        bool any = false;
        for (std::size_t i = 0; i < traces; ++i)
            any = any || (c < snapshot.traces[i].min.size() && !std::isnan(snapshot.traces[i].min[c]));
        if (!any)
            continue; // columns outside the record
        out << number(snapshot.columnTime(col));
        for (std::size_t i = 0; i < traces; ++i) {
            const ui::PlotTrace &t = snapshot.traces[i];
            const bool have = c < t.min.size() && !std::isnan(t.min[c]);
            out << ',' << (have ? number(toUnit(channels[i], t.min[c])) : QString()) << ','
                << (have ? number(toUnit(channels[i], t.max[c])) : QString());
        }
        out << '\n';
        ++rows;
    }
    return rows;
}

} // namespace dmascope::scope

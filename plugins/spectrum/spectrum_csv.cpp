#include "spectrum_csv.h"

#include <algorithm>
#include <cmath>

namespace dmascope::spectrum {

std::size_t writeSpectrumCsv(const ui::SpectrumSnapshot &s, QTextStream &out, std::size_t first,
                             std::size_t last)
{
    out << "frequency_hz";
    for (const ui::SpectrumTrace &t : s.traces) {
        QString label = t.label;
        label.replace(QLatin1Char(','), QLatin1Char(' ')).replace(QLatin1Char('"'), QLatin1Char('\''));
        out << ',' << label << " (" << s.unit << ')';
    }
    out << '\n';
    if (s.bins == 0)
        return 0;
    last = std::min(last, s.bins - 1);
    std::size_t rows = 0;
    for (std::size_t b = first; b <= last; ++b, ++rows) {
        // Enough digits for sub-hertz bins of a 16M-point FFT at 100 MS/s.
        out << QString::number(s.frequency(b), 'g', 12);
        for (const ui::SpectrumTrace &t : s.traces) {
            out << ',';
            if (b < t.values.size() && std::isfinite(t.values[b]))
                out << QString::number(t.values[b], 'g', 7);
        }
        out << '\n';
    }
    return rows;
}

} // namespace dmascope::spectrum

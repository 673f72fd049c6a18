#include "spectrum_columns.h"

#include <algorithm>
#include <cmath>

namespace dmascope::ui {

double FrequencyAxis::xOf(double f) const
{
    const double u = logarithmic ? std::log(std::max(f, 1e-300) / f0) / std::log(f1 / f0)
                                 : (f - f0) / (f1 - f0);
    return left + u * width;
}

double FrequencyAxis::frequencyAt(double x) const
{
    const double u = (x - left) / width;
    return logarithmic ? f0 * std::pow(f1 / f0, u) : f0 + u * (f1 - f0);
}

void maxPerColumn(const SpectrumSnapshot &s, std::size_t trace, const FrequencyAxis &axis,
                  int columns, std::vector<float> &out)
{
    const std::size_t w = std::size_t(std::max(0, columns));
    out.assign(w, NAN);
    if (trace >= s.traces.size() || s.traces[trace].values.size() < s.bins || !(s.df > 0))
        return;
    const std::vector<float> &v = s.traces[trace].values;
    // Bins in [edge(c), edge(c + 1)) belong to column c.
    auto edge = [&](std::size_t c) {
        const double b = std::ceil((axis.frequencyAt(axis.left + double(c)) - s.f0) / s.df);
        return std::size_t(std::clamp(b, 0.0, double(s.bins)));
    };
    std::size_t b0 = edge(0);
    for (std::size_t c = 0; c < w; ++c) {
        const std::size_t b1 = edge(c + 1);
        if (b1 > b0)
            out[c] = s.level(*std::max_element(v.begin() + long(b0), v.begin() + long(b1)));
        b0 = std::max(b0, b1);
    }
}

} // namespace dmascope::ui

#include "span_raster.h"

#include <algorithm>
#include <cstring>

namespace dmascope::ui::raster {

void fillSpans(QImage &img, const QRect &area, const int *top, const int *bottom, int rowMin,
               int rowMax, QRgb color)
{
    const int w = area.width();
    rowMin = std::max(rowMin, 0);
    rowMax = std::min(rowMax, area.height() - 1);
    for (int y = rowMin; y <= rowMax; ++y) {
        auto *line = reinterpret_cast<QRgb *>(img.scanLine(area.top() + y)) + area.left();
        // Branch-free select (no && or ?:) so the loop has no control flow and vectorises.
        for (int x = 0; x < w; ++x) {
            const QRgb m = 0u - static_cast<QRgb>((top[x] <= y) & (y <= bottom[x]));
            line[x] = (color & m) | (line[x] & ~m);
        }
    }
}

void addSpans(QImage &img, const QRect &area, const int *top, const int *bottom, int rowMin,
              int rowMax, QRgb increment)
{
    const int w = area.width();
    rowMin = std::max(rowMin, 0);
    rowMax = std::min(rowMax, area.height() - 1);
    std::uint8_t inc[4];
    std::memcpy(inc, &increment, 4);
    for (int y = rowMin; y <= rowMax; ++y) {
        std::uint8_t *line = img.scanLine(area.top() + y) + 4 * area.left();
        for (int x = 0; x < w; ++x) {
            const auto mask = static_cast<std::uint8_t>(0u - static_cast<unsigned>((top[x] <= y) & (y <= bottom[x])));
            for (int k = 0; k < 4; ++k) {
                const unsigned sum = unsigned{line[4 * x + k]} + (inc[k] & mask);
                line[4 * x + k] = static_cast<std::uint8_t>(std::min(sum, 255u));
            }
        }
    }
}

void scaleImage(QImage &img, unsigned factor256)
{
    for (int y = 0; y < img.height(); ++y) {
        std::uint8_t *line = img.scanLine(y);
        const int n = img.width() * 4;
        for (int i = 0; i < n; ++i)
            line[i] = static_cast<std::uint8_t>((unsigned{line[i]} * factor256) >> 8);
    }
}

} // namespace dmascope::ui::raster

// Raster kernels for the time plot: per pixel column a vertical span [top, bottom] (rows relative
// to the trace area; top > bottom means empty). Painting vertical 1-pixel lines through QPainter
// costs per covered pixel in column order; these walk the image row by row instead, testing every
// column of the row against its span, which is contiguous and vectorises (SSE2 compare + blend),
// so a frame costs about the same whatever the signal looks like.
#pragma once

#include <QImage>
#include <QRect>

#include <cstdint>

namespace dmascope::ui::raster {

// Sets the pixels of every span to `color` (premultiplied ARGB32).
void fillSpans(QImage &img, const QRect &area, const int *top, const int *bottom, int rowMin,
               int rowMax, QRgb color);

// Adds `increment` (premultiplied ARGB32, per byte, saturating) to the pixels of every span.
void addSpans(QImage &img, const QRect &area, const int *top, const int *bottom, int rowMin,
              int rowMax, QRgb increment);

// Multiplies every byte of a premultiplied ARGB32 image by factor256 / 256 (fade).
void scaleImage(QImage &img, unsigned factor256);

} // namespace dmascope::ui::raster

// PNG and SVG export shared by the plot widgets: PNG is what the widget shows on screen (grab()),
// SVG replays the widget's own painting into a QSvgGenerator so traces and text stay vectors.
#pragma once

#include <QString>

#include <functional>

class QPainter;
class QWidget;

namespace dmascope::ui {

bool exportWidgetPng(QWidget &widget, const QString &path);
// `paint` draws the whole widget with the painter it is given. false when the file cannot be
// written.
bool exportWidgetSvg(QWidget &widget, const QString &path, const QString &title,
                     const std::function<void(QPainter &)> &paint);

} // namespace dmascope::ui

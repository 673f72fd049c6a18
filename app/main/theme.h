// Dark and light themes: Fusion with a palette, so every widget (and the plots, which paint with
// palette roles) follows one switch. Dark is the default: bench instruments are read in dim labs
// and a dark plot background makes traces stand out.
#pragma once

#include <QPalette>
#include <QString>

class QApplication;

namespace dmascope::app {

enum class Theme { Dark, Light };

QString toString(Theme theme);
Theme themeFromString(const QString &name); // unknown names give Dark

QPalette palette(Theme theme);
void applyTheme(QApplication &app, Theme theme);

} // namespace dmascope::app

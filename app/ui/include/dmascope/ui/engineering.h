// Engineering-unit formatting and 1-2-5 grid steps for plot axes and readouts.
#pragma once

#include "dmascope/ui/ui_export.h"

#include <QString>

namespace dmascope::ui {

// The smallest value of the form {1, 2, 5} * 10^k that is >= `minimum` (> 0).
DMASCOPE_UI_EXPORT double niceStep125(double minimum);

// `value` with an SI prefix so the mantissa is in [1, 1000): 2e-4, "s" -> "200 µs";
// 0.05, "V" -> "50 mV". `digits` significant digits, trailing zeros removed. 0 -> "0 V".
DMASCOPE_UI_EXPORT QString formatEngineering(double value, const QString &unit, int digits = 3);

} // namespace dmascope::ui

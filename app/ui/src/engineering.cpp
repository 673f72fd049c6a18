#include "dmascope/ui/engineering.h"

#include <algorithm>
#include <cmath>

namespace dmascope::ui {

double niceStep125(double minimum)
{
    if (!(minimum > 0.0) || !std::isfinite(minimum))
        return 1.0;
    const double decade = std::pow(10.0, std::floor(std::log10(minimum)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        // tolerate rounding in log10/pow so that 0.2 maps to 0.2, not 0.5
        if (m * decade >= minimum * (1.0 - 1e-9))
            return m * decade;
    }
    return 10.0 * decade;
}

QString formatEngineering(double value, const QString &unit, int digits)
{
    if (value == 0.0 || !std::isfinite(value))
        return QStringLiteral("%1 %2").arg(std::isfinite(value) ? QStringLiteral("0")
                                                                : QString::number(value),
                                           unit);
    static const struct
    {
        int exponent;
        const char16_t *prefix;
    } prefixes[] = {{-15, u"f"}, {-12, u"p"}, {-9, u"n"}, {-6, u"µ"}, {-3, u"m"},
                    {0, u""},    {3, u"k"},   {6, u"M"},  {9, u"G"},  {12, u"T"}};
    const double mag = std::abs(value);
    int exp3 = static_cast<int>(std::floor(std::log10(mag) / 3.0)) * 3;
    // Round first: 999.96 mV at 3 digits is "1 V", not "1000 mV".
    double mantissa = value / std::pow(10.0, exp3);
    const double rounded = std::stod(QString::number(mantissa, 'g', digits).toStdString());
    if (std::abs(rounded) >= 1000.0) {
        exp3 += 3;
        mantissa = value / std::pow(10.0, exp3);
    }
    exp3 = std::clamp(exp3, -15, 12);
    mantissa = value / std::pow(10.0, exp3);
    QString prefix;
    for (const auto &p : prefixes)
        if (p.exponent == exp3)
            prefix = QString::fromUtf16(p.prefix);
    return QStringLiteral("%1 %2%3").arg(QString::number(mantissa, 'g', digits), prefix, unit);
}

} // namespace dmascope::ui

#include "spectrum_settings.h"

#include "dmascope/scan_layout.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace dmascope::spectrum {

namespace {

QString markerTypeKey(ui::MarkerType t)
{
    switch (t) {
    case ui::MarkerType::Peak: return QStringLiteral("peak");
    case ui::MarkerType::NextPeak: return QStringLiteral("next-peak");
    case ui::MarkerType::Fixed: return QStringLiteral("fixed");
    case ui::MarkerType::Delta: return QStringLiteral("delta");
    }
    return {};
}

std::optional<ui::MarkerType> markerTypeFrom(const QString &s)
{
    for (ui::MarkerType t : {ui::MarkerType::Peak, ui::MarkerType::NextPeak,
                             ui::MarkerType::Fixed, ui::MarkerType::Delta})
        if (s == markerTypeKey(t))
            return t;
    return std::nullopt;
}

bool isPlainChannel(const ChannelLayout &c)
{
    return c.type.storageBits <= 32 && c.type.repeat == 1;
}

} // namespace

QJsonObject SpectrumSettings::toJson() const
{
    QJsonArray chans;
    for (bool on : channels)
        chans.append(on);
    QJsonArray marks;
    for (const ui::SpectrumMarker &m : markers)
        marks.append(QJsonObject{{"type", markerTypeKey(m.type)},
                                 {"trace", m.trace},
                                 {"frequency", m.frequency},
                                 {"reference", m.reference}});
    return {{"fftSize", double(fftSize)},
            {"window", QString::fromStdString(window.toString())},
            {"averaging", QString::fromLatin1(dsp::toString(averaging))},
            {"averages", int(averages)},
            {"overlap", overlap},
            {"unit", QString::fromLatin1(dsp::toString(unit))},
            {"channels", chans},
            {"iChannel", iChannel},
            {"qChannel", qChannel},
            {"referenceLevel", referenceLevel},
            {"dbPerDivision", dbPerDivision},
            {"logFrequency", logFrequency},
            {"waterfall", waterfall},
            {"waterfallLow", waterfallLow},
            {"waterfallHigh", waterfallHigh},
            {"waterfallTrace", waterfallTrace},
            {"markers", marks}};
}

SpectrumSettings SpectrumSettings::fromJson(const QJsonObject &o)
{
    SpectrumSettings s;
    const auto number = [&](const char *key, double fallback) {
        const QJsonValue v = o.value(QLatin1String(key));
        return v.isDouble() && std::isfinite(v.toDouble()) ? v.toDouble() : fallback;
    };
    const double size = number("fftSize", double(s.fftSize));
    if (size >= double(kMinFftSize) && size <= double(kMaxFftSize))
        s.fftSize = std::size_t(size);
    if (auto w = dsp::WindowSpec::parse(o.value(QLatin1String("window")).toString().toStdString()))
        s.window = *w;
    if (auto a = dsp::averagingFromString(o.value(QLatin1String("averaging")).toString().toStdString()))
        s.averaging = *a;
    s.averages = unsigned(std::clamp(number("averages", s.averages), 1.0, 10000.0));
    s.overlap = std::clamp(number("overlap", s.overlap), 0.0, 0.95);
    if (auto u = dsp::spectrumUnitFromString(o.value(QLatin1String("unit")).toString().toStdString()))
        s.unit = *u;
    for (const QJsonValue v : o.value(QLatin1String("channels")).toArray())
        s.channels.push_back(v.toBool(true));
    s.iChannel = int(number("iChannel", s.iChannel));
    s.qChannel = int(number("qChannel", s.qChannel));
    s.referenceLevel = number("referenceLevel", s.referenceLevel);
    const double div = number("dbPerDivision", s.dbPerDivision);
    if (div > 0)
        s.dbPerDivision = div;
    s.logFrequency = o.value(QLatin1String("logFrequency")).toBool(s.logFrequency);
    s.waterfall = o.value(QLatin1String("waterfall")).toBool(s.waterfall);
    const double lo = number("waterfallLow", s.waterfallLow);
    const double hi = number("waterfallHigh", s.waterfallHigh);
    if (hi > lo) {
        s.waterfallLow = lo;
        s.waterfallHigh = hi;
    }
    s.waterfallTrace = std::max(0, int(number("waterfallTrace", s.waterfallTrace)));
    for (const QJsonValue v : o.value(QLatin1String("markers")).toArray()) {
        const QJsonObject m = v.toObject();
        const auto type = markerTypeFrom(m.value(QLatin1String("type")).toString());
        if (!type || int(s.markers.size()) >= ui::SpectrumPlot::kMaxMarkers)
            continue;
        s.markers.push_back({*type, std::max(0, m.value(QLatin1String("trace")).toInt()),
                             m.value(QLatin1String("frequency")).toDouble(),
                             std::max(0, m.value(QLatin1String("reference")).toInt())});
    }
    return s;
}

std::vector<TraceSource> traceSources(const ScanLayout &layout, const SpectrumSettings &settings)
{
    std::vector<TraceSource> out;
    const auto name = [&](std::size_t i) {
        const ChannelLayout &c = layout.channels[i];
        return QStringLiteral("CH%1 %2").arg(i + 1).arg(
            QString::fromStdString(c.label.empty() ? c.id : c.label));
    };
    const std::size_t n = layout.channels.size();
    const bool pair = settings.iqPair() && std::size_t(settings.iChannel) < n
                      && std::size_t(settings.qChannel) < n
                      && isPlainChannel(layout.channels[std::size_t(settings.iChannel)])
                      && isPlainChannel(layout.channels[std::size_t(settings.qChannel)]);
    if (pair) {
        const auto i = std::size_t(settings.iChannel), q = std::size_t(settings.qChannel);
        out.push_back({QStringLiteral("I/Q CH%1+jCH%2").arg(i + 1).arg(q + 1), i, q});
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!isPlainChannel(layout.channels[i]) || !settings.channelEnabled(i))
            continue;
        if (pair && (int(i) == settings.iChannel || int(i) == settings.qChannel))
            continue;
        out.push_back({name(i), i, std::nullopt});
    }
    return out;
}

dsp::SpectrumConfig engineConfig(const SpectrumSettings &settings, double sampleRate,
                                 double fullScale, bool complexInput)
{
    dsp::SpectrumConfig c;
    c.size = std::clamp(settings.fftSize, kMinFftSize, kMaxFftSize);
    c.window = settings.window;
    c.averaging = settings.averaging;
    c.averages = settings.averages;
    c.overlap = std::clamp(settings.overlap, 0.0, 0.95);
    c.unit = settings.unit;
    c.complexInput = complexInput;
    c.sampleRate = sampleRate > 0 ? sampleRate : 1.0;
    c.fullScale = fullScale;
    return c;
}

std::vector<std::size_t> fftSizes()
{
    std::vector<std::size_t> out;
    for (std::size_t n = kMinFftSize; n <= kMaxFftSize; n *= 2)
        out.push_back(n);
    return out;
}

} // namespace dmascope::spectrum

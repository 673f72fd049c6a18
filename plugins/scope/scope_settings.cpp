#include "scope_settings.h"

#include "dmascope/scan_layout.h"
#include "dmascope/ui/engineering.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace dmascope::scope {

namespace {

QString edgeName(dsp::Edge e)
{
    switch (e) {
    case dsp::Edge::Rising: return QStringLiteral("rising");
    case dsp::Edge::Falling: return QStringLiteral("falling");
    case dsp::Edge::Either: return QStringLiteral("either");
    }
    return {};
}

dsp::Edge edgeFrom(const QString &s, dsp::Edge fallback)
{
    if (s == QLatin1String("rising"))
        return dsp::Edge::Rising;
    if (s == QLatin1String("falling"))
        return dsp::Edge::Falling;
    if (s == QLatin1String("either"))
        return dsp::Edge::Either;
    return fallback;
}

QString modeName(dsp::TriggerMode m)
{
    switch (m) {
    case dsp::TriggerMode::Auto: return QStringLiteral("auto");
    case dsp::TriggerMode::Normal: return QStringLiteral("normal");
    case dsp::TriggerMode::Single: return QStringLiteral("single");
    }
    return {};
}

dsp::TriggerMode modeFrom(const QString &s, dsp::TriggerMode fallback)
{
    if (s == QLatin1String("auto"))
        return dsp::TriggerMode::Auto;
    if (s == QLatin1String("normal"))
        return dsp::TriggerMode::Normal;
    if (s == QLatin1String("single"))
        return dsp::TriggerMode::Single;
    return fallback;
}

double positive(const QJsonObject &o, const char *key, double fallback)
{
    const double v = o.value(QLatin1String(key)).toDouble(fallback);
    return std::isfinite(v) && v > 0 ? v : fallback;
}

double finite(const QJsonObject &o, const char *key, double fallback)
{
    const double v = o.value(QLatin1String(key)).toDouble(fallback);
    return std::isfinite(v) ? v : fallback;
}

} // namespace

ChannelSettings ScopeSettings::channel(std::size_t index) const
{
    return index < channels.size() ? channels[index] : ChannelSettings{};
}

QJsonObject ScopeSettings::toJson() const
{
    QJsonArray chans;
    for (const ChannelSettings &c : channels)
        chans.append(QJsonObject{
            {QStringLiteral("enabled"), c.enabled},
            {QStringLiteral("color"), c.color.isValid() ? c.color.name() : QString()},
            {QStringLiteral("voltsPerDiv"), c.voltsPerDiv},
            {QStringLiteral("offsetDivs"), c.offsetDivs},
        });
    return QJsonObject{
        {QStringLiteral("timePerDiv"), timePerDiv},
        {QStringLiteral("recordLength"), static_cast<double>(recordLength)},
        {QStringLiteral("triggerPosition"), triggerPosition},
        {QStringLiteral("triggerChannel"), triggerChannel},
        {QStringLiteral("edge"), edgeName(edge)},
        {QStringLiteral("triggerLevel"), triggerLevel},
        {QStringLiteral("hysteresis"), hysteresis},
        {QStringLiteral("holdoff"), holdoff},
        {QStringLiteral("mode"), modeName(mode)},
        {QStringLiteral("channels"), chans},
        {QStringLiteral("persistence"), persistence},
        {QStringLiteral("persistenceDecay"), persistenceDecay},
        {QStringLiteral("autoscale"), autoscale},
        {QStringLiteral("timeCursors"), timeCursors},
        {QStringLiteral("timeCursor1"), timeCursor1},
        {QStringLiteral("timeCursor2"), timeCursor2},
        {QStringLiteral("valueCursors"), valueCursors},
        {QStringLiteral("valueCursor1"), valueCursor1},
        {QStringLiteral("valueCursor2"), valueCursor2},
    };
}

ScopeSettings ScopeSettings::fromJson(const QJsonObject &o)
{
    ScopeSettings s;
    s.timePerDiv = positive(o, "timePerDiv", s.timePerDiv);
    const double len = o.value(QLatin1String("recordLength")).toDouble(0);
    s.recordLength = len >= 1 && len <= static_cast<double>(kMaxRecordLength)
                         ? static_cast<std::size_t>(len)
                         : 0;
    s.triggerPosition = std::clamp(finite(o, "triggerPosition", s.triggerPosition), 0.0, 1.0);
    s.triggerChannel = std::max(0, o.value(QLatin1String("triggerChannel")).toInt(0));
    s.edge = edgeFrom(o.value(QLatin1String("edge")).toString(), s.edge);
    s.triggerLevel = finite(o, "triggerLevel", s.triggerLevel);
    s.hysteresis = std::max(0.0, finite(o, "hysteresis", s.hysteresis));
    s.holdoff = std::max(0.0, finite(o, "holdoff", s.holdoff));
    s.mode = modeFrom(o.value(QLatin1String("mode")).toString(), s.mode);
    for (const QJsonValue &v : o.value(QLatin1String("channels")).toArray()) {
        const QJsonObject c = v.toObject();
        ChannelSettings ch;
        ch.enabled = c.value(QLatin1String("enabled")).toBool(true);
        ch.color = QColor(c.value(QLatin1String("color")).toString());
        ch.voltsPerDiv = positive(c, "voltsPerDiv", ch.voltsPerDiv);
        ch.offsetDivs = finite(c, "offsetDivs", ch.offsetDivs);
        s.channels.push_back(ch);
    }
    s.persistence = o.value(QLatin1String("persistence")).toBool(false);
    s.persistenceDecay = std::clamp(finite(o, "persistenceDecay", s.persistenceDecay), 0.0, 0.99);
    s.autoscale = o.value(QLatin1String("autoscale")).toBool(false);
    s.timeCursors = o.value(QLatin1String("timeCursors")).toBool(false);
    s.timeCursor1 = finite(o, "timeCursor1", 0.0);
    s.timeCursor2 = finite(o, "timeCursor2", 0.0);
    s.valueCursors = o.value(QLatin1String("valueCursors")).toBool(false);
    s.valueCursor1 = finite(o, "valueCursor1", 0.0);
    s.valueCursor2 = finite(o, "valueCursor2", 0.0);
    return s;
}

double unitScale(const ChannelLayout &channel)
{
    return channel.id.rfind("voltage", 0) == 0 ? 1e-3 : 1.0;
}

std::size_t effectiveRecordLength(const ScopeSettings &settings, double sampleRate)
{
    double n = static_cast<double>(settings.recordLength);
    if (settings.recordLength == 0)
        n = std::ceil(kTimeDivisions * settings.timePerDiv * sampleRate);
    n = std::clamp(n, static_cast<double>(kMinRecordLength), static_cast<double>(kMaxRecordLength));
    return static_cast<std::size_t>(n);
}

namespace {
bool plottable(const ChannelLayout &ch)
{
    return dsp::SampleFormat::from(ch.type).valid() && ch.type.repeat == 1;
}
} // namespace

std::size_t referenceChannel(const ScanLayout &layout, const ScopeSettings &settings)
{
    for (std::size_t i = 0; i < layout.channels.size(); ++i)
        if (settings.channel(i).enabled && plottable(layout.channels[i]))
            return i;
    return static_cast<std::size_t>(std::max(settings.triggerChannel, 0));
}

double toDisplay(const ScopeSettings &s, std::size_t ch, std::size_t reference, double value)
{
    const ChannelSettings c = s.channel(ch);
    const ChannelSettings r = s.channel(reference);
    return (value / c.voltsPerDiv + c.offsetDivs - r.offsetDivs) * r.voltsPerDiv;
}

double fromDisplay(const ScopeSettings &s, std::size_t ch, std::size_t reference, double display)
{
    const ChannelSettings c = s.channel(ch);
    const ChannelSettings r = s.channel(reference);
    return (display / r.voltsPerDiv + r.offsetDivs - c.offsetDivs) * c.voltsPerDiv;
}

ui::TraceAxis traceAxisFor(const ScopeSettings &s, std::size_t ch, std::size_t reference)
{
    const double bias = toDisplay(s, ch, reference, 0.0);
    return {toDisplay(s, ch, reference, 1.0) - bias, bias};
}

bool autoscaleChannel(ChannelSettings *channel, double min, double max, bool force)
{
    if (!(min <= max) || !std::isfinite(min) || !std::isfinite(max))
        return false;
    const double top = (kValueDivisions / 2 - channel->offsetDivs) * channel->voltsPerDiv;
    const double bottom = (-kValueDivisions / 2 - channel->offsetDivs) * channel->voltsPerDiv;
    const bool fits = min >= bottom && max <= top && (max - min) >= 2 * channel->voltsPerDiv;
    if (fits && !force)
        return false;
    // A DC signal gets 1/1000 of its level per division (never a zero V/div).
    const double span = std::max(max - min, std::max(std::abs(min), std::abs(max)) * 6e-3 + 6e-9);
    const double vdiv = ui::niceStep125(span / 6.0);
    const double mid = 0.5 * (min + max);
    channel->voltsPerDiv = vdiv;
    channel->offsetDivs = std::clamp(std::round(-mid / vdiv * 10.0) / 10.0, -kValueDivisions / 2,
                                     kValueDivisions / 2);
    return true;
}

double timebaseForFrequency(double frequency)
{
    return ui::niceStep125(3.0 / frequency / kTimeDivisions);
}

ui::ViewRange viewFor(const ScopeSettings &settings, std::size_t reference)
{
    const double span = kTimeDivisions * settings.timePerDiv;
    const double vdiv = settings.channel(reference).voltsPerDiv;
    const double offset = settings.channel(reference).offsetDivs;
    ui::ViewRange v;
    v.t0 = -settings.triggerPosition * span;
    v.t1 = v.t0 + span;
    v.v0 = (-kValueDivisions / 2 - offset) * vdiv;
    v.v1 = (kValueDivisions / 2 - offset) * vdiv;
    return v;
}

bool makeProducerConfig(const ScanLayout &layout, double sampleRate, const ScopeSettings &settings,
                        ui::ProducerConfig *out, std::vector<std::size_t> *shown)
{
    ui::ProducerConfig c;
    shown->clear();
    c.frameBytes = layout.frameBytes;
    c.sampleRate = sampleRate;
    const std::size_t trigger =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(settings.triggerChannel, 0)),
                              layout.channels.empty() ? 0 : layout.channels.size() - 1);
    for (std::size_t i = 0; i < layout.channels.size(); ++i) {
        const ChannelLayout &ch = layout.channels[i];
        // 64-bit elements are timestamps, never plotted; the DSP takes 8/16/32-bit containers.
        const dsp::SampleFormat format = dsp::SampleFormat::from(ch.type);
        if (!plottable(ch))
            continue;
        const ChannelSettings cs = settings.channel(i);
        if (!cs.enabled && i != trigger)
            continue;
        ui::ProducerChannel pc;
        pc.label = QStringLiteral("CH%1 %2").arg(i + 1).arg(
            QString::fromStdString(ch.label.empty() ? ch.id : ch.label));
        pc.unit = QStringLiteral("V");
        pc.byteOffset = ch.byteOffset;
        pc.format = format;
        // Volts (the plot applies V/div and offset through traceAxisFor()).
        pc.calibration.scale = ch.scale * unitScale(ch);
        pc.calibration.offset = ch.offset;
        if (i == trigger) {
            c.trigger.channel = static_cast<int>(shown->size());
            c.trigger.level = settings.triggerLevel;
            c.trigger.hysteresis = settings.hysteresis;
        }
        c.channels.push_back(pc);
        shown->push_back(i);
    }
    if (c.channels.empty() || c.frameBytes == 0 || !(sampleRate > 0))
        return false;
    c.trigger.edge = settings.edge;
    c.trigger.holdoff = settings.holdoff;
    c.trigger.mode = settings.mode;
    c.recordLength = effectiveRecordLength(settings, sampleRate);
    c.preTrigger = settings.triggerPosition;
    c.measure = true; // measurements over the whole record, a few times a second
    *out = c;
    return true;
}

} // namespace dmascope::scope

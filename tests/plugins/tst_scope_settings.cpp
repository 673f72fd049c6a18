// ScopeSettings: JSON round trip and tolerance, record length, view, the producer configuration
// (channel selection, calibrations in volts, trigger mapping), the per-channel plot axes, and
// autoscale.
#include "scope_settings.h"

#include "dmascope/scan_layout.h"

#include <QJsonArray>
#include <QTest>

#include <cmath>

using namespace dmascope;
using namespace dmascope::scope;

namespace {

// Four s16 voltage channels plus a 64-bit timestamp, like iio-sim-adc with timestamps on.
ScanLayout layout()
{
    std::vector<ChannelLayout> chans;
    for (unsigned i = 0; i < 4; ++i) {
        ChannelLayout c;
        c.id = "voltage" + std::to_string(i);
        c.type = *ScanType::parse("le:s16/16>>0");
        c.scale = 0.5; // mV per LSB
        c.scanIndex = i;
        chans.push_back(c);
    }
    ChannelLayout ts;
    ts.id = "timestamp";
    ts.type = *ScanType::parse("le:s64/64>>0");
    ts.scanIndex = 4;
    chans.push_back(ts);
    return ScanLayout::compute(chans);
}

} // namespace

class TstScopeSettings : public QObject
{
    Q_OBJECT

private slots:
    void jsonRoundTrip()
    {
        ScopeSettings s;
        s.timePerDiv = 2e-5;
        s.recordLength = 1'000'000;
        s.triggerPosition = 0.25;
        s.triggerChannel = 2;
        s.edge = dsp::Edge::Falling;
        s.triggerLevel = -0.3;
        s.hysteresis = 0.01;
        s.holdoff = 1e-3;
        s.mode = dsp::TriggerMode::Normal;
        s.channels = {{true, QColor(Qt::red), 0.2, 1.5}, {false, QColor(), 1.0, -2}};
        s.persistence = true;
        s.persistenceDecay = 0.7;
        s.autoscale = true;
        s.timeCursors = true;
        s.timeCursor1 = -1e-4;
        s.timeCursor2 = 3e-4;
        s.valueCursors = true;
        s.valueCursor1 = -0.25;
        s.valueCursor2 = 0.5;
        const ScopeSettings r = ScopeSettings::fromJson(s.toJson());
        QVERIFY(r.persistence);
        QCOMPARE(r.persistenceDecay, 0.7);
        QVERIFY(r.autoscale);
        QVERIFY(r.timeCursors);
        QCOMPARE(r.timeCursor1, -1e-4);
        QCOMPARE(r.timeCursor2, 3e-4);
        QVERIFY(r.valueCursors);
        QCOMPARE(r.valueCursor1, -0.25);
        QCOMPARE(r.valueCursor2, 0.5);
        QCOMPARE(r.timePerDiv, s.timePerDiv);
        QCOMPARE(r.recordLength, s.recordLength);
        QCOMPARE(r.triggerPosition, s.triggerPosition);
        QCOMPARE(r.triggerChannel, 2);
        QVERIFY(r.edge == dsp::Edge::Falling);
        QCOMPARE(r.triggerLevel, -0.3);
        QCOMPARE(r.hysteresis, 0.01);
        QCOMPARE(r.holdoff, 1e-3);
        QVERIFY(r.mode == dsp::TriggerMode::Normal);
        QCOMPARE(r.channels.size(), 2u);
        QCOMPARE(r.channels[0].color, QColor(Qt::red));
        QCOMPARE(r.channels[0].voltsPerDiv, 0.2);
        QCOMPARE(r.channels[0].offsetDivs, 1.5);
        QVERIFY(!r.channels[1].enabled);
        QVERIFY(!r.channels[1].color.isValid());
    }

    void malformedJsonKeepsDefaults()
    {
        const QJsonObject bad{{QStringLiteral("timePerDiv"), -1},
                              {QStringLiteral("recordLength"), 1e12},
                              {QStringLiteral("triggerPosition"), 7},
                              {QStringLiteral("edge"), QStringLiteral("sideways")},
                              {QStringLiteral("mode"), 3},
                              {QStringLiteral("channels"), QJsonArray{QJsonObject{
                                   {QStringLiteral("voltsPerDiv"), 0}}}}};
        const ScopeSettings d;
        const ScopeSettings r = ScopeSettings::fromJson(bad);
        QCOMPARE(r.timePerDiv, d.timePerDiv);
        QCOMPARE(r.recordLength, 0u);
        QCOMPARE(r.triggerPosition, 1.0); // clamped
        QVERIFY(r.edge == d.edge);
        QVERIFY(r.mode == d.mode);
        QCOMPARE(r.channels.size(), 1u);
        QCOMPARE(r.channels[0].voltsPerDiv, ChannelSettings{}.voltsPerDiv);
    }

    void recordLengthFollowsTheScreenOrTheChoice()
    {
        ScopeSettings s;
        s.timePerDiv = 1e-3;
        QCOMPARE(effectiveRecordLength(s, 1e6), 10'000u);          // 10 div x 1 ms x 1 MS/s
        s.timePerDiv = 1e-7;
        QCOMPARE(effectiveRecordLength(s, 1e6), kMinRecordLength); // clamped up
        s.timePerDiv = 1.0;
        QCOMPARE(effectiveRecordLength(s, 1e8), kMaxRecordLength); // clamped to 16M
        s.recordLength = 4u << 20;
        QCOMPARE(effectiveRecordLength(s, 1e6), std::size_t{4} << 20);
    }

    void viewPutsTheTriggerAtItsPosition()
    {
        ScopeSettings s;
        s.timePerDiv = 1e-4;
        s.triggerPosition = 0.2;
        s.channels = {{true, {}, 0.25, 0}};
        const ui::ViewRange v = viewFor(s, 0);
        QCOMPARE(v.t0, -2e-4);
        QCOMPARE(v.t1, 8e-4);
        QCOMPARE(v.v0, -1.0); // 4 divisions of 0.25 V
        QCOMPARE(v.v1, 1.0);
        // The reference channel's offset moves it too: 1 division up shows 0 V one division
        // above the centre, i.e. the view runs from -5 to +3 divisions of its volts.
        s.channels[0].offsetDivs = 1.0;
        const ui::ViewRange up = viewFor(s, 0);
        QCOMPARE(up.v0, -1.25);
        QCOMPARE(up.v1, 0.75);
    }

    void producerConfigSkipsDisabledChannelsAndTimestamps()
    {
        ScopeSettings s;
        s.channels = {{true, {}, 0.5, 0}, {false, {}, 0.5, 0}, {true, {}, 0.5, 0}, {false, {}, 0.5, 0}};
        ui::ProducerConfig c;
        std::vector<std::size_t> shown;
        QVERIFY(makeProducerConfig(layout(), 1e6, s, &c, &shown));
        QCOMPARE(shown, (std::vector<std::size_t>{0, 2}));
        QCOMPARE(c.channels.size(), 2u);
        QCOMPARE(c.frameBytes, layout().frameBytes);
        QCOMPARE(c.channels[1].byteOffset, layout().channels[2].byteOffset);
        QCOMPARE(c.sampleRate, 1e6);
        QCOMPARE(c.recordLength, 10'000u);
    }

    void triggerSourceIsForcedOn()
    {
        ScopeSettings s;
        s.channels = {{true, {}, 0.5, 0}, {false, {}, 0.5, 0}};
        s.triggerChannel = 1;
        ui::ProducerConfig c;
        std::vector<std::size_t> shown;
        QVERIFY(makeProducerConfig(layout(), 1e6, s, &c, &shown));
        QVERIFY(std::find(shown.begin(), shown.end(), 1u) != shown.end());
        QCOMPARE(shown[static_cast<std::size_t>(c.trigger.channel)], 1u);
    }

    void channelsInVoltsEachOnItsOwnAxis()
    {
        // CH1 (reference) at 0.5 V/div, CH2 at 0.1 V/div shifted up 1 division.
        ScopeSettings s;
        s.channels = {{true, {}, 0.5, 0}, {true, {}, 0.1, 1.0}};
        s.triggerChannel = 1;
        s.triggerLevel = 0.05; // V on CH2
        s.hysteresis = 0.01;
        ui::ProducerConfig c;
        std::vector<std::size_t> shown;
        QVERIFY(makeProducerConfig(layout(), 1e6, s, &c, &shown));
        QVERIFY(c.measure);
        // Snapshots and measurements are in each channel's volts: raw 100 = 50 mV.
        QCOMPARE(c.channels[0].calibration.toPhysical(1000), 0.5);
        QVERIFY(qFuzzyCompare(c.channels[1].calibration.toPhysical(100), 0.05));
        QVERIFY(qFuzzyCompare(c.trigger.level, 0.05));
        QVERIFY(qFuzzyCompare(c.trigger.hysteresis, 0.01));
        // The plot draws CH2's 0.05 V at half a division + 1 division offset = 1.5 div = 0.75 on
        // the reference axis; CH1 is the axis itself.
        const ui::TraceAxis ch2 = traceAxisFor(s, 1, 0);
        QVERIFY(qFuzzyCompare(ch2.toDisplay(0.05), 0.75));
        QVERIFY(qFuzzyCompare(ch2.gain, 5.0)); // 0.5 V/div over 0.1 V/div
        QVERIFY(qFuzzyCompare(ch2.fromDisplay(0.75), 0.05));
        QVERIFY(traceAxisFor(s, 0, 0) == ui::TraceAxis{});
        QVERIFY(qFuzzyCompare(toDisplay(s, 1, 0, fromDisplay(s, 1, 0, -0.3)), -0.3));
    }

    void autoscaleFitsTheSignalOnSixDivisions()
    {
        ChannelSettings c; // 0.5 V/div, centred
        // A 0..3.3 V square wave leaves the screen (top at 2 V): rescaled and centred.
        QVERIFY(autoscaleChannel(&c, 0.0, 3.3, false));
        QCOMPARE(c.voltsPerDiv, 1.0); // 3.3 V / 6 = 0.55 -> next 1-2-5 step
        QVERIFY(qFuzzyCompare(c.offsetDivs, -1.7)); // mid 1.65 V = 1.65 div, to 0.1 div
        // Now it fits and uses more than 2 divisions: left alone unless forced.
        QVERIFY(!autoscaleChannel(&c, 0.0, 3.3, false));
        // A 20 mV signal underuses the screen: 5 mV/div.
        QVERIFY(autoscaleChannel(&c, -0.01, 0.01, false));
        QCOMPARE(c.voltsPerDiv, 0.005);
        QCOMPARE(c.offsetDivs, 0.0);
        // DC: a non-zero V/div.
        QVERIFY(autoscaleChannel(&c, 1.0, 1.0, true));
        QVERIFY(c.voltsPerDiv > 0 && c.voltsPerDiv <= 0.002);
        QVERIFY(!autoscaleChannel(&c, NAN, 1.0, true));
        // 1 kHz: 3 periods over 10 divisions = 300 us/div -> 500 us/div.
        QCOMPARE(timebaseForFrequency(1000.0), 5e-4);
    }

    void noPlottableChannelIsRefused()
    {
        ScanLayout onlyTimestamp = ScanLayout::compute({layout().channels.back()});
        ui::ProducerConfig c;
        std::vector<std::size_t> shown;
        QVERIFY(!makeProducerConfig(onlyTimestamp, 1e6, ScopeSettings{}, &c, &shown));
        QVERIFY(!makeProducerConfig(layout(), 0.0, ScopeSettings{}, &c, &shown));
    }
};

QTEST_GUILESS_MAIN(TstScopeSettings)
#include "tst_scope_settings.moc"

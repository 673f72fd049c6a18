// SpectrumSettings: JSON round trip, malformed sessions keep defaults, traces from a layout
// (channels, I/Q pair first, timestamps skipped) and the engine configuration.
#include "spectrum_settings.h"

#include "dmascope/scan_layout.h"
#include "dmascope/sim_device.h"

#include <QJsonArray>
#include <QTest>

using namespace dmascope;
using namespace dmascope::spectrum;

class TstSpectrumSettings : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip()
    {
        SpectrumSettings s;
        s.fftSize = 1u << 20;
        s.window = {dsp::WindowType::Kaiser, 12.5};
        s.averaging = dsp::Averaging::PeakHold;
        s.averages = 3;
        s.overlap = 0.5;
        s.unit = dsp::SpectrumUnit::VoltsPerRootHz;
        s.channels = {true, false, true};
        s.iChannel = 0;
        s.qChannel = 2;
        s.referenceLevel = -30;
        s.dbPerDivision = 5;
        s.logFrequency = true;
        s.waterfall = false;
        s.waterfallLow = -150;
        s.waterfallHigh = -40;
        s.waterfallTrace = 1;
        s.markers = {{ui::MarkerType::Peak, 0, 0, 0}, {ui::MarkerType::Delta, 1, 1234.5, 0}};
        const SpectrumSettings r = SpectrumSettings::fromJson(s.toJson());
        QCOMPARE(r.toJson(), s.toJson());
        QCOMPARE(r.window.kaiserBeta, 12.5);
        QCOMPARE(r.markers.size(), std::size_t(2));
        QCOMPARE(r.markers[1].frequency, 1234.5);
    }

    void malformedKeepsDefaults()
    {
        const SpectrumSettings d;
        QJsonObject o{{"fftSize", 100}, {"window", "gauss"}, {"averaging", 7},
                      {"unit", "furlongs"}, {"dbPerDivision", -1}, {"waterfallLow", 10},
                      {"waterfallHigh", 0}, {"overlap", 3}, {"markers", "x"}};
        QJsonArray many;
        for (int i = 0; i < 12; ++i)
            many.append(QJsonObject{{"type", "peak"}});
        many.append(QJsonObject{{"type", "bogus"}});
        o.insert("markers", many);
        const SpectrumSettings s = SpectrumSettings::fromJson(o);
        QCOMPARE(s.fftSize, d.fftSize);
        QCOMPARE(s.window.type, d.window.type);
        QCOMPARE(s.averaging, d.averaging);
        QCOMPARE(s.unit, d.unit);
        QCOMPARE(s.dbPerDivision, d.dbPerDivision);
        QCOMPARE(s.waterfallLow, d.waterfallLow);
        QCOMPARE(s.overlap, 0.95); // clamped
        QCOMPARE(int(s.markers.size()), ui::SpectrumPlot::kMaxMarkers);
        QCOMPARE(SpectrumSettings::fromJson({}).toJson(), d.toJson());
    }

    void tracesFromLayout()
    {
        std::vector<ChannelLayout> chans = SimDevice::scanChannels();
        ChannelLayout ts;
        ts.id = "timestamp";
        ts.type.storageBits = 64;
        ts.type.realBits = 64;
        ts.scanIndex = 9;
        chans.push_back(ts);
        const ScanLayout layout = ScanLayout::compute(chans);
        SpectrumSettings s;
        auto t = traceSources(layout, s);
        QCOMPARE(t.size(), std::size_t(4)); // not the timestamp
        QVERIFY(t[0].label.contains("voltage0"));
        s.channels = {true, false, true, true};
        s.iChannel = 2;
        s.qChannel = 3;
        t = traceSources(layout, s);
        QCOMPARE(t.size(), std::size_t(2));
        QCOMPARE(t[0].i, std::size_t(2));
        QCOMPARE(t[0].q, std::optional<std::size_t>(3));
        QCOMPARE(t[1].i, std::size_t(0));
        QVERIFY(!t[1].q);
        s.qChannel = 4; // the timestamp cannot be Q: no pair, plain channels only
        t = traceSources(layout, s);
        QCOMPARE(t.size(), std::size_t(3));
        QVERIFY(!t[0].q);
    }

    void engineConfiguration()
    {
        SpectrumSettings s;
        s.fftSize = 1u << 30; // beyond the maximum
        s.averaging = dsp::Averaging::Linear;
        s.averages = 16;
        const dsp::SpectrumConfig c = engineConfig(s, 2e6, 0.5, true);
        QCOMPARE(c.size, kMaxFftSize);
        QCOMPARE(c.sampleRate, 2e6);
        QCOMPARE(c.fullScale, 0.5);
        QVERIFY(c.complexInput);
        QCOMPARE(c.averages, 16u);
        QCOMPARE(fftSizes().front(), kMinFftSize);
        QCOMPARE(fftSizes().back(), kMaxFftSize);
        QCOMPARE(fftSizes().size(), std::size_t(17));
    }
};

QTEST_GUILESS_MAIN(TstSpectrumSettings)
#include "tst_spectrum_settings.moc"

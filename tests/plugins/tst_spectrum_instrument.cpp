// SpectrumInstrument on a running SimStream (the demo device, no main window): the tone of
// voltage0 shows at its frequency and level in the plot, the markers and the measurements, the
// waterfall gets rows with the tone in the right column, an I/Q pair shows a negative
// frequency, Stop freezes (Shift+F5 with the focus in the plot or the waterfall too), CSV/PNG
// export, the state survives saveState/restoreState, and the toolbar icons load outside the app.
#include "sim_host.h"
#include "spectrum_instrument.h"

#include "dmascope/ui/spectrum_plot.h"
#include "dmascope/ui/waterfall.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace dmascope;
using dmascope::spectrum::SpectrumInstrument;
using dmascope::spectrum::SpectrumSettings;
using dmascope::testing::SimHost;

namespace {

constexpr double kToneHz = 12'345;
constexpr double kToneMv = 500;

void setupTone(SimDevice &dev)
{
    SimChannelSettings s = dev.channel(0);
    s.waveform = SimWaveform::Sine;
    s.frequencyMicroHz = std::uint64_t(kToneHz * 1e6);
    s.amplitudeNanoVolt = std::int64_t(kToneMv * 1e6);
    dev.setChannel(0, s);
    // Channel 1: the same tone 90 degrees ahead, a cosine (see iqPair()).
    s.phaseMicroDeg = 90'000'000;
    dev.setChannel(1, s);
}

std::uint64_t sequence(const SpectrumInstrument &s)
{
    const auto snap = s.plot()->snapshot();
    return snap ? snap->sequence : 0;
}

SpectrumSettings flatTopSettings()
{
    SpectrumSettings s;
    s.fftSize = 16384;
    s.window.type = dsp::WindowType::FlatTop; // reads the level within 0.05 dB between bins
    s.averaging = dsp::Averaging::Exponential;
    s.averages = 4;
    s.channels = {true, false, false, false};
    s.markers = {{ui::MarkerType::Peak, 0, 0, 0}};
    return s;
}

// The names in the measurements table's first column.
QStringList measurementRows(const SpectrumInstrument &spec)
{
    QStringList names;
    const auto *table = spec.findChild<QTableWidget *>(QStringLiteral("measurements"));
    for (int row = 0; table && row < table->rowCount(); ++row)
        if (const QTableWidgetItem *item = table->item(row, 0))
            names << item->text();
    return names;
}
} // namespace

class TstSpectrumInstrument : public QObject
{
    Q_OBJECT

private slots:
    // The toolbar's icons come with libdmascope-ui, so an instrument shows them in any host
    // (here a test, no main window), not only in the app.
    void toolbarIconsLoadOutsideTheApp()
    {
        SimHost host(setupTone);
        SpectrumInstrument spec(host, SimHost::simAdc());
        int withIcons = 0;
        for (const QAction *action : spec.findChildren<QAction *>()) {
            if (action->icon().isNull())
                continue;
            QVERIFY2(!action->icon().pixmap(16, 16).isNull(), qPrintable(action->text()));
            ++withIcons;
        }
        QVERIFY(withIcons >= 2); // Run/Stop and Export CSV at least
    }

    void showsTheToneEverywhere()
    {
        SimHost host(setupTone);
        SpectrumInstrument spec(host, SimHost::simAdc());
        spec.resize(1200, 800);
        spec.show();
        spec.setSettings(flatTopSettings());
        QTRY_VERIFY_WITH_TIMEOUT(sequence(spec) >= 5 && !spec.metrics().empty(), 20000);

        // The plot: 0..fs/2, the peak marker on the tone's bin at its level.
        const auto snap = spec.plot()->snapshot();
        QCOMPARE(snap->bins, std::size_t(16384 / 2 + 1));
        QCOMPARE(spec.plot()->frequencyStop(), 500e3);
        const ui::MarkerReadout m = spec.plot()->markerReadouts().at(0);
        QVERIFY(m.valid);
        QVERIFY2(std::abs(m.frequency - kToneHz) <= snap->df,
                 qPrintable(QString("marker at %1 Hz").arg(m.frequency)));
        const double expected = 20 * std::log10(kToneMv / 1000); // 1 V full scale
        QVERIFY2(std::abs(m.level - expected) < 0.1, qPrintable(QString::number(m.level)));

        // The single-tone figures of the same spectrum.
        const auto &tm = spec.metrics().front();
        QVERIFY2(tm.metrics, qPrintable(tm.error));
        QVERIFY(std::abs(tm.metrics->fundamentalHz - kToneHz) < snap->df);
        QVERIFY(std::abs(tm.metrics->fundamentalDbfs - expected) < 0.1);
        // A 16-bit sine of -6 dBFS: SNR near the ideal 98 - 6 dB, far above a broken path.
        QVERIFY2(tm.metrics->snrDb > 70, qPrintable(QString::number(tm.metrics->snrDb)));
        QVERIFY(tm.metrics->sfdrDbc > 70);

        // The waterfall: rows arrive, the newest has the tone in the plot's column for it.
        QTRY_VERIFY(spec.waterfall()->rowsAdded() >= 3);
        const QImage rows = spec.waterfall()->historyImage();
        int best = 0, bestSum = -1;
        for (int x = 0; x < rows.width(); ++x) {
            const QColor c(rows.pixel(x, 0));
            if (c.red() + c.green() + c.blue() > bestSum) {
                bestSum = c.red() + c.green() + c.blue();
                best = x;
            }
        }
        QVERIFY2(std::abs(best - spec.waterfall()->columnOf(kToneHz)) <= 1,
                 qPrintable(QString("brightest column %1, tone column %2")
                                .arg(best)
                                .arg(spec.waterfall()->columnOf(kToneHz))));
        QCOMPARE(spec.waterfall()->columnOf(kToneHz),
                 int(std::floor(spec.plot()->xOf(kToneHz))) - spec.plot()->plotArea().left());

        // Flat-top leaks enough (SNR at most ~80 dB) to make most of this 16-bit sine's noise:
        // the measurements say what the window allows, and stop saying it with Kaiser 20.
        QVERIFY(spec.metrics().front().metrics && spec.metrics().front().metrics->windowLimited);
        QVERIFY(measurementRows(spec).contains(QStringLiteral("Window limit")));
        {
            // A narrow panel cuts the advice off; its tooltip holds all of it.
            const auto *table = spec.findChild<QTableWidget *>(QStringLiteral("measurements"));
            const int row = int(measurementRows(spec).indexOf(QStringLiteral("Window limit")));
            QVERIFY(table->item(row, 1)->text().contains(QStringLiteral("use Kaiser")));
            QCOMPARE(table->item(row, 1)->toolTip(), table->item(row, 1)->text());
        }
        SpectrumSettings kaiser = flatTopSettings();
        kaiser.window = {dsp::WindowType::Kaiser, 20};
        spec.setSettings(kaiser);
        QTRY_VERIFY_WITH_TIMEOUT(!spec.metrics().empty() && spec.metrics().front().metrics &&
                                     !spec.metrics().front().metrics->windowLimited,
                                 20000);
        QVERIFY(!measurementRows(spec).contains(QStringLiteral("Window limit")));
    }

    void iqPair()
    {
        SimHost host(setupTone);
        SpectrumInstrument spec(host, SimHost::simAdc());
        spec.resize(1000, 700);
        SpectrumSettings s = flatTopSettings();
        s.window.type = dsp::WindowType::BlackmanHarris;
        // I = ch0 = sin(wt), Q = ch1 = cos(wt): I + jQ = j e^{-jwt}, a negative frequency
        // (a positive one would fail: the image is 100 dB down with this window).
        s.iChannel = 0;
        s.qChannel = 1;
        spec.setSettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(sequence(spec) >= 3 && spec.plot()->snapshot()->bins == 16384,
                                 20000);
        QCOMPARE(spec.plot()->frequencyStart(), -500e3);
        const ui::MarkerReadout m = spec.plot()->markerReadouts().at(0);
        QVERIFY2(std::abs(m.frequency + kToneHz) < 2 * spec.plot()->snapshot()->df,
                 qPrintable(QString("peak at %1 Hz").arg(m.frequency)));
        // The complex trace has no single-tone figures; it says why.
        QTRY_VERIFY(!spec.metrics().empty());
        QVERIFY(!spec.metrics().front().metrics);
        QVERIFY(spec.metrics().front().error.contains("real"));
    }

    void nextPeakWithTheDefaultsIsNotTheWindowsSidelobe()
    {
        // The demo device as it starts (1 kHz at -1.94 dBFS, 16 bits) through the default
        // window: Next Peak must not land on the tone's own skirt (with Blackman-Harris it found
        // the first sidelobe, 7 bins off, at -92 dBc).
        SimHost host;
        constexpr double kDemoToneHz = 1000;
        SpectrumInstrument spec(host, SimHost::simAdc());
        spec.resize(1000, 700);
        SpectrumSettings s;
        s.channels = {true, false, false, false};
        s.markers = {{ui::MarkerType::Peak, 0, 0, 0},
                     {ui::MarkerType::NextPeak, 0, 0, 0},
                     {ui::MarkerType::NextPeak, 0, 0, 0},
                     {ui::MarkerType::NextPeak, 0, 0, 0}};
        spec.setSettings(s);
        spec.show();
        QTRY_VERIFY_WITH_TIMEOUT(sequence(spec) >= 10, 30000); // the average has settled
        const auto readouts = spec.plot()->markerReadouts();
        QCOMPARE(readouts.size(), 4);
        const double df = spec.plot()->snapshot()->df;
        QVERIFY(readouts[0].valid);
        QVERIFY2(std::abs(readouts[0].frequency - kDemoToneHz) < 2 * df,
                 qPrintable(QString::number(readouts[0].frequency)));
        for (int i = 1; i < 4; ++i)
            QVERIFY2(!readouts[i].valid || std::abs(readouts[i].frequency - kDemoToneHz) > 20 * df,
                     qPrintable(QString("next peak %1: %2 Hz, %3 dB")
                                    .arg(i)
                                    .arg(readouts[i].frequency)
                                    .arg(readouts[i].level)));
    }

    void aNewSizeSaysItIsAcquiring()
    {
        // The old size's spectrum stays on screen until the new one has gathered its samples
        // (1 M points at 1 MS/s: a second): the status line says so meanwhile.
        SimHost host(setupTone);
        SpectrumInstrument spec(host, SimHost::simAdc());
        spec.resize(1000, 700);
        spec.setSettings(flatTopSettings());
        spec.show();
        QTRY_VERIFY_WITH_TIMEOUT(sequence(spec) >= 2, 20000);
        auto *status = spec.findChild<QLabel *>(QStringLiteral("spectrumStatus"));
        QVERIFY(status);
        QCOMPARE(status->text(), QStringLiteral("16 k points, 8193 bins of 61 Hz"));
        SpectrumSettings big = flatTopSettings();
        big.fftSize = 1 << 20;
        spec.setSettings(big);
        QCOMPARE(status->text(), QStringLiteral("1 M points, 524289 bins of 954 mHz: acquiring the "
                                                "first spectrum (1.05 s of samples)…"));
        QTRY_COMPARE_WITH_TIMEOUT(status->text(),
                                  QStringLiteral("1 M points, 524289 bins of 954 mHz"), 30000);
        QCOMPARE(spec.plot()->snapshot()->bins, std::size_t{524289});
    }

    void shortcutsActWhereverTheFocusIs()
    {
        SimHost host(setupTone);
        SpectrumInstrument spec(host, SimHost::simAdc());
        spec.resize(1000, 700);
        spec.show();
        QApplication::setActiveWindow(&spec);
        QVERIFY(QTest::qWaitForWindowActive(&spec));
        QVERIFY(spec.running());
        spec.waterfall()->setFocus();
        QTest::keyClick(spec.waterfall(), Qt::Key_F5, Qt::ShiftModifier);
        QVERIFY(!spec.running());
        spec.plot()->setFocus();
        QTest::keyClick(spec.plot(), Qt::Key_F5, Qt::ShiftModifier);
        QVERIFY(spec.running());
    }

    void stopExportAndState()
    {
        SimHost host(setupTone);
        auto spec = std::make_unique<SpectrumInstrument>(host, SimHost::simAdc());
        spec->resize(1000, 700);
        spec->setSettings(flatTopSettings());
        QTRY_VERIFY_WITH_TIMEOUT(sequence(*spec) >= 2, 20000);
        spec->setRunning(false);
        QTest::qWait(200); // what was already computed may still arrive
        const std::uint64_t frozen = sequence(*spec);
        QTest::qWait(400);
        QCOMPARE(sequence(*spec), frozen);

        QTemporaryDir dir;
        QVERIFY(spec->exportCsv(dir.filePath("s.csv")));
        QFile csv(dir.filePath("s.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QVERIFY(lines.front().startsWith("frequency_hz,CH1 voltage0 (dBFS)"));
        QCOMPARE(lines.size(), 16384 / 2 + 1 + 2); // header, bins, final newline
        QVERIFY(!spec->exportCsv(dir.filePath("no/such/dir.csv")));
        QVERIFY(host.lastMessage.contains("Could not write"));
        QVERIFY(spec->plot()->exportPng(dir.filePath("s.png")));
        QVERIFY(!QImage(dir.filePath("s.png")).isNull());

        SpectrumSettings changed = flatTopSettings();
        changed.fftSize = 4096;
        changed.unit = dsp::SpectrumUnit::Dbv;
        changed.logFrequency = true;
        spec->setSettings(changed);
        const QJsonObject state = spec->saveState();
        QCOMPARE(state.value("running").toBool(), false);
        spec.reset();
        SpectrumInstrument again(host, SimHost::simAdc());
        again.restoreState(state);
        QCOMPARE(again.settings().toJson(), changed.toJson());
        QVERIFY(!again.running());
        QVERIFY(again.plot()->logFrequency());
    }
};

QTEST_MAIN(TstSpectrumInstrument)
#include "tst_spectrum_instrument.moc"

// End to end on a device: the dmascope main window with the Oscilloscope plugin, offscreen.
// Checks that a triggered trace is drawn and stands still: two screenshots taken a moment
// apart show the same trace pixels, because the trigger (with sub-sample alignment) puts every
// capture of a periodic signal at the same place. Two screenshots of the window are kept as test
// artifacts: the checked one (CH1 alone) and one with all four channels at their own offsets,
// time cursors and the measurements.
//
// DMASCOPE_E2E_URI (default sim:) picks the context, DMASCOPE_E2E_DEVICE (optional) the device
// by name or id; in the QEMU guest this runs against iio-sim-adc over DMABUF under Xvfb.
// DMASCOPE_E2E_SCREENSHOT is the first screenshot's path (default: scope_e2e.png beside the test
// binary); the second is the same path with "_channels" before ".png".
#include "main_window.h"
#include "plugin_manager.h"
#include "scope_instrument.h"

#include "dmascope/ui/time_plot.h"

#include <QDir>

#include <cmath>
#include <QImage>
#include <QLabel>
#include <QTableWidget>
#include <QTest>
#include <QTemporaryDir>

using dmascope::app::MainWindow;
using dmascope::app::MainWindowOptions;
using dmascope::app::PluginManager;
using dmascope::scope::ScopeInstrument;
using dmascope::scope::ScopeSettings;

namespace {

QString envOr(const char *name, const QString &fallback)
{
    const QString v = qEnvironmentVariable(name);
    return v.isEmpty() ? fallback : v;
}

// Pixels of the trace area that differ clearly from the background.
int tracePixels(const QImage &img, const QColor &background)
{
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            if (std::abs(c.red() - background.red()) + std::abs(c.green() - background.green())
                    + std::abs(c.blue() - background.blue())
                > 120)
                ++n;
        }
    return n;
}

// Pixels drawn in (or close to) the trace colour.
int pixelsNear(const QImage &img, const QColor &color)
{
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green())
                    + std::abs(c.blue() - color.blue())
                < 60)
                ++n;
        }
    return n;
}

// Pixels whose colour changed between two images of the same size.
int changedPixels(const QImage &a, const QImage &b)
{
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QColor p = a.pixelColor(x, y);
            const QColor q = b.pixelColor(x, y);
            if (std::abs(p.red() - q.red()) + std::abs(p.green() - q.green())
                    + std::abs(p.blue() - q.blue())
                > 120)
                ++n;
        }
    return n;
}

} // namespace

class TstScopeE2e : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;
    PluginManager plugins_;

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        plugins_.scan({QStringLiteral(DMASCOPE_PLUGIN_BUILD_DIR)});
        QVERIFY(plugins_.loadedPlugin(QStringLiteral("org.dmascope.scope")));
    }

    void triggeredTraceStandsStill()
    {
        const QString uri = envOr("DMASCOPE_E2E_URI", QStringLiteral("sim:"));
        const QString deviceName = qEnvironmentVariable("DMASCOPE_E2E_DEVICE");
        MainWindowOptions o;
        o.startUri = uri;
        o.restoreSession = false;
        o.settingsFile = tmp_.filePath(QStringLiteral("dmascope.ini"));
        MainWindow w(plugins_, o);
        w.resize(1280, 800);
        w.show();
        w.start();
        QTRY_VERIFY_WITH_TIMEOUT(!w.instruments().isEmpty(), 15000);

        auto *scope = qobject_cast<ScopeInstrument *>(w.currentInstrument());
        QVERIFY(scope);
        if (!deviceName.isEmpty())
            QVERIFY2(scope->device().name == deviceName || scope->device().id == deviceName,
                     qPrintable(scope->device().key()));
        QCOMPARE(scope->device().uri, uri);

        // The first channel alone (on iio-sim-adc a 1 kHz, 800 mV sine), triggered on its
        // rising zero crossing, five periods on screen.
        ScopeSettings s = scope->settings();
        s.timePerDiv = 5e-4;
        s.mode = dmascope::dsp::TriggerMode::Normal;
        s.triggerChannel = 0;
        s.triggerLevel = 0.0;
        s.hysteresis = 0.05;
        s.channels.resize(std::max<std::size_t>(s.channels.size(), 4));
        for (std::size_t i = 0; i < s.channels.size(); ++i)
            s.channels[i].enabled = i == 0;
        scope->setSettings(s);

        // A triggered (not auto-forced) capture with the new settings on screen.
        dmascope::ui::TimePlot *plot = scope->plot();
        QTRY_VERIFY_WITH_TIMEOUT(plot->snapshot() && !plot->snapshot()->forced
                                     && plot->snapshot()->traces.size() == 1,
                                 15000);
        const QRect area = plot->plotArea();
        const QColor background = plot->palette().color(QPalette::Base);
        const std::uint64_t firstSequence = plot->snapshot()->sequence;
        const QImage first = plot->grab().toImage().copy(area);

        // Let several new captures replace the first one.
        QTRY_VERIFY_WITH_TIMEOUT(plot->snapshot()->sequence >= firstSequence + 5, 15000);
        const QImage second = plot->grab().toImage().copy(area);

        // The grid alone is a few % of the area; a sine across the screen adds more.
        const int grid = tracePixels(first, background);
        QVERIFY2(grid > area.width(), qPrintable(QString::number(grid)));
        // The trace itself: a sine over 10 divisions crosses every column at least once.
        const int trace = pixelsNear(first, plot->traceColor(0));
        QVERIFY2(trace >= area.width(), qPrintable(QStringLiteral("%1 trace pixels").arg(trace)));
        const int changed = changedPixels(first, second);
        qInfo("changed pixels between captures: %d of %d non-background", changed, grid);
        // A still trace redraws onto the same pixels; antialiasing and noise may flip a few.
        QVERIFY2(changed < area.width() / 4,
                 qPrintable(QStringLiteral("%1 pixels changed").arg(changed)));

        // The measurements panel: CH1's frequency (the first row) is the sine's 1 kHz.
        const auto *table = scope->findChild<QTableWidget *>(QStringLiteral("measurements"));
        QVERIFY(table);
        QTRY_VERIFY_WITH_TIMEOUT(table->rowCount() > 0 && table->item(0, 2), 5000);
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("Frequency"));
        const QString freq = table->item(0, 2)->text(); // "1 kHz", "999 Hz"
        const QStringList parts = freq.split(QLatin1Char(' '));
        QCOMPARE(parts.size(), 2);
        const double hz = parts[0].toDouble() * (parts[1].startsWith(QLatin1Char('k')) ? 1e3 : 1.0);
        QVERIFY2(std::abs(hz - 1000.0) < 10.0, qPrintable(freq));
        const auto *status = scope->findChild<QLabel *>(QStringLiteral("triggerStatus"));
        QVERIFY(status);
        QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("Triggered"), 5000);

        // The whole window as the user sees it.
        const QString artifact = envOr(
            "DMASCOPE_E2E_SCREENSHOT",
            QDir(QStringLiteral(DMASCOPE_TEST_ARTIFACT_DIR)).filePath(QStringLiteral("scope_e2e.png")));
        QVERIFY(w.grab().save(artifact));
        qInfo("screenshot: %s", qPrintable(artifact));

        // All four channels, each at its own offset, time cursors one period apart.
        s = scope->settings();
        s.channels.resize(std::max<std::size_t>(s.channels.size(), 4));
        const double offsets[] = {2.0, 0.5, -1.0, -2.5};
        for (std::size_t i = 0; i < 4; ++i) {
            s.channels[i].enabled = true;
            s.channels[i].voltsPerDiv = 0.5;
            s.channels[i].offsetDivs = offsets[i];
        }
        s.timeCursors = true;
        s.timeCursor1 = 0.0;
        s.timeCursor2 = 1e-3;
        scope->setSettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(plot->snapshot() && plot->snapshot()->traces.size() == 4
                                     && table->rowCount() >= 4 * 10,
                                 15000);
        QVERIFY2(scope->cursorText().contains(QStringLiteral("1/Δt 1 kHz")),
                 qPrintable(scope->cursorText()));
        QString channels = artifact;
        channels.insert(channels.lastIndexOf(QLatin1String(".png")), QLatin1String("_channels"));
        QVERIFY(w.grab().save(channels));
        qInfo("screenshot: %s", qPrintable(channels));
    }
};

QTEST_MAIN(TstScopeE2e)
#include "tst_scope_e2e.moc"

// End to end on a device: the dmascope main window opens the Spectrum analyzer beside the
// Oscilloscope (both on the device's one stream); the tone of channel voltage0 shows at its
// frequency and level in the peak marker, the measurements and the waterfall; and
// `dmascope-cli spectrum` on the same device reads the same frequency and level. The window's
// screenshot is kept as a test artifact (docs/images/spectrum-demo.png comes from it).
//
// DMASCOPE_E2E_URI (default sim:) picks the context, DMASCOPE_E2E_DEVICE (default
// iio-sim-adc) the device. On a real context (the QEMU guest's local: iio_sim, over DMABUF)
// the test first sets the sine's frequency and amplitude attributes; the demo device keeps its
// documented 1 kHz, 800 mV sine (each sim: context is its own device).
#include "main_window.h"
#include "plugin_manager.h"
#include "spectrum_instrument.h"

#include "dmascope/context.h"
#include "dmascope/ui/spectrum_plot.h"
#include "dmascope/ui/waterfall.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using dmascope::app::MainWindow;
using dmascope::app::MainWindowOptions;
using dmascope::app::PluginManager;
using dmascope::spectrum::SpectrumInstrument;
using dmascope::spectrum::SpectrumSettings;

namespace {

QString envOr(const char *name, const QString &fallback)
{
    const QString v = qEnvironmentVariable(name);
    return v.isEmpty() ? fallback : v;
}

constexpr std::size_t kFftSize = 16384;

} // namespace

class TstSpectrumE2e : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;
    PluginManager plugins_;

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        plugins_.scan({QStringLiteral(DMASCOPE_PLUGIN_BUILD_DIR)});
        QVERIFY(plugins_.loadedPlugin(QStringLiteral("org.dmascope.spectrum")));
    }

    void toneAgreesWithTheCli()
    {
        const QString uri = envOr("DMASCOPE_E2E_URI", QStringLiteral("sim:"));
        const QString deviceName = envOr("DMASCOPE_E2E_DEVICE", QStringLiteral("iio-sim-adc"));
        const bool demo = uri == QLatin1String("sim:");
        QElapsedTimer clock; // where the time goes (the guest is slow)
        clock.start();
        const double toneHz = demo ? 1000 : 23456;
        const double toneMv = demo ? 800 : 500;
        const QString rate = demo ? QStringLiteral("1000000") : QStringLiteral("250000");
        if (!demo) {
            // The real driver: its attributes are the device's, whoever opens it next.
            auto ctx = dmascope::Context::open(uri.toStdString());
            const dmascope::DeviceInfo &dev = ctx->device(deviceName.toStdString());
            auto write = [&](const char *channel, const char *name, const QString &value) {
                dmascope::AttributeRef ref;
                ref.device = dev.id;
                if (channel) {
                    ref.scope = dmascope::AttributeRef::Scope::Channel;
                    ref.channel = channel;
                }
                ref.name = name;
                ctx->writeAttribute(ref, value.toStdString());
            };
            write(nullptr, "sampling_frequency", rate);
            write("in_voltage0", "waveform", QStringLiteral("sine"));
            write("in_voltage0", "frequency", QString::number(toneHz));
            write("in_voltage0", "amplitude", QString::number(toneMv));
        }

        // The CLI first: the device's buffer is the app's once its stream runs.
        QProcess cli;
        cli.start(QStringLiteral(DMASCOPE_CLI),
                  {"--uri", uri, "--json", "spectrum", deviceName, "--channel", "voltage0",
                   "--fft-size", QString::number(kFftSize), "--averages", "4", "--window",
                   "flattop", "--seconds", "120"});
        QVERIFY(cli.waitForFinished(180000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QJsonObject fromCli = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        qInfo("CLI done after %lld ms", clock.elapsed());
        const double binHz = fromCli.value("binWidth").toDouble();
        QVERIFY(binHz > 0);
        QVERIFY2(std::abs(fromCli.value("peakFrequency").toDouble() - toneHz) <= binHz,
                 qPrintable(QString::number(fromCli.value("peakFrequency").toDouble())));
        const double expectedDbfs = 20 * std::log10(toneMv / 1000);
        QVERIFY(std::abs(fromCli.value("peakLevel").toDouble() - expectedDbfs) < 0.2);

        MainWindowOptions o;
        o.startUri = uri;
        o.restoreSession = false;
        o.settingsFile = tmp_.filePath(QStringLiteral("dmascope.ini"));
        MainWindow w(plugins_, o);
        w.resize(1280, 800);
        w.show();
        w.start();
        // The default instrument (the Oscilloscope) on the first device, then the Spectrum
        // analyzer on the same device: one stream, two instruments.
        QTRY_VERIFY_WITH_TIMEOUT(!w.instruments().isEmpty(), 30000);
        qInfo("window and Oscilloscope up after %lld ms", clock.elapsed());
        const dmascope::plugin::DeviceDescription device = w.currentInstrument()->device();
        QVERIFY2(device.name == deviceName || device.id == deviceName, qPrintable(device.key()));
        auto *spec = qobject_cast<SpectrumInstrument *>(w.openInstrument(
            *plugins_.loadedPlugin(QStringLiteral("org.dmascope.spectrum")), device));
        QVERIFY(spec);
        QCOMPARE(w.currentInstrument(), spec);

        SpectrumSettings s;
        s.fftSize = kFftSize;
        s.window.type = dmascope::dsp::WindowType::FlatTop;
        s.averaging = dmascope::dsp::Averaging::Exponential;
        s.averages = 4;
        s.channels = {true, false, false, false};
        // 0 .. -200 dB: the 16-bit noise floor (about -137 dBFS per bin) shows too.
        s.referenceLevel = 0;
        s.dbPerDivision = 20;
        s.waterfallLow = -150;
        s.waterfallHigh = -20;
        s.markers = {{dmascope::ui::MarkerType::Peak, 0, 0, 0},
                     {dmascope::ui::MarkerType::NextPeak, 0, 0, 0}};
        spec->setSettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(spec->plot()->snapshot() && spec->plot()->snapshot()->bins
                                         == kFftSize / 2 + 1
                                     && spec->plot()->snapshot()->sequence >= 5
                                     && !spec->metrics().empty() && spec->metrics()[0].metrics,
                                 120000);
        qInfo("first spectra and figures after %lld ms", clock.elapsed());
        // The tone and its first harmonics in view (the peak search follows the view).
        spec->plot()->setFrequencyRange(0, std::min(20 * toneHz, rate.toDouble() / 2));
        // A few seconds of waterfall on the demo device (for the screenshot); some rows in the
        // slow guest.
        QTRY_VERIFY_WITH_TIMEOUT(spec->waterfall()->rowsAdded() >= (demo ? 150u : 10u), 60000);

        qInfo("waterfall rows after %lld ms", clock.elapsed());
        const dmascope::ui::MarkerReadout peak = spec->plot()->markerReadouts().at(0);
        QVERIFY(peak.valid);
        QVERIFY2(std::abs(peak.frequency - toneHz) <= binHz,
                 qPrintable(QString("peak marker at %1 Hz").arg(peak.frequency)));
        // The same spectrum as the CLI's: same bin, level within 0.2 dB.
        QVERIFY2(std::abs(peak.frequency - fromCli.value("peakFrequency").toDouble()) < 1e-6,
                 qPrintable(QString("%1 vs %2").arg(peak.frequency).arg(
                     fromCli.value("peakFrequency").toDouble())));
        QVERIFY2(std::abs(peak.level - fromCli.value("peakLevel").toDouble()) < 0.2,
                 qPrintable(QString("%1 vs %2").arg(peak.level).arg(
                     fromCli.value("peakLevel").toDouble())));
        const auto &m = *spec->metrics()[0].metrics;
        QVERIFY(std::abs(m.fundamentalHz - fromCli.value("fundamentalFrequency").toDouble())
                < 0.1 * binHz);
        QVERIFY2(std::abs(m.snrDb - fromCli.value("snr").toDouble()) < 3,
                 qPrintable(QString("SNR %1 vs %2").arg(m.snrDb).arg(fromCli.value("snr").toDouble())));

        // The waterfall's newest row is brightest around the tone's column (the tone's lobe
        // may saturate several columns: take the middle of the brightest run).
        const QImage rows = spec->waterfall()->historyImage();
        std::vector<int> sums;
        for (int x = 0; x < rows.width(); ++x) {
            const QColor c(rows.pixel(x, 0));
            sums.push_back(c.red() + c.green() + c.blue());
        }
        const int top = *std::max_element(sums.begin(), sums.end());
        const int first = int(std::find(sums.begin(), sums.end(), top) - sums.begin());
        int last = first;
        while (last + 1 < int(sums.size()) && sums[std::size_t(last) + 1] == top)
            ++last;
        QVERIFY2(std::abs((first + last) / 2 - spec->waterfall()->columnOf(toneHz)) <= 2,
                 qPrintable(QString("brightest %1..%2, tone at %3")
                                .arg(first)
                                .arg(last)
                                .arg(spec->waterfall()->columnOf(toneHz))));

        const QString artifact = QDir(QStringLiteral(DMASCOPE_TEST_ARTIFACT_DIR))
                                     .filePath(QStringLiteral("spectrum_e2e.png"));
        QVERIFY(w.grab().save(artifact));
        qInfo("screenshot: %s", qPrintable(artifact));
    }
};

QTEST_MAIN(TstSpectrumE2e)
#include "tst_spectrum_e2e.moc"

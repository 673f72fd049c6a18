// A recording played back through the app, offscreen: the main window opens a recording made in
// the test (the demo device's channel 0 at one DC level, then another) as a source, the
// Oscilloscope shows what was recorded, and the playback bar's seek, loop and end work, checked
// by the level the scope shows (the recording says where each level is); the Spectrum analyzer
// on the same recording shows the tone recorded on channel 1. Malformed and empty recordings are
// refused with a message and no instrument. Closing the window while the Recorder records asks
// first.
#include "main_window.h"
#include "playback_bar.h"
#include "plugin_manager.h"
#include "recording_fixture.h"
#include "scope_instrument.h"
#include "spectrum_instrument.h"

#include "dmascope/playback_stream.h"
#include "dmascope/ui/time_plot.h"

#include <QDir>
#include <QJsonObject>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

using namespace dmascope;
using dmascope::app::MainWindow;
using dmascope::app::MainWindowOptions;
using dmascope::app::PlaybackBar;
using dmascope::app::PluginManager;
using dmascope::scope::ScopeInstrument;
using dmascope::spectrum::SpectrumInstrument;
using dmascope::spectrum::SpectrumSettings;

namespace {

constexpr std::uint32_t kRate = 100'000;
constexpr std::uint64_t kFrames = 200'000; // 2 s
constexpr double kFirstMv = 500, kSecondMv = -300;
constexpr double kToneHz = 3100, kToneMv = 400; // on channel 1

// The mean level of the first trace on screen, in its unit (V); NaN without data.
double shownLevel(const ScopeInstrument &scope)
{
    const auto snap = scope.plot()->snapshot();
    if (!snap || snap->traces.empty())
        return std::nan("");
    const ui::PlotTrace &t = snap->traces.front();
    double sum = 0;
    int n = 0;
    for (std::size_t c = 0; c < t.min.size(); ++c) {
        if (std::isnan(t.min[c]))
            continue;
        sum += 0.5 * (double(t.min[c]) + double(t.max[c]));
        ++n;
    }
    return n ? sum / n : std::nan("");
}

std::uint64_t sequence(const ScopeInstrument &scope)
{
    const auto snap = scope.plot()->snapshot();
    return snap ? snap->sequence : 0;
}

bool near(double volts, double millivolts)
{
    return std::abs(volts * 1000 - millivolts) < 20;
}

} // namespace

class TstRecorderPlayback : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;
    PluginManager plugins_;
    QString path_;
    std::uint64_t change_ = 0; // first frame at the second level

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        plugins_.scan({QStringLiteral(DMASCOPE_PLUGIN_BUILD_DIR)});
        QVERIFY(plugins_.loadedPlugin(QStringLiteral("org.dmascope.scope")));
        QVERIFY(plugins_.loadedPlugin(QStringLiteral("org.dmascope.spectrum")));

        rectest::SimSource source;
        source.setDc(0, kFirstMv);
        source.setSine(1, kToneHz, kToneMv);
        source.start(kRate);
        QString error;
        path_ = rectest::record(
            source, tmp_.path(), QStringLiteral("levels"), kFrames,
            [&source] {
                std::this_thread::sleep_for(std::chrono::milliseconds(800));
                source.setDc(0, kSecondMv);
            },
            &error);
        source.stream->stop();
        QVERIFY2(!path_.isEmpty(), qPrintable(error));

        // Where the level changed, from the file itself.
        const auto rec = SigmfRecording::open(path_.toStdString());
        QCOMPARE(rec->frameCount(), kFrames);
        std::vector<double> v(kFrames);
        rec->readPhysical(0, 0, kFrames, v.data());
        while (change_ < kFrames && v[change_] > 0)
            ++change_;
        QVERIFY2(change_ > kFrames / 5 && change_ < kFrames * 4 / 5,
                 qPrintable(QStringLiteral("level changed at frame %1").arg(change_)));
    }

    void scopeShowsTheRecordingAndSeekLoopAndEndWork()
    {
        MainWindowOptions o;
        o.restoreSession = false;
        o.settingsFile = tmp_.filePath(QStringLiteral("dmascope.ini"));
        MainWindow w(plugins_, o);
        w.resize(1280, 800);
        w.show();
        QString error;
        QVERIFY2(w.openRecording(path_, &error), qPrintable(error));
        auto *scope = qobject_cast<ScopeInstrument *>(w.currentInstrument());
        QVERIFY(scope);
        QVERIFY(scope->device().isRecording());
        QCOMPARE(scope->device().sampleRate, double(kRate));

        auto *bar = w.findChild<PlaybackBar *>(QStringLiteral("playbackBar"));
        QVERIFY(bar);
        QTRY_VERIFY_WITH_TIMEOUT(bar->stream() && bar->isVisible(), 5000);
        PlaybackStream *stream = bar->stream();
        QCOMPARE(stream->recording()->frameCount(), kFrames);

        // Slowly, so each level stays on screen long enough to be seen after a seek.
        bar->setSpeed(0.1);
        bar->seekToFraction(double(change_) / 2 / kFrames);
        QTRY_VERIFY_WITH_TIMEOUT(near(shownLevel(*scope), kFirstMv), 10000);
        bar->seekToFraction((double(change_) + kFrames) / 2 / kFrames);
        QTRY_VERIFY_WITH_TIMEOUT(near(shownLevel(*scope), kSecondMv), 10000);
        QVERIFY(stream->position() > change_);

        // Pause: the position and the scope stand still.
        bar->togglePlay();
        QCOMPARE(stream->playbackState(), PlaybackState::Paused);
        QTest::qWait(300); // captures already queued may still arrive
        const std::uint64_t pausedAt = stream->position();
        const std::uint64_t pausedSequence = sequence(*scope);
        QTest::qWait(500);
        QCOMPARE(stream->position(), pausedAt);
        QCOMPARE(sequence(*scope), pausedSequence);
        bar->togglePlay();
        QCOMPARE(stream->playbackState(), PlaybackState::Playing);

        // Loop: from near the end, playback wraps to the start (the first level again).
        bar->setSpeed(1);
        bar->setLoop(true);
        bar->seekToFraction(0.99);
        QTRY_VERIFY_WITH_TIMEOUT(stream->loops() >= 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(near(shownLevel(*scope), kFirstMv), 10000);
        QCOMPARE(stream->playbackState(), PlaybackState::Playing);

        // Without loop it ends, and the scope stops receiving captures.
        bar->setLoop(false);
        bar->seekToFraction(0.99);
        QTRY_COMPARE_WITH_TIMEOUT(stream->playbackState(), PlaybackState::Ended, 10000);
        QTest::qWait(300); // captures already queued may still arrive
        const std::uint64_t last = sequence(*scope);
        QTest::qWait(500);
        QCOMPARE(sequence(*scope), last);

        // Play at the end starts over.
        bar->togglePlay();
        QTRY_VERIFY_WITH_TIMEOUT(sequence(*scope) > last, 10000);
        QCOMPARE(stream->playbackState(), PlaybackState::Playing);
    }

    void spectrumShowsTheRecordedTone()
    {
        MainWindowOptions o;
        o.restoreSession = false;
        o.settingsFile = tmp_.filePath(QStringLiteral("spectrum.ini"));
        MainWindow w(plugins_, o);
        w.resize(1280, 800);
        w.show();
        QString error;
        QVERIFY2(w.openRecording(path_, &error), qPrintable(error));
        const plugin::DeviceDescription device = w.currentInstrument()->device();
        QVERIFY(device.isRecording());
        auto *spec = qobject_cast<SpectrumInstrument *>(w.openInstrument(
            *plugins_.loadedPlugin(QStringLiteral("org.dmascope.spectrum")), device));
        QVERIFY(spec);
        auto *bar = w.findChild<PlaybackBar *>(QStringLiteral("playbackBar"));
        QTRY_VERIFY_WITH_TIMEOUT(bar->stream(), 5000);
        bar->setLoop(true);

        constexpr std::size_t kFft = 8192;
        SpectrumSettings s;
        s.fftSize = kFft;
        s.channels = {false, true, false, false};
        s.markers = {{ui::MarkerType::Peak, 0, 0, 0}};
        spec->setSettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(spec->plot()->snapshot() &&
                                     spec->plot()->snapshot()->bins == kFft / 2 + 1 &&
                                     spec->plot()->snapshot()->sequence >= 3,
                                 20000);
        const ui::MarkerReadout peak = spec->plot()->markerReadouts().at(0);
        QVERIFY(peak.valid);
        const double binHz = double(kRate) / kFft;
        QVERIFY2(std::abs(peak.frequency - kToneHz) <= binHz,
                 qPrintable(QStringLiteral("peak at %1 Hz").arg(peak.frequency)));
    }

    void theSessionReopensTheRecordingWithItsInstrument()
    {
        MainWindowOptions o;
        o.startUri = QStringLiteral("sim:");
        o.settingsFile = tmp_.filePath(QStringLiteral("session.ini"));
        {
            MainWindow w(plugins_, o);
            QString error;
            QVERIFY2(w.openRecording(path_, &error), qPrintable(error));
            QCOMPARE(w.instruments().size(), 1);
            w.saveSettings();
        }
        MainWindow again(plugins_, o);
        again.start();
        QTRY_VERIFY_WITH_TIMEOUT(!again.instruments().isEmpty(), 10000);
        auto *scope = qobject_cast<ScopeInstrument *>(again.instruments().front());
        QVERIFY(scope);
        QVERIFY(scope->device().isRecording());
        QCOMPARE(scope->device().id, path_);
        QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(shownLevel(*scope)), 10000);
    }

    void closingWhileRecordingAsksFirst()
    {
        // Quitting (or closing the Recorder's tab) while it records asks; "no" keeps it all
        // running, "yes" stops the recording, which is then complete on disk.
        QTemporaryDir folder;
        QStringList asked;
        bool answer = false;
        MainWindowOptions o;
        o.startUri = QStringLiteral("sim:");
        o.restoreSession = false;
        o.settingsFile = tmp_.filePath(QStringLiteral("quit.ini"));
        o.confirmClose = [&](const QStringList &busy) {
            asked = busy;
            return answer;
        };
        {
            MainWindow w(plugins_, o);
            w.show();
            w.start();
            QTRY_COMPARE_WITH_TIMEOUT(w.instruments().size(), 1, 10000);
            const auto *spec = plugins_.loadedPlugin(QStringLiteral("org.dmascope.recorder"));
            QVERIFY(spec);
            plugin::Instrument *recorder =
                w.openInstrument(*spec, w.instruments().front()->device());
            QVERIFY(recorder);
            QJsonObject state = recorder->saveState();
            state[QStringLiteral("folder")] = folder.path();
            state[QStringLiteral("namePattern")] = QStringLiteral("quit");
            recorder->restoreState(state);
            QVERIFY(w.close()); // nothing busy yet: no question
            QVERIFY(asked.isEmpty());
            w.show();
            auto *record = recorder->findChild<QPushButton *>(QStringLiteral("recorderRecord"));
            QVERIFY(record);
            record->click();
            QTRY_VERIFY_WITH_TIMEOUT(!recorder->busyWith().isEmpty(), 10000);

            QVERIFY(!w.close());
            QCOMPARE(asked, QStringList{QStringLiteral("recording to %1")
                                            .arg(QDir(folder.path()).filePath("quit.sigmf-meta"))});
            QVERIFY(w.isVisible());
            QVERIFY(!recorder->busyWith().isEmpty()); // still recording
            answer = true;
            QVERIFY(w.close());
        }
        const auto rec = SigmfRecording::open(
            QDir(folder.path()).filePath(QStringLiteral("quit")).toStdString());
        QVERIFY(rec->frameCount() > 0);
        QVERIFY(rec->warnings().empty()); // closed: the final metadata describes every sample
    }

    void aMalformedRecordingIsRefusedWithTheReadersMessage()
    {
        const QString bad = tmp_.filePath(QStringLiteral("bad.sigmf-meta"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"global\": {\"core:datatype\": \"ri16_le\"}}");
        f.close();
        QFile(tmp_.filePath(QStringLiteral("bad.sigmf-data"))).open(QIODevice::WriteOnly);
        MainWindowOptions o;
        o.restoreSession = false;
        o.settingsFile = tmp_.filePath(QStringLiteral("dmascope2.ini"));
        MainWindow w(plugins_, o);
        QString error;
        QVERIFY(!w.openRecording(bad, &error));
        QVERIFY2(!error.isEmpty(), "no message");
        QVERIFY(w.instruments().isEmpty());
    }

    void aRecordingWithoutSamplesIsRefusedWithoutAnInstrument()
    {
        // A recording stopped before its first block: valid, but nothing to show; no tab that
        // waits forever.
        const QString meta = tmp_.filePath(QStringLiteral("empty.sigmf-meta"));
        QVERIFY(QFile::copy(path_, meta));
        QFile(tmp_.filePath(QStringLiteral("empty.sigmf-data"))).open(QIODevice::WriteOnly);
        MainWindowOptions o;
        o.restoreSession = false;
        o.settingsFile = tmp_.filePath(QStringLiteral("dmascope3.ini"));
        MainWindow w(plugins_, o);
        QString error;
        QVERIFY(!w.openRecording(meta, &error));
        QCOMPARE(error, QStringLiteral("the recording holds no samples: there is nothing to play"));
        QVERIFY(w.instruments().isEmpty());
    }
};

QTEST_MAIN(TstRecorderPlayback)
#include "tst_recorder_playback.moc"

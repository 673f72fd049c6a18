// ScopeInstrument on a running SimStream (no main window): snapshots arrive, Stop freezes the
// display, Single captures once and stops (the Run/Stop button and status then say so), the
// toolbar's shortcuts work with the focus anywhere in the instrument, the state survives
// saveState/restoreState, the display controls (persistence, cursors, autoscale) drive the plot,
// and measurements over the whole record collect statistics.
#include "scope_instrument.h"

#include "dmascope/plugin/instrument_host.h"
#include "dmascope/sim_stream.h"
#include "dmascope/ui/time_plot.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QTableWidget>
#include <QTest>

#include <cmath>

using namespace dmascope;
using dmascope::scope::ScopeInstrument;
using dmascope::scope::ScopeSettings;

namespace {

class SimHost final : public plugin::InstrumentHost
{
public:
    std::shared_ptr<Stream> openStream(const plugin::DeviceDescription &, QString *) override
    {
        if (!stream) {
            stream = std::make_shared<SimStream>();
            StreamConfig c;
            c.samplesPerBlock = 16384;
            stream->start(c);
        }
        return stream;
    }
    void showStatusMessage(const QString &text, int) override { lastMessage = text; }

    std::shared_ptr<Stream> stream;
    QString lastMessage;
};

plugin::DeviceDescription simAdc()
{
    plugin::DeviceDescription d;
    d.uri = QStringLiteral("sim:");
    d.id = QStringLiteral("sim:adc");
    d.name = QStringLiteral("iio-sim-adc");
    d.kind = QStringLiteral("adc");
    d.transport = plugin::DeviceDescription::Transport::Demo;
    d.sampleRate = 1e6;
    return d;
}

std::uint64_t sequence(const ScopeInstrument &s)
{
    const auto snap = s.plot()->snapshot();
    return snap ? snap->sequence : 0;
}

} // namespace

class TstScopeInstrument : public QObject
{
    Q_OBJECT

private slots:
    void capturesStopsAndSingles()
    {
        SimHost host;
        ScopeInstrument scope(host, simAdc());
        scope.resize(1000, 600);
        scope.show();
        QTRY_VERIFY_WITH_TIMEOUT(sequence(scope) >= 3, 10000);
        QVERIFY(scope.running());

        // Stop: the display keeps its last capture.
        scope.setRunning(false);
        QTest::qWait(100); // what was already queued may still arrive
        const std::uint64_t frozen = sequence(scope);
        QTest::qWait(400);
        QCOMPARE(sequence(scope), frozen);

        // Single: exactly one new capture, then nothing until re-armed.
        scope.single();
        QTRY_VERIFY_WITH_TIMEOUT(sequence(scope) > frozen, 10000);
        QTest::qWait(400);
        const std::uint64_t afterSingle = sequence(scope);
        QTest::qWait(400);
        QCOMPARE(sequence(scope), afterSingle);
        QVERIFY(scope.settings().mode == dsp::TriggerMode::Single);
        // The button and the status say what happened and what a click does.
        auto *run = scope.findChild<QAction *>(QStringLiteral("actionRunStop"));
        auto *status = scope.findChild<QLabel *>(QStringLiteral("triggerStatus"));
        QVERIFY(run && status);
        QTRY_COMPARE_WITH_TIMEOUT(run->text(), QStringLiteral("Run"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("Stopped (single capture)"),
                                  10000);

        // Run: acquiring again, in the mode used before Single.
        run->trigger();
        QVERIFY(scope.settings().mode == dsp::TriggerMode::Auto);
        QTRY_VERIFY_WITH_TIMEOUT(sequence(scope) > afterSingle + 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(run->text(), QStringLiteral("Stop"), 10000);
        run->trigger();
        QVERIFY(!scope.running());
        QCOMPARE(run->text(), QStringLiteral("Run"));
        QCOMPARE(status->text(), QStringLiteral("Stopped"));
    }

    void shortcutsActWhereverTheFocusIs()
    {
        // In the plot or a panel control, not only on the toolbar (which never takes focus).
        SimHost host;
        ScopeInstrument scope(host, simAdc());
        scope.resize(1000, 600);
        scope.show();
        QApplication::setActiveWindow(&scope);
        QVERIFY(QTest::qWaitForWindowActive(&scope));
        QTRY_VERIFY_WITH_TIMEOUT(sequence(scope) >= 1, 10000);
        QVERIFY(scope.running());
        scope.plot()->setFocus();
        QTest::keyClick(scope.plot(), Qt::Key_F5, Qt::ShiftModifier);
        QVERIFY(!scope.running());
        auto *spin = scope.findChild<QDoubleSpinBox *>();
        QVERIFY(spin);
        spin->setFocus();
        QTest::keyClick(spin, Qt::Key_F5, Qt::ShiftModifier);
        QVERIFY(scope.running());
        QVERIFY(!scope.settings().timeCursors);
        QTest::keyClick(spin, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(scope.settings().timeCursors);
    }

    void stateRoundTripsAndAppliesToTheView()
    {
        SimHost host;
        ScopeInstrument scope(host, simAdc());
        QTRY_VERIFY_WITH_TIMEOUT(sequence(scope) >= 1, 10000);
        QJsonObject state = scope.saveState();
        state[QStringLiteral("timePerDiv")] = 1e-4;
        state[QStringLiteral("triggerPosition")] = 0.1;
        state[QStringLiteral("running")] = false;
        scope.restoreState(state);
        QCOMPARE(scope.settings().timePerDiv, 1e-4);
        QVERIFY(!scope.running());
        const ui::ViewRange v = scope.plot()->view();
        QVERIFY(qFuzzyCompare(v.t0, -1e-4)); // 10 % of 1 ms before the trigger
        QVERIFY(qFuzzyCompare(v.t1, 9e-4));
        QCOMPARE(scope.saveState().value(QLatin1String("running")).toBool(), false);
    }

    void displayControlsDriveThePlotAndPersist()
    {
        SimHost host;
        QJsonObject saved;
        {
            ScopeInstrument scope(host, simAdc());
            scope.resize(1000, 600);
            scope.show();
            QTRY_VERIFY_WITH_TIMEOUT(sequence(scope) >= 1, 10000);
            auto *persistence = scope.findChild<QAction *>(QStringLiteral("actionPersistence"));
            auto *timeCursors = scope.findChild<QAction *>(QStringLiteral("actionTimeCursors"));
            auto *valueCursors = scope.findChild<QAction *>(QStringLiteral("actionValueCursors"));
            auto *decay = scope.findChild<QDoubleSpinBox *>(QStringLiteral("persistenceDecay"));
            QVERIFY(persistence && timeCursors && valueCursors && decay);
            QCOMPARE(persistence->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));

            persistence->trigger();
            QVERIFY(scope.plot()->persistence());
            decay->setValue(0.6);
            QCOMPARE(scope.plot()->persistenceDecay(), 0.6);
            QTRY_VERIFY_WITH_TIMEOUT(!scope.plot()->persistenceImage().isNull(), 5000);

            timeCursors->trigger();
            valueCursors->trigger();
            QVERIFY(scope.plot()->timeCursorsVisible() && scope.plot()->valueCursorsVisible());
            // placed on the 2nd and 8th division of 1 ms/div with the trigger in the middle
            const ui::CursorReadout r = scope.plot()->cursorReadout();
            QVERIFY(std::abs(r.t1 + 3e-3) < 1e-9 && std::abs(r.t2 - 3e-3) < 1e-9);
            QVERIFY(std::abs(*r.inverseDeltaT - 1e3 / 6) < 1e-6);
            const QString text = scope.cursorText();
            QVERIFY2(text.contains(QStringLiteral("1/Δt 167 Hz")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("ΔV")), qPrintable(text));
            // the panel follows (every 200 ms)
            auto *panel = scope.findChild<QLabel *>(QStringLiteral("cursorReadout"));
            QTRY_COMPARE_WITH_TIMEOUT(panel->text(), scope.cursorText(), 2000);
            // moved in the plot: the settings follow
            scope.plot()->setTimeCursors(true, -1e-3, 2e-3);
            QCOMPARE(scope.settings().timeCursor2, 2e-3);
            saved = scope.saveState();
        }
        ScopeInstrument restored(host, simAdc());
        restored.restoreState(saved);
        QVERIFY(restored.plot()->persistence());
        QCOMPARE(restored.plot()->persistenceDecay(), 0.6);
        QVERIFY(restored.plot()->timeCursorsVisible() && restored.plot()->valueCursorsVisible());
        QCOMPARE(restored.plot()->cursorReadout().t1, -1e-3);
        QCOMPARE(restored.plot()->cursorReadout().t2, 2e-3);
        QVERIFY(restored.findChild<QAction *>(QStringLiteral("actionPersistence"))->isChecked());
    }

    // The demo's voltage0: a 1 kHz sine of 800 mV peak.
    void measuresTheRecordWithStatisticsAndAutoscales()
    {
        SimHost host;
        ScopeInstrument scope(host, simAdc());
        scope.resize(1000, 600);
        scope.show();
        const dsp::MeasurementStats *stats = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((stats = scope.statistics(0)) && stats->frequency.count() >= 3, 15000);
        QVERIFY2(std::abs(stats->frequency.mean() - 1000.0) < 5.0, qPrintable(QString::number(stats->frequency.mean())));
        QVERIFY(stats->frequency.stddev() < 5.0);
        QVERIFY(std::abs(stats->peakToPeak.mean() - 1.6) < 0.1);
        QVERIFY(std::abs(stats->rms.mean() - 0.8 / std::sqrt(2.0)) < 0.03);
        QVERIFY(stats->frequency.min() <= stats->frequency.max());
        // 1 ms/div, 1 MS/s: the record is 10 000 samples, all measured
        auto *span = scope.findChild<QLabel *>(QStringLiteral("measuredSpan"));
        QVERIFY2(span->text().contains(QStringLiteral("whole record (10000 samples")), qPrintable(span->text()));
        auto *table = scope.findChild<QTableWidget *>(QStringLiteral("measurements"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("Frequency"));

        // A new set-up starts the statistics again: at 10 us/div (100 us on screen) a 1 kHz
        // period cannot be measured, and the old captures' mean must not stand beside that.
        ScopeSettings fast = scope.settings();
        fast.timePerDiv = 1e-5;
        scope.setSettings(fast);
        QCOMPARE(scope.statistics(0)->frequency.count(), 0u);
        QTRY_VERIFY_WITH_TIMEOUT(scope.statistics(0)->rms.count() >= 2, 15000);
        QCOMPARE(scope.statistics(0)->frequency.count(), 0u);
        fast.timePerDiv = 1e-3; // back to a set-up where it is measured
        scope.setSettings(fast);
        QTRY_VERIFY_WITH_TIMEOUT(scope.statistics(0)->frequency.count() >= 1, 15000);

        // Autoscale: 1.6 V pk-pk over ~6 divisions -> 0.5 V/div, and 3 periods on screen.
        ScopeSettings s = scope.settings();
        s.channels.resize(4);
        s.channels[0].voltsPerDiv = 0.01; // far too sensitive
        s.channels[0].offsetDivs = 2;
        scope.setSettings(s);
        QVERIFY(scope.autoscaleNow());
        QCOMPARE(scope.settings().channel(0).voltsPerDiv, 0.5);
        QVERIFY(std::abs(scope.settings().channel(0).offsetDivs) <= 0.2);
        QCOMPARE(scope.settings().timePerDiv, 5e-4);
        QVERIFY(std::abs(scope.settings().triggerLevel) < 0.05);
    }

    void exportsTheVisibleCaptureAsCsv()
    {
        SimHost host;
        ScopeInstrument scope(host, simAdc());
        scope.resize(1000, 600);
        scope.show();
        QTRY_VERIFY_WITH_TIMEOUT(sequence(scope) >= 1, 10000);
        const QString path = QDir::temp().filePath(QStringLiteral("tst_scope_instrument.csv"));
        QVERIFY(scope.exportCsv(path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QVERIFY(lines.size() > 100); // one row per screen column at least
        QVERIFY2(lines[1].startsWith("time_s,CH1_min_V,CH1_max_V"), lines[1].constData());
        QVERIFY(host.lastMessage.startsWith(QStringLiteral("Exported")));
        f.remove();
    }
};

QTEST_MAIN(TstScopeInstrument)
#include "tst_scope_instrument.moc"

// ScopeInstrument on a running SimStream (no main window): snapshots arrive, Stop freezes the
// display, Single captures once and stops, and the state survives saveState/restoreState.
#include "scope_instrument.h"

#include "dmascope/plugin/instrument_host.h"
#include "dmascope/sim_stream.h"
#include "dmascope/ui/time_plot.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace dmascope;
using dmascope::scope::ScopeInstrument;

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

// PluginManager against the fixtures in fixtures/: one good plugin and one of each broken kind.
// Every broken one must be listed with its reason and skipped; the good one must load and work.
#include "plugin_manager.h"

#include "dmascope/plugin/instrument.h"
#include "dmascope/plugin/instrument_host.h"
#include "dmascope/plugin/instrument_plugin.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using dmascope::app::PluginManager;
using dmascope::app::PluginSpec;
using dmascope::app::toString;
using namespace dmascope::plugin;

namespace {

const QString kFixtures = QStringLiteral(DMASCOPE_FIXTURE_PLUGIN_DIR);

class NullHost final : public InstrumentHost
{
public:
    std::shared_ptr<dmascope::Stream> openStream(const DeviceDescription &, QString *error) override
    {
        if (error)
            *error = QStringLiteral("no streams in this test");
        return nullptr;
    }
};

DeviceDescription device(const QString &name, const QString &kind)
{
    DeviceDescription d;
    d.uri = QStringLiteral("sim:");
    d.id = QStringLiteral("iio:device0");
    d.name = name;
    d.kind = kind;
    return d;
}

} // namespace

class TstPluginManager : public QObject
{
    Q_OBJECT

    const PluginSpec *specFor(const PluginManager &m, const QString &fileBase)
    {
        for (const PluginSpec &s : m.specs())
            if (QFileInfo(s.path).completeBaseName() == fileBase)
                return &s;
        return nullptr;
    }

private slots:
    void scansEveryFixtureAndKeepsGoing()
    {
        PluginManager m;
        m.scan({kFixtures});
        QCOMPARE(m.specs().size(), 5u);
        int loaded = 0;
        for (const PluginSpec &s : m.specs()) {
            if (s.state == PluginSpec::State::Loaded)
                ++loaded;
            else
                QVERIFY2(!s.error.isEmpty(), qPrintable(s.path));
        }
        QCOMPARE(loaded, 1);
    }

    void loadsTheGoodPlugin()
    {
        PluginManager m;
        m.scan({kFixtures});
        const PluginSpec *s = specFor(m, QStringLiteral("fixture_good"));
        QVERIFY(s);
        QCOMPARE(toString(s->state), toString(PluginSpec::State::Loaded));
        QVERIFY(s->error.isEmpty());
        QVERIFY(s->plugin);
        QCOMPARE(s->metadata.id, QStringLiteral("org.dmascope.test.good"));
        QCOMPARE(s->metadata.name, QStringLiteral("Good fixture"));
        // Filled in by dmascope_add_plugin from the same variables as the app's version.
        QCOMPARE(s->metadata.apiVersion, kPluginApiVersion);
        QCOMPARE(s->metadata.version, QStringLiteral(DMASCOPE_TEST_PROJECT_VERSION));
        QCOMPARE(m.loadedPlugin(QStringLiteral("org.dmascope.test.good")), s);
    }

    void wrongApiVersionIsSkippedWithBothVersions()
    {
        PluginManager m;
        m.scan({kFixtures});
        const PluginSpec *s = specFor(m, QStringLiteral("fixture_wrong_api"));
        QVERIFY(s);
        QCOMPARE(toString(s->state), toString(PluginSpec::State::Failed));
        QVERIFY(!s->plugin);
        QVERIFY2(s->error.contains(QStringLiteral("API version 999")), qPrintable(s->error));
        QVERIFY2(s->error.contains(QString::number(kPluginApiVersion)), qPrintable(s->error));
        // Its metadata was readable, so the Plugins dialog can still say which plugin it is.
        QCOMPARE(s->metadata.id, QStringLiteral("org.dmascope.test.wrong_api"));
    }

    void libraryWithoutPluginSymbolIsNotAQtPlugin()
    {
        PluginManager m;
        m.scan({kFixtures});
        const PluginSpec *s = specFor(m, QStringLiteral("fixture_not_a_plugin"));
        QVERIFY(s);
        QCOMPARE(toString(s->state), toString(PluginSpec::State::Failed));
        QVERIFY2(s->error.startsWith(QStringLiteral("not a Qt plugin")), qPrintable(s->error));
    }

    void corruptMetadataNamesTheField()
    {
        PluginManager m;
        m.scan({kFixtures});
        const PluginSpec *s = specFor(m, QStringLiteral("fixture_corrupt_metadata"));
        QVERIFY(s);
        QCOMPARE(toString(s->state), toString(PluginSpec::State::Failed));
        QVERIFY2(s->error.startsWith(QStringLiteral("corrupt metadata")), qPrintable(s->error));
        QVERIFY2(s->error.contains(QStringLiteral("\"id\"")), qPrintable(s->error));
    }

    void unresolvedSymbolFailsAtLoadNotLater()
    {
        PluginManager m;
        m.scan({kFixtures});
        const PluginSpec *s = specFor(m, QStringLiteral("fixture_unresolved_symbol"));
        QVERIFY(s);
        QCOMPARE(toString(s->state), toString(PluginSpec::State::Failed));
        QVERIFY2(s->error.startsWith(QStringLiteral("load failed")), qPrintable(s->error));
        QVERIFY2(s->error.contains(QStringLiteral("dmascope_fixture_symbol_defined_nowhere")),
                 qPrintable(s->error));
    }

    void laterCopyOfAnIdIsShadowed()
    {
        QTemporaryDir second;
        QVERIFY(second.isValid());
        QVERIFY(QFile::copy(kFixtures + QStringLiteral("/fixture_good.so"),
                            second.path() + QStringLiteral("/fixture_good.so")));
        PluginManager m;
        m.scan({kFixtures, second.path()});
        QCOMPARE(m.specs().size(), 6u);
        const PluginSpec &copy = m.specs().back();
        QCOMPARE(toString(copy.state), toString(PluginSpec::State::Shadowed));
        QVERIFY2(copy.error.contains(kFixtures), qPrintable(copy.error));
        QCOMPARE(m.loadedPlugin(QStringLiteral("org.dmascope.test.good"))->path,
                 QDir(kFixtures).filePath(QStringLiteral("fixture_good.so")));
    }

    void missingDirectoryIsNotAnError()
    {
        PluginManager m;
        m.scan({QStringLiteral("/nonexistent/dmascope/plugins")});
        QVERIFY(m.specs().empty());
        QCOMPARE(m.searchedDirs().size(), 1);
    }

    void offersPluginsByKindAndProbe()
    {
        PluginManager m;
        m.scan({kFixtures});
        const auto forAdc = m.pluginsFor(device(QStringLiteral("iio-sim-adc"), QStringLiteral("adc")));
        QCOMPARE(forAdc.size(), 1);
        QCOMPARE(forAdc.front()->metadata.id, QStringLiteral("org.dmascope.test.good"));
        QVERIFY(m.pluginsFor(device(QStringLiteral("iio-sim-dac"), QStringLiteral("dac"))).isEmpty());
        QVERIFY(m.pluginsFor(device(QStringLiteral("reject-me"), QStringLiteral("adc"))).isEmpty());
    }

    void goodPluginCreatesAnInstrumentThatKeepsState()
    {
        PluginManager m;
        m.scan({kFixtures});
        const PluginSpec *s = m.loadedPlugin(QStringLiteral("org.dmascope.test.good"));
        QVERIFY(s);
        NullHost host;
        QWidget parent;
        const DeviceDescription d = device(QStringLiteral("iio-sim-adc"), QStringLiteral("adc"));
        Instrument *inst = s->plugin->createInstrument(host, d, &parent);
        QVERIFY(inst);
        QCOMPARE(inst->parentWidget(), &parent);
        QCOMPARE(inst->device().key(), d.key());
        const QJsonObject state{{QStringLiteral("timebase"), 0.001}};
        inst->restoreState(state);
        QCOMPARE(inst->saveState(), state);
    }
};

QTEST_MAIN(TstPluginManager)
#include "tst_plugin_manager.moc"

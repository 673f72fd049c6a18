// MainWindow smoke test, offscreen: starts on sim:, opens the Oscilloscope from the build tree's
// plugins, shows the demo acquisition path and a live rate in the status bar, switches
// instruments with Ctrl+Tab / Ctrl+Shift+Tab (named so in the menu), and restores the open
// instruments from its settings on the next start.
#include "device_browser.h"
#include "main_window.h"
#include "plugin_manager.h"

#include "dmascope/context.h"
#include "dmascope/plugin/instrument.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using dmascope::app::MainWindow;
using dmascope::app::MainWindowOptions;
using dmascope::app::PluginManager;

class TstMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;
    PluginManager plugins_;

    MainWindowOptions options(bool restore) const
    {
        MainWindowOptions o;
        o.startUri = QStringLiteral("sim:");
        o.restoreSession = restore;
        o.settingsFile = tmp_.filePath(QStringLiteral("dmascope.ini"));
        return o;
    }

    static QString label(const MainWindow &w, const char *name)
    {
        const auto *l = w.findChild<QLabel *>(QLatin1String(name));
        return l ? l->text() : QStringLiteral("<no %1>").arg(QLatin1String(name));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        plugins_.scan({QStringLiteral(DMASCOPE_PLUGIN_BUILD_DIR)});
        QVERIFY2(plugins_.loadedPlugin(QStringLiteral("org.dmascope.scope")),
                 "the scope plugin did not load from the build tree");
    }

    void startsOnTheDemoDeviceWithAScope()
    {
        MainWindow w(plugins_, options(false));
        w.show();
        w.start();
        QTRY_COMPARE_WITH_TIMEOUT(w.instruments().size(), 1, 10000);
        auto *inst = w.currentInstrument();
        QVERIFY(inst);
        QCOMPARE(inst->objectName(), QStringLiteral("scopeInstrument"));
        QCOMPARE(inst->device().uri, QStringLiteral("sim:"));
        const auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("instrumentTabs"));
        QVERIFY(tabs);
        QVERIFY2(tabs->tabText(0).startsWith(QStringLiteral("Oscilloscope")),
                 qPrintable(tabs->tabText(0)));

        QTRY_COMPARE_WITH_TIMEOUT(label(w, "statusPath"), QStringLiteral("demo"), 10000);
        // "1.00 MS/s" once the stream has delivered a few blocks; "0 S/s" before.
        QTRY_VERIFY_WITH_TIMEOUT(label(w, "statusRate").endsWith(QStringLiteral("S/s"))
                                     && !label(w, "statusRate").startsWith(QStringLiteral("0 ")),
                                 10000);
        QVERIFY2(label(w, "statusThroughput").endsWith(QStringLiteral("B/s")),
                 qPrintable(label(w, "statusThroughput")));
        QCOMPARE(label(w, "statusOverruns").left(9), QStringLiteral("overruns:"));
    }

    void nextAndPreviousInstrumentByKeyboard()
    {
        MainWindow w(plugins_, options(false));
        w.show();
        w.start();
        QTRY_COMPARE_WITH_TIMEOUT(w.instruments().size(), 1, 10000);
        const dmascope::plugin::DeviceDescription device = w.currentInstrument()->device();
        QVERIFY(
            w.openInstrument(*plugins_.loadedPlugin(QStringLiteral("org.dmascope.scope")), device));
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("instrumentTabs"));
        QCOMPARE(tabs->count(), 2);
        tabs->setCurrentIndex(1);
        // The menu shows the keys the README names; Shift+Tab arrives as Backtab.
        QAction *prev = nullptr;
        for (QAction *a : w.findChildren<QAction *>())
            if (a->text() == QStringLiteral("&Previous Instrument"))
                prev = a;
        QVERIFY(prev);
        QCOMPARE(prev->shortcut().toString(), QStringLiteral("Ctrl+Shift+Tab"));
        QTest::keyClick(&w, Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(tabs->currentIndex(), 0);
        QTest::keyClick(&w, Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 1);
    }

    void withoutIioDevicesTheDefaultStartIsTheDemoScope()
    {
        if (dmascope::Context::hasLocalDevices())
            QSKIP("this machine has IIO devices: the default start is local:");
        MainWindowOptions o = options(false);
        o.startUri.clear(); // what `dmascope` without --uri does
        MainWindow w(plugins_, o);
        w.show();
        w.start();
        QTRY_COMPARE_WITH_TIMEOUT(w.instruments().size(), 1, 10000);
        QCOMPARE(w.currentInstrument()->device().uri, QStringLiteral("sim:"));
        QCOMPARE(w.currentInstrument()->objectName(), QStringLiteral("scopeInstrument"));
    }

    void restoresOpenInstrumentsOnRestart()
    {
        QJsonObject saved;
        {
            MainWindow w(plugins_, options(true));
            w.show();
            w.start();
            QTRY_COMPARE_WITH_TIMEOUT(w.instruments().size(), 1, 10000);
            // A changed setting must come back.
            QJsonObject state = w.currentInstrument()->saveState();
            state[QStringLiteral("timePerDiv")] = 2e-4;
            w.currentInstrument()->restoreState(state);
            saved = w.currentInstrument()->saveState();
            QCOMPARE(saved.value(QLatin1String("timePerDiv")).toDouble(), 2e-4);
            w.close(); // saves the settings
        }
        QSettings ini(tmp_.filePath(QStringLiteral("dmascope.ini")), QSettings::IniFormat);
        QVERIFY(ini.value(QStringLiteral("session/instruments")).toString().contains(
            QStringLiteral("org.dmascope.scope")));

        MainWindow again(plugins_, options(true));
        again.show();
        again.start();
        QTRY_COMPARE_WITH_TIMEOUT(again.instruments().size(), 1, 10000);
        // Restored, not a second default instrument opened beside it.
        QTest::qWait(300);
        QCOMPARE(again.instruments().size(), 1);
        QCOMPARE(again.currentInstrument()->saveState().value(QLatin1String("timePerDiv")).toDouble(),
                 2e-4);
    }

    void demoModeDoesNotOverwriteTheSession()
    {
        QSettings ini(tmp_.filePath(QStringLiteral("dmascope.ini")), QSettings::IniFormat);
        ini.setValue(QStringLiteral("session/instruments"), QStringLiteral("[]"));
        ini.sync();
        {
            MainWindow w(plugins_, options(false));
            w.show();
            w.start();
            QTRY_COMPARE_WITH_TIMEOUT(w.instruments().size(), 1, 10000);
            w.close();
        }
        ini.sync();
        QCOMPARE(ini.value(QStringLiteral("session/instruments")).toString(), QStringLiteral("[]"));
    }

    void connectListsTheContextsDevicesAndRemembersIt()
    {
        const QString uri = QStringLiteral("xml:" DMASCOPE_TEST_DATA_DIR "/iio/devices.xml");
        {
            MainWindow w(plugins_, options(true));
            QSignalSpy spy(&w, &MainWindow::discovered);
            w.connectTo(uri);
            QTRY_VERIFY_WITH_TIMEOUT(spy.contains(QVariantList{uri}), 10000);
            const auto *browser = w.findChild<dmascope::app::DeviceBrowser *>();
            QVERIFY(browser);
            QVERIFY(!browser->devices(uri).isEmpty());
            QVERIFY(browser->uris().contains(uri));
            // A URI that cannot be opened is listed with its error, and the app goes on.
            const QString bad = QStringLiteral("xml:/nonexistent/devices.xml");
            w.connectTo(bad);
            QTRY_VERIFY_WITH_TIMEOUT(spy.contains(QVariantList{bad}), 10000);
            QVERIFY(browser->devices(bad).isEmpty());
            w.saveSettings();
        }
        QSettings ini(tmp_.filePath(QStringLiteral("dmascope.ini")), QSettings::IniFormat);
        QVERIFY(ini.value(QStringLiteral("session/connections")).toStringList().contains(uri));
    }

    void themesSwitch()
    {
        MainWindow w(plugins_, options(false));
        w.setTheme(dmascope::app::Theme::Light);
        const QColor light = qApp->palette().color(QPalette::Window);
        w.setTheme(dmascope::app::Theme::Dark);
        const QColor dark = qApp->palette().color(QPalette::Window);
        QVERIFY(light.lightness() > dark.lightness() + 100);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"

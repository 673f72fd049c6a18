// PluginsDialog lists every plugin file found, loaded or not, with the reason it failed.
#include "plugin_manager.h"
#include "plugins_dialog.h"

#include <QTest>
#include <QTreeWidget>

using dmascope::app::PluginManager;
using dmascope::app::PluginsDialog;

class TstPluginsDialog : public QObject
{
    Q_OBJECT

private slots:
    void listsLoadedAndFailedPluginsWithErrors()
    {
        PluginManager m;
        m.scan({QStringLiteral(DMASCOPE_FIXTURE_PLUGIN_DIR)});
        PluginsDialog d(m);
        const auto *tree = d.findChild<QTreeWidget *>(QStringLiteral("pluginList"));
        QVERIFY(tree);
        QCOMPARE(tree->topLevelItemCount(), 5);
        int loaded = 0, failedWithError = 0;
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *it = tree->topLevelItem(i);
            if (it->text(4) == QLatin1String("loaded")) {
                ++loaded;
                QCOMPARE(it->text(0), QStringLiteral("Good fixture"));
                QVERIFY(it->text(6).isEmpty());
            } else if (it->text(4) == QLatin1String("failed") && !it->text(6).isEmpty()) {
                ++failedWithError;
            }
        }
        QCOMPARE(loaded, 1);
        QCOMPARE(failedWithError, 4);
    }
};

QTEST_MAIN(TstPluginsDialog)
#include "tst_plugins_dialog.moc"

// DeviceBrowser in a narrow dock: a device's name gets the width the kind and rate leave
// (recordings are told apart by their names), and a context's description spans the columns
// instead of widening Kind.
#include "device_browser.h"

#include <QHeaderView>
#include <QTest>
#include <QTreeWidget>

using namespace dmascope;
using dmascope::app::DeviceBrowser;
using dmascope::app::DiscoveryResult;

namespace {

plugin::DeviceDescription recording(const QString &name)
{
    plugin::DeviceDescription d;
    d.uri = QStringLiteral("sigmf:");
    d.id = QStringLiteral("/home/user/rec/%1.sigmf-meta").arg(name);
    d.name = name;
    d.kind = QStringLiteral("adc");
    d.sampleRate = 1e6;
    return d;
}

} // namespace

class TstDeviceBrowser : public QObject
{
    Q_OBJECT

private slots:
    void namesGetTheWidthInANarrowDock()
    {
        DeviceBrowser browser;
        browser.resize(280, 400);
        DiscoveryResult r;
        r.uri = QStringLiteral("sigmf:");
        r.description = QStringLiteral("recordings opened for playback, a long description");
        r.devices = {recording(QStringLiteral("iio-sim-adc-20261207-120000")),
                     recording(QStringLiteral("iio-sim-adc-20261207-120500"))};
        browser.setDiscovery(r);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));

        auto *tree = browser.findChild<QTreeWidget *>(QStringLiteral("deviceTree"));
        QVERIFY(tree);
        const QTreeWidgetItem *ctx = tree->topLevelItem(0);
        QVERIFY(ctx->isFirstColumnSpanned());
        QCOMPARE(ctx->text(0), QStringLiteral("sigmf: — %1").arg(r.description));
        QCOMPARE(ctx->child(0)->text(0), QStringLiteral("iio-sim-adc-20261207-120000"));

        // Kind and rate as wide as their text; the name has the rest of the viewport.
        const QHeaderView *h = tree->header();
        const int kindWidth = tree->fontMetrics().horizontalAdvance(QStringLiteral("Kind"));
        QVERIFY2(h->sectionSize(1) < 3 * kindWidth, qPrintable(QString::number(h->sectionSize(1))));
        QCOMPARE(h->sectionSize(0) + h->sectionSize(1) + h->sectionSize(2),
                 tree->viewport()->width());
        QVERIFY2(h->sectionSize(0) > tree->viewport()->width() / 2,
                 qPrintable(QString("name column %1 of %2")
                                .arg(h->sectionSize(0))
                                .arg(tree->viewport()->width())));
    }
};

QTEST_MAIN(TstDeviceBrowser)
#include "tst_device_browser.moc"

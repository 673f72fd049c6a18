// ExportDialog: the request it builds from its controls (seconds to frames at the recording's
// rate, samples without a rate, the range clamped to the recording, the chosen channels), the
// file suffix following the format until the user names the file, and the Export button
// refused with a reason for no channel, an empty range or the recording's own data file.
#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

using dmascope::recorder::ExportDialog;
using dmascope::recorder::ExportFormat;
using dmascope::recorder::RecordingEntry;

namespace {

RecordingEntry entry(double rate)
{
    RecordingEntry e;
    e.name = QStringLiteral("rec");
    e.metaPath = QStringLiteral("/data/recs/rec.sigmf-meta");
    e.sampleRate = rate;
    e.channels = 3;
    e.channelNames = {QStringLiteral("voltage0"), QStringLiteral("voltage1"),
                      QStringLiteral("voltage2")};
    e.frames = 10'000;
    e.seconds = rate > 0 ? 10'000 / rate : 0;
    return e;
}

template <typename T> T *child(const ExportDialog &d, const char *name)
{
    auto *w = d.findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

QPushButton *exportButton(const ExportDialog &d)
{
    return d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

} // namespace

class TstExportDialog : public QObject
{
    Q_OBJECT

private slots:
    void theDefaultIsTheWholeRecordingAsWavBesideIt()
    {
        const ExportDialog d(entry(1000));
        const auto r = d.request();
        QCOMPARE(r.metaPath, QStringLiteral("/data/recs/rec.sigmf-meta"));
        QCOMPARE(r.outPath, QStringLiteral("/data/recs/rec.wav"));
        QCOMPARE(r.format, ExportFormat::WavPcm16);
        QCOMPARE(r.firstFrame, std::uint64_t{0});
        QCOMPARE(r.frameCount, std::uint64_t{10'000});
        QCOMPARE(r.channels, (std::vector<std::size_t>{0, 1, 2}));
        QVERIFY(d.problem().isEmpty());
        QVERIFY(exportButton(d)->isEnabled());
    }

    void secondsBecomeFramesAtTheRecordingsRate()
    {
        const ExportDialog d(entry(1000));
        child<QDoubleSpinBox>(d, "exportStart")->setValue(2.5);
        child<QDoubleSpinBox>(d, "exportLength")->setValue(1.25);
        const auto r = d.request();
        QCOMPARE(r.firstFrame, std::uint64_t{2500});
        QCOMPARE(r.frameCount, std::uint64_t{1250});
        // A length past the end is clamped to the recording.
        child<QDoubleSpinBox>(d, "exportStart")->setValue(9.5);
        child<QDoubleSpinBox>(d, "exportLength")->setValue(10);
        QCOMPARE(d.request().frameCount, std::uint64_t{500});
    }

    void withoutARateTheRangeIsInSamples()
    {
        const ExportDialog d(entry(0));
        auto *start = child<QDoubleSpinBox>(d, "exportStart");
        QVERIFY(start->suffix().contains(QLatin1String("samples")));
        start->setValue(1234);
        child<QDoubleSpinBox>(d, "exportLength")->setValue(10);
        QCOMPARE(d.request().firstFrame, std::uint64_t{1234});
        QCOMPARE(d.request().frameCount, std::uint64_t{10});
    }

    void theSuffixFollowsTheFormatUntilTheUserNamesTheFile()
    {
        const ExportDialog d(entry(1000));
        auto *format = child<QComboBox>(d, "exportFormat");
        auto *path = child<QLineEdit>(d, "exportPath");
        format->setCurrentIndex(format->findData(int(ExportFormat::Csv)));
        QCOMPARE(d.request().format, ExportFormat::Csv);
        QCOMPARE(path->text(), QStringLiteral("/data/recs/rec.csv"));
        path->clear();
        QTest::keyClicks(path, QStringLiteral("/tmp/mine.dat"));
        format->setCurrentIndex(format->findData(int(ExportFormat::WavFloat32)));
        QCOMPARE(d.request().format, ExportFormat::WavFloat32);
        QCOMPARE(path->text(), QStringLiteral("/tmp/mine.dat"));
    }

    void theChosenChannelsOnly()
    {
        const ExportDialog d(entry(1000));
        const auto boxes = d.findChildren<QCheckBox *>();
        QCOMPARE(boxes.size(), 3);
        boxes[1]->setChecked(false);
        QCOMPARE(d.request().channels, (std::vector<std::size_t>{0, 2}));
    }

    void impossibleRequestsAreRefusedWithAReason()
    {
        const ExportDialog d(entry(1000));
        for (QCheckBox *box : d.findChildren<QCheckBox *>())
            box->setChecked(false);
        QVERIFY(d.problem().contains(QLatin1String("channel")));
        QVERIFY(!exportButton(d)->isEnabled());
        QVERIFY(child<QLabel>(d, "exportSummary")->text().contains(QLatin1String("channel")));
        d.findChildren<QCheckBox *>().first()->setChecked(true);
        QVERIFY(exportButton(d)->isEnabled());

        child<QDoubleSpinBox>(d, "exportLength")->setValue(0);
        QVERIFY(d.problem().contains(QLatin1String("empty")));
        QVERIFY(!exportButton(d)->isEnabled());
        child<QDoubleSpinBox>(d, "exportLength")->setValue(1);

        auto *path = child<QLineEdit>(d, "exportPath");
        path->clear();
        QTest::keyClicks(path, QStringLiteral("/data/recs/rec.sigmf-data"));
        QVERIFY(d.problem().contains(QLatin1String("data file")));
        QVERIFY(!exportButton(d)->isEnabled());
        path->clear();
        QTest::keyClicks(path, QStringLiteral(" "));
        QVERIFY(d.problem().contains(QLatin1String("file")));
    }
};

QTEST_MAIN(TstExportDialog)
#include "tst_export_dialog.moc"

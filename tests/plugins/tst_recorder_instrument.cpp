// RecorderInstrument on the running demo stream (no main window): a recording with a sample
// limit runs, shows live progress and finishes by itself; it appears in the folder's list with
// its metadata and opens through the host; an unwritable folder and a bad name are refused with
// a clear message and nothing written; names never overwrite; the settings survive
// saveState/restoreState; a recording exports off the GUI thread with its outcome shown.
#include "recorder_instrument.h"
#include "recording_fixture.h"

#include "dmascope/plugin/instrument_host.h"
#include "dmascope/record/sigmf_recording.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace dmascope;
using dmascope::recorder::RecorderInstrument;
using dmascope::recorder::RecorderSettings;

namespace {

constexpr std::uint32_t kRate = 200'000;

class SimHost final : public plugin::InstrumentHost
{
public:
    SimHost() { source.start(kRate); }
    std::shared_ptr<Stream> openStream(const plugin::DeviceDescription &, QString *) override
    {
        return source.stream;
    }
    void showStatusMessage(const QString &text, int) override { messages.append(text); }
    bool openRecording(const QString &path, QString *) override
    {
        opened.append(path);
        return true;
    }

    rectest::SimSource source;
    QStringList messages;
    QStringList opened;
};

plugin::DeviceDescription simAdc()
{
    plugin::DeviceDescription d;
    d.uri = QStringLiteral("sim:");
    d.id = QStringLiteral("sim:adc");
    d.name = QStringLiteral("iio-sim-adc");
    d.kind = QStringLiteral("adc");
    d.transport = plugin::DeviceDescription::Transport::Demo;
    d.sampleRate = kRate;
    for (int i = 0; i < 4; ++i) {
        plugin::ChannelDescription c;
        c.id = QStringLiteral("voltage%1").arg(i);
        c.name = c.id;
        c.unit = QStringLiteral("V");
        d.channels.append(c);
    }
    return d;
}

QString labelText(const RecorderInstrument &r, const char *name)
{
    const auto *l = r.findChild<QLabel *>(QLatin1String(name));
    return l ? l->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

} // namespace

class TstRecorderInstrument : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void recordsToALimitShowsProgressAndListsIt()
    {
        SimHost host;
        RecorderInstrument rec(host, simAdc());
        rec.resize(1200, 700);
        rec.show();
        RecorderSettings s;
        s.folder = tmp_.filePath(QStringLiteral("one"));
        QVERIFY(QDir().mkpath(s.folder));
        s.namePattern = QStringLiteral("take");
        s.limitSamples = 2 * kRate; // 2 s of samples
        rec.setSettings(s);
        QVERIFY(rec.recordings().isEmpty());

        QSignalSpy finished(&rec, &RecorderInstrument::recordingFinished);
        QVERIFY2(rec.startRecording(), qPrintable(rec.errorText()));
        QVERIFY(rec.recording());
        // Live progress while it runs: some samples, a size, a rate and the free disk.
        QTRY_VERIFY_WITH_TIMEOUT(rec.lastProgress().frames > 0, 5000);
        QVERIFY(rec.recording());
        QVERIFY(labelText(rec, "recorderState").startsWith(QStringLiteral("Recording")));
        QVERIFY(labelText(rec, "recorderRate").endsWith(QStringLiteral("B/s")));
        QVERIFY(labelText(rec, "recorderFreeDisk").endsWith(QStringLiteral("B")));
        QVERIFY(labelText(rec, "recorderFile").endsWith(QStringLiteral("take.sigmf-data")));

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QVERIFY(!rec.recording());
        QCOMPARE(rec.lastProgress().state, RecordingState::Finished);
        QCOMPARE(rec.lastProgress().frames, std::uint64_t(2 * kRate));
        QCOMPARE(rec.lastProgress().overruns, std::uint64_t(0));
        QVERIFY2(labelText(rec, "recorderState").contains(QStringLiteral("limit")),
                 qPrintable(labelText(rec, "recorderState")));
        QVERIFY(rec.errorText().isEmpty());

        // The list shows it with its metadata.
        QCOMPARE(rec.recordings().size(), 1);
        const auto e = rec.recordings().front(); // a copy: the list is re-read below
        QVERIFY2(e.ok(), qPrintable(e.error));
        QCOMPARE(e.name, QStringLiteral("take"));
        QCOMPARE(e.frames, std::uint64_t(2 * kRate));
        QCOMPARE(e.sampleRate, double(kRate));
        QCOMPARE(e.channels, 4u);
        QCOMPARE(e.device, QStringLiteral("iio-sim-adc"));
        const auto *table = rec.findChild<QTableWidget *>(QStringLiteral("recorderRecordings"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("take"));

        // Open hands it to the host for playback.
        QVERIFY(rec.openRecording(0));
        QCOMPARE(host.opened, QStringList{e.metaPath});

        // A second recording under the same name does not overwrite the first.
        s.limitSamples = kRate / 2;
        rec.setSettings(s);
        QVERIFY(rec.startRecording());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
        QCOMPARE(rec.recordings().size(), 2);
        QVERIFY(QFile::exists(QDir(s.folder).filePath(QStringLiteral("take-1.sigmf-meta"))));
        QCOMPARE(SigmfRecording::open(e.metaPath.toStdString())->frameCount(),
                 std::uint64_t(2 * kRate));
    }

    // The list's Export: the export runs off the GUI thread and reports its outcome in the
    // status bar, or as the Recorder's error.
    void exportsARecordingAndReportsTheOutcome()
    {
        SimHost host;
        RecorderInstrument rec(host, simAdc());
        RecorderSettings s;
        s.folder = tmp_.filePath(QStringLiteral("export"));
        QVERIFY(QDir().mkpath(s.folder));
        s.namePattern = QStringLiteral("take");
        s.limitSamples = kRate / 10;
        rec.setSettings(s);
        QSignalSpy finished(&rec, &RecorderInstrument::recordingFinished);
        QVERIFY2(rec.startRecording(), qPrintable(rec.errorText()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QCOMPARE(rec.recordings().size(), 1);

        recorder::ExportRequest r;
        r.metaPath = rec.recordings().front().metaPath;
        r.outPath = QDir(s.folder).filePath(QStringLiteral("take.csv"));
        r.format = recorder::ExportFormat::Csv;
        r.firstFrame = 100;
        r.frameCount = 10;
        QSignalSpy exported(&rec, &RecorderInstrument::exportFinished);
        QVERIFY(rec.startExport(r));
        QVERIFY(rec.exporting());
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 10000);
        QVERIFY(!rec.exporting());
        QCOMPARE(exported.front().at(0).toBool(), true);
        QVERIFY(host.messages.last().contains(QStringLiteral("10 samples")));
        QFile csv(r.outPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().trimmed().split('\n').size(), 11); // header + 10 frames
        QVERIFY(rec.errorText().isEmpty());

        r.outPath = QDir(s.folder).filePath(QStringLiteral("missing/take.csv"));
        QVERIFY(rec.startExport(r));
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 2, 10000);
        QCOMPARE(exported.last().at(0).toBool(), false);
        QVERIFY2(rec.errorText().contains(QStringLiteral("missing")), qPrintable(rec.errorText()));
    }

    void stopEndsTheRecordingWithValidFiles()
    {
        SimHost host;
        RecorderInstrument rec(host, simAdc());
        RecorderSettings s;
        s.folder = tmp_.filePath(QStringLiteral("two"));
        QVERIFY(QDir().mkpath(s.folder));
        s.namePattern = QStringLiteral("{device}-{datetime}");
        rec.setSettings(s);
        QVERIFY(rec.startRecording());
        QTRY_VERIFY_WITH_TIMEOUT(rec.lastProgress().frames >= kRate / 2, 10000);
        rec.stopRecording();
        QVERIFY(!rec.recording());
        QCOMPARE(rec.lastProgress().state, RecordingState::Finished);
        const std::uint64_t written = rec.lastProgress().frames;
        QCOMPARE(rec.recordings().size(), 1);
        QVERIFY(rec.recordings().front().name.startsWith(QStringLiteral("iio-sim-adc-")));
        QCOMPARE(rec.recordings().front().frames, written);
    }

    void unwritableFolderIsRefusedClearly()
    {
        SimHost host;
        RecorderInstrument rec(host, simAdc());
        RecorderSettings s;
        // Root may write into any directory, so the folder is one nobody can create files in:
        // a path through a regular file (ENOTDIR); for other users also a mode-0555 folder.
        const QString file = tmp_.filePath(QStringLiteral("plainfile"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QStringList folders{file + QStringLiteral("/sub")};
        if (::geteuid() != 0) {
            const QString ro = tmp_.filePath(QStringLiteral("readonly"));
            QVERIFY(QDir().mkpath(ro));
            QVERIFY(::chmod(ro.toLocal8Bit().constData(), 0555) == 0);
            folders.append(ro);
        }
        for (const QString &folder : folders) {
            s.folder = folder;
            rec.setSettings(s);
            host.messages.clear();
            QVERIFY(!rec.startRecording());
            QVERIFY(!rec.recording());
            QVERIFY2(rec.errorText().contains(folder), qPrintable(rec.errorText()));
            QVERIFY(!host.messages.isEmpty());
        }
        QCOMPARE(QFileInfo(file).size(), 0); // nothing was written anywhere
    }

    void recordsTheChosenChannels()
    {
        SimHost host;
        RecorderInstrument rec(host, simAdc());
        RecorderSettings s;
        s.folder = tmp_.filePath(QStringLiteral("subset"));
        QVERIFY(QDir().mkpath(s.folder));
        s.namePattern = QStringLiteral("subset");
        s.limitSamples = kRate / 4;
        rec.setSettings(s);
        // The user unticks voltage1 and voltage2.
        for (const char *id : {"recorderChannel_voltage1", "recorderChannel_voltage2"}) {
            auto *box = rec.findChild<QCheckBox *>(QLatin1String(id));
            QVERIFY(box);
            box->setChecked(false);
        }
        QCOMPARE(rec.settings().channels, (QStringList{"voltage0", "voltage3"}));
        QSignalSpy finished(&rec, &RecorderInstrument::recordingFinished);
        QVERIFY2(rec.startRecording(), qPrintable(rec.errorText()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        const auto r = SigmfRecording::open(QDir(s.folder).filePath("subset").toStdString());
        QCOMPARE(r->meta().numChannels, 2u);
        QCOMPARE(r->layout()->channels.at(1).id, std::string("voltage3"));
        QCOMPARE(r->frameCount(), std::uint64_t(kRate / 4));

        // None ticked: refused, with the reason.
        for (QCheckBox *box : rec.findChildren<QCheckBox *>())
            box->setChecked(false);
        QVERIFY(!rec.startRecording());
        QVERIFY2(rec.errorText().contains(QStringLiteral("channel")), qPrintable(rec.errorText()));
    }

    void missingFolderAndBadNameAreRefused()
    {
        SimHost host;
        RecorderInstrument rec(host, simAdc());
        RecorderSettings s;
        s.folder = tmp_.filePath(QStringLiteral("does/not/exist"));
        rec.setSettings(s);
        QVERIFY(!rec.startRecording());
        QVERIFY2(rec.errorText().contains(QStringLiteral("does/not/exist")),
                 qPrintable(rec.errorText()));
        QVERIFY(!QDir(s.folder).exists()); // a typo never becomes a new folder

        s.folder = tmp_.path();
        s.namePattern = QStringLiteral("{nonsense}");
        rec.setSettings(s);
        QVERIFY(!rec.startRecording());
        QVERIFY2(rec.errorText().contains(QStringLiteral("{nonsense}")),
                 qPrintable(rec.errorText()));
    }

    void aMalformedRecordingIsListedWithItsFault()
    {
        SimHost host;
        const QString folder = tmp_.filePath(QStringLiteral("broken"));
        QVERIFY(QDir().mkpath(folder));
        QFile meta(QDir(folder).filePath(QStringLiteral("junk.sigmf-meta")));
        QVERIFY(meta.open(QIODevice::WriteOnly));
        meta.write("{ not json");
        meta.close();
        RecorderInstrument rec(host, simAdc());
        RecorderSettings s;
        s.folder = folder;
        rec.setSettings(s);
        QCOMPARE(rec.recordings().size(), 1);
        QVERIFY(!rec.recordings().front().ok());
        QVERIFY(!rec.openRecording(0));
        QVERIFY(host.opened.isEmpty());
        QVERIFY(rec.errorText().contains(QStringLiteral("junk")));
    }

    void settingsRoundTrip()
    {
        SimHost host;
        RecorderInstrument rec(host, simAdc());
        RecorderSettings s;
        s.folder = QStringLiteral("/data/rec");
        s.namePattern = QStringLiteral("{device}-{time}");
        s.limitSeconds = 12.5;
        s.limitBytes = 3'000'000;
        s.limitSamples = 99;
        rec.setSettings(s);
        RecorderInstrument other(host, simAdc());
        other.restoreState(rec.saveState());
        QCOMPARE(other.settings().folder, s.folder);
        QCOMPARE(other.settings().namePattern, s.namePattern);
        QCOMPARE(other.settings().limitSeconds, 12.5);
        QCOMPARE(other.settings().limitBytes, std::uint64_t(3'000'000));
        QCOMPARE(other.settings().limitSamples, std::uint64_t(99));
    }
};

QTEST_MAIN(TstRecorderInstrument)
#include "tst_recorder_instrument.moc"

// listRecordings / describeRecording: what the Recorder's table shows for each SigMF file of a
// folder (metadata, gaps, the reader's warnings and errors), newest first, and nothing for a
// folder that does not exist. The recordings are written here from SigmfMeta, so each field
// has a known value.
#include "recording_list.h"

#include "dmascope/record/sigmf_meta.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <utime.h>

using namespace dmascope;
using dmascope::recorder::listRecordings;
using dmascope::recorder::RecordingEntry;

namespace {

// Two ri16_le channels at 1 kHz, `frames` frames in the data file, one gap of 50 samples at
// frame 100; the data file gets modification time `mtime`.
void writeRecording(const QString &base, std::uint64_t frames, std::int64_t mtime)
{
    SigmfMeta m;
    m.datatype = *SigmfDatatype::parse("ri16_le");
    m.sampleRate = 1000;
    m.numChannels = 2;
    m.hw = "test bench";
    SigmfIioInfo iio;
    iio.device = "iio-sim-adc";
    iio.frameBytes = 4;
    for (unsigned i = 0; i < 2; ++i) {
        SigmfIioChannel c;
        c.id = "voltage" + std::to_string(i);
        c.label = c.id;
        c.scanType = "le:s16/16>>0";
        c.byteOffset = 2 * i;
        c.scanIndex = i;
        iio.channels.push_back(c);
    }
    m.iio = iio;
    SigmfCapture first;
    first.datetime = "2026-11-25T13:00:00.000Z";
    first.globalIndex = 0;
    SigmfCapture second;
    second.sampleStart = 100;
    second.globalIndex = 150;
    m.captures = {first, second};
    SigmfAnnotation gap;
    gap.sampleStart = 100;
    gap.label = "overrun";
    gap.lostSamples = 50;
    m.annotations = {gap};
    QFile meta(base + ".sigmf-meta");
    QVERIFY(meta.open(QIODevice::WriteOnly));
    meta.write(QByteArray::fromStdString(m.toJson()));
    meta.close();
    QFile data(base + ".sigmf-data");
    QVERIFY(data.open(QIODevice::WriteOnly));
    data.write(QByteArray(static_cast<qsizetype>(frames * 4), '\0'));
    data.close();
    const utimbuf t{mtime, mtime};
    QCOMPARE(::utime((base + ".sigmf-data").toLocal8Bit().constData(), &t), 0);
}

} // namespace

class TstRecordingList : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void listsEveryRecordingNewestFirstWithItsMetadata()
    {
        const QDir dir(tmp_.filePath("list"));
        QVERIFY(dir.mkpath("."));
        writeRecording(dir.filePath("old"), 1000, 1'700'000'000);
        writeRecording(dir.filePath("new"), 2000, 1'750'000'000);
        QFile junk(dir.filePath("junk.sigmf-meta"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("[1, 2");
        junk.close();
        QFile other(dir.filePath("notes.txt"));
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.close();

        const QList<RecordingEntry> list = listRecordings(dir.path());
        QCOMPARE(list.size(), 3);
        // The unreadable one has no data file: it sorts by its meta file's (current) time.
        QCOMPARE(list[0].name, QString("junk"));
        QVERIFY(!list[0].ok());
        QVERIFY(!list[0].error.isEmpty());
        QCOMPARE(list[1].name, QString("new"));
        QCOMPARE(list[2].name, QString("old"));

        const RecordingEntry &e = list[1];
        QVERIFY2(e.ok(), qPrintable(e.error));
        QCOMPARE(e.metaPath, dir.filePath("new.sigmf-meta"));
        QCOMPARE(e.device, QString("iio-sim-adc"));
        QCOMPARE(e.started, QString("2026-11-25T13:00:00.000Z"));
        QCOMPARE(e.sampleRate, 1000.0);
        QCOMPARE(e.channels, 2u);
        QCOMPARE(e.channelNames, (QStringList{"voltage0", "voltage1"}));
        QCOMPARE(e.frames, std::uint64_t(2000));
        QCOMPARE(e.dataBytes, std::uint64_t(8000));
        QCOMPARE(e.seconds, 2.0);
        QCOMPARE(e.gaps, std::size_t(1));
        QCOMPARE(e.lostSamples, std::uint64_t(50));
    }

    void aTrailingPartialFrameIsReportedNotHidden()
    {
        const QString base = tmp_.filePath("partial");
        writeRecording(base, 300, 1'700'000'000);
        QFile data(base + ".sigmf-data");
        QVERIFY(data.open(QIODevice::Append));
        data.write("xy"); // half a frame, as a crash mid-write leaves it
        data.close();
        const RecordingEntry e = dmascope::recorder::describeRecording(base + ".sigmf-data");
        QVERIFY2(e.ok(), qPrintable(e.error));
        QCOMPARE(e.name, QString("partial"));
        QCOMPARE(e.frames, std::uint64_t(300));
        QVERIFY(!e.warnings.isEmpty());
    }

    void aMissingFolderIsAnEmptyList()
    {
        QVERIFY(listRecordings(tmp_.filePath("nowhere")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstRecordingList)
#include "tst_recording_list.moc"

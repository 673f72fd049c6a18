// exportCsv: header with labels and units, values in volts for IIO voltage channels (IIO's mV
// x 1e-3, with offset), raw values where the scale is unknown or asked for, a range and a
// channel choice, C-locale numbers that round-trip, errors and cancellation that leave no file
// (and keep the one the export would have replaced), and a device written in place.
#include "dmascope/record/csv_export.h"
#include "sigmf_fixture.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace dmascope;
using namespace sigmf_fixture;

namespace {

// voltage0 (label "vin") raw i, scale 0.5 mV, offset 2; temp0 raw 10 * i, scale 0.1.
std::shared_ptr<const SigmfRecording> iioRecording(const QTemporaryDir &dir)
{
    const SigmfMeta m = iio16Meta("adc", 1000,
                                  {{"voltage0", "vin", "le:s16/16>>0", 0.5, 2, 0, 0},
                                   {"temp0", "temp0", "le:s16/16>>0", 0.1, 0, 0, 1}});
    QByteArray data;
    for (int i = 0; i < 5; ++i) {
        append<std::int16_t>(data, static_cast<std::int16_t>(i));
        append<std::int16_t>(data, static_cast<std::int16_t>(10 * i));
    }
    return SigmfRecording::open(writeRecording(dir.filePath("iio"), m, data).toStdString());
}

} // namespace

class TstCsvExport : public QObject
{
    Q_OBJECT

private slots:
    void voltsWithOffsetAndScale()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const QString path = dir.filePath("out.csv");
        const ExportResult r = exportCsv(*rec, path.toStdString(), {1, 3});
        QCOMPARE(r.frames, 3u);
        const QByteArray text = readFile(path);
        QCOMPARE(r.bytes, static_cast<std::uint64_t>(text.size()));
        QCOMPARE(text, QByteArray("sample,time_s,vin (V),temp0\n"
                                  "1,0.001,0.0015,1\n"
                                  "2,0.002,0.002,2\n"
                                  "3,0.003,0.0025,3\n"));
    }

    void rawOnRequestAndChannelChoice()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const QString path = dir.filePath("out.csv");
        CsvOptions o;
        o.raw = true;
        o.channels = {1};
        exportCsv(*rec, path.toStdString(), {3, 100}, o); // clamped to the end
        QCOMPARE(readFile(path), QByteArray("sample,time_s,temp0 (raw)\n3,0.003,30\n4,0.004,40\n"));
    }

    void otherToolsIntegersAreRawFloatsAsTheyAre()
    {
        QTemporaryDir dir;
        SigmfMeta m;
        m.datatype = *SigmfDatatype::parse("ci16_le");
        const auto ints = SigmfRecording::open(
            writeRecording(dir.filePath("i"), m, QByteArray("\x01\x00\xff\xff", 4)).toStdString());
        const QString path = dir.filePath("out.csv");
        const ExportResult r = exportCsv(*ints, path.toStdString());
        QCOMPARE(readFile(path), QByteArray("sample,time_s,ch0.i (raw),ch0.q (raw)\n0,,1,-1\n"));
        QCOMPARE(r.notes.size(), std::size_t{1});

        m.datatype = *SigmfDatatype::parse("rf32_le");
        m.sampleRate = 4;
        QByteArray f;
        append<float>(f, 0.1f);
        const auto floats =
            SigmfRecording::open(writeRecording(dir.filePath("f"), m, f).toStdString());
        exportCsv(*floats, path.toStdString());
        // The float's exact value, shortest form that reads back the same.
        QCOMPARE(readFile(path), QByteArray("sample,time_s,ch0\n0,0,0.10000000149011612\n"));
    }

    void errorsLeaveNoFile()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const QString path = dir.filePath("bad.csv");
        CsvOptions o;
        o.channels = {5};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, exportCsv(*rec, path.toStdString(), {}, o));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 exportCsv(*rec, path.toStdString(), {9, 1}));
        QVERIFY(!QFileInfo::exists(path));
    }

    void aCancelledExportKeepsTheFileItWouldReplace()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const QString path = dir.filePath("kept.csv");
        writeFile(path, "precious");
        const QStringList before = QDir(dir.path()).entryList(QDir::Files);
        const std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(ExportCancelled,
                                 exportCsv(*rec, path.toStdString(), {}, {}, &cancel));
        QCOMPARE(readFile(path), QByteArray("precious"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), before); // no temporary file left
        const std::atomic<bool> goOn{false};
        QCOMPARE(exportCsv(*rec, path.toStdString(), {}, {}, &goOn).frames, 5u);
        QVERIFY(readFile(path).startsWith("sample,time_s,"));
        QCOMPARE(QFileInfo(path).permissions() & QFileDevice::ReadOther, QFileDevice::ReadOther);
    }

    void aPipeOrDeviceIsWrittenInPlace()
    {
        // --out /dev/stdout: no temporary file next to it, no rename over it.
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        QCOMPARE(exportCsv(*rec, "/dev/null").frames, 5u);
        QVERIFY(QFileInfo(QStringLiteral("/dev/null")).exists());
    }
};

QTEST_GUILESS_MAIN(TstCsvExport)
#include "tst_csv_export.moc"

// runExport: the Recorder's export request carried out: WAV (each sample format) and CSV of a
// range and a channel choice hold exactly those samples, the summary says what was written, and
// an unreadable recording or an unwritable file is an exception with a message naming it.
#include "recording_export.h"

#include "sigmf_fixture.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <stdexcept>

using namespace dmascope;
using dmascope::recorder::ExportFormat;
using dmascope::recorder::ExportRequest;
using dmascope::recorder::runExport;
using namespace sigmf_fixture;

namespace {

constexpr int kFrames = 50;

// voltage0 = 10 * i, voltage1 = -i (le:s16/16, scale 0.5 mV), kFrames frames at 1 kHz.
QString makeRecording(const QTemporaryDir &dir)
{
    const SigmfMeta m = iio16Meta("iio-sim-adc", 1000,
                                  {{"voltage0", "voltage0", "le:s16/16>>0", 0.5, 0, 0, 0},
                                   {"voltage1", "voltage1", "le:s16/16>>0", 0.5, 0, 0, 1}});
    QByteArray data;
    for (int i = 0; i < kFrames; ++i) {
        append<std::int16_t>(data, static_cast<std::int16_t>(10 * i));
        append<std::int16_t>(data, static_cast<std::int16_t>(-i));
    }
    return writeRecording(dir.filePath("rec"), m, data) + ".sigmf-meta";
}

} // namespace

class TstRecordingExport : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;
    QString meta_;

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        meta_ = makeRecording(tmp_);
    }

    void wavOfARangeAndOneChannel_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("bytesPerSample");
        QTest::newRow("pcm16") << int(ExportFormat::WavPcm16) << 2;
        QTest::newRow("pcm32") << int(ExportFormat::WavPcm32) << 4;
        QTest::newRow("float32") << int(ExportFormat::WavFloat32) << 4;
    }
    void wavOfARangeAndOneChannel()
    {
        QFETCH(int, format);
        QFETCH(int, bytesPerSample);
        ExportRequest r;
        r.metaPath = meta_;
        r.outPath = tmp_.filePath(QStringLiteral("part-%1.wav").arg(format));
        r.format = static_cast<ExportFormat>(format);
        r.firstFrame = 10;
        r.frameCount = 5;
        r.channels = {1};
        const QString summary = runExport(r);
        QVERIFY2(summary.contains(QLatin1String("5 samples")), qPrintable(summary));
        QVERIFY2(summary.contains(r.outPath), qPrintable(summary));
        const QByteArray wav = readFile(r.outPath);
        QVERIFY(wav.startsWith("RIFF"));
        // The data chunk is the file's tail: 5 frames of one channel.
        const int dataBytes = 5 * bytesPerSample;
        QCOMPARE(wav.mid(wav.size() - dataBytes - 8, 4), QByteArray("data"));
        if (r.format == ExportFormat::WavPcm16) {
            for (int k = 0; k < 5; ++k) {
                std::int16_t v;
                std::memcpy(&v, wav.constData() + wav.size() - dataBytes + 2 * k, 2);
                QCOMPARE(int(v), -(10 + k)); // voltage1 of frames 10..14, full 16 bits
            }
        }
    }

    void csvOfARangeInPhysicalUnits()
    {
        ExportRequest r;
        r.metaPath = meta_;
        r.outPath = tmp_.filePath(QStringLiteral("part.csv"));
        r.format = ExportFormat::Csv;
        r.firstFrame = 48;
        r.frameCount = 100; // clamped to the 2 frames left
        const QString summary = runExport(r);
        QVERIFY2(summary.contains(QLatin1String("2 samples")), qPrintable(summary));
        const QList<QByteArray> lines = readFile(r.outPath).trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].contains("voltage0") && lines[0].contains("voltage1"),
                 lines[0].constData());
        // Frame 48: voltage0 = 480 * 0.5 mV = 0.24 V, voltage1 = -48 * 0.5 mV = -0.024 V.
        const QList<QByteArray> cells = lines[1].split(',');
        QCOMPARE(cells.size(), 4);
        QCOMPARE(cells[0].toInt(), 48);
        QCOMPARE(cells[2].toDouble(), 0.24);
        QCOMPARE(cells[3].toDouble(), -0.024);
    }

    void aMissingRecordingIsAnError()
    {
        ExportRequest r;
        r.metaPath = tmp_.filePath(QStringLiteral("gone.sigmf-meta"));
        r.outPath = tmp_.filePath(QStringLiteral("gone.wav"));
        try {
            runExport(r);
            QFAIL("exported a recording that does not exist");
        } catch (const std::exception &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("gone")), e.what());
        }
        QVERIFY(!QFileInfo::exists(r.outPath));
    }

    void anUnwritableFileIsAnErrorNamingIt()
    {
        ExportRequest r;
        r.metaPath = meta_;
        r.outPath = tmp_.filePath(QStringLiteral("no-such-dir/out.csv"));
        r.format = ExportFormat::Csv;
        try {
            runExport(r);
            QFAIL("wrote into a folder that does not exist");
        } catch (const std::exception &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("no-such-dir")),
                     e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TstRecordingExport)
#include "tst_recording_export.moc"

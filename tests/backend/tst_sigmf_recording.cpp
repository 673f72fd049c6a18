// SigmfRecording: opening by any of the three names; recordings of other tools (the fixtures in
// tests/data/sigmf/valid with data generated here) for complex float, big-endian and multi-
// channel integer types; dmascope's iio extension decoded exactly (shifted 12-bit samples,
// scale and offset); recordings cut short (partial frame, data beyond the last metadata
// update); a missing sample rate noted; errors that name the file, and a FIFO in a file's place
// refused instead of blocking.
#include "dmascope/record/sigmf_recording.h"
#include "dmascope/system_error.h"
#include "sigmf_fixture.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace dmascope;
using namespace sigmf_fixture;

namespace {

const QString kValid = QStringLiteral(DMASCOPE_TEST_DATA_DIR "/sigmf/valid");

// A dmascope-style recording: voltage0 le:s16/16>>0 and voltage3 le:s12/16>>4 (offset 2,
// scale 0.5), `frames` frames whose voltage3 holds the frame index (12-bit, shifted).
SigmfMeta iioMeta(std::optional<std::uint64_t> sampleCount)
{
    SigmfMeta m = iio16Meta("iio-sim-adc", 1000,
                            {{"voltage0", "voltage0", "le:s16/16>>0", 1.0, 0, 0, 0},
                             {"voltage3", "counter", "le:s12/16>>4", 0.5, 2, 0, 3}});
    m.iio->sampleCount = sampleCount;
    m.captures.push_back({60, 1000, "", std::nullopt});
    return m;
}

QByteArray iioFrames(std::uint64_t frames)
{
    QByteArray out;
    for (std::uint64_t i = 0; i < frames; ++i) {
        append<std::int16_t>(out, static_cast<std::int16_t>(-static_cast<int>(i)));
        append<std::uint16_t>(out, static_cast<std::uint16_t>((i & 0xfff) << 4));
    }
    return out;
}

} // namespace

class TstSigmfRecording : public QObject
{
    Q_OBJECT

private slots:
    void complexFloatFromGnuRadio()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("gr");
        QFile::copy(kValid + "/gnuradio_cf32.sigmf-meta", base + ".sigmf-meta");
        QByteArray data;
        for (int i = 0; i < 32; ++i) {
            append<float>(data, 0.25f * static_cast<float>(i));
            append<float>(data, -1.0f * static_cast<float>(i));
        }
        writeFile(base + ".sigmf-data", data);

        const auto r = SigmfRecording::open((base + ".sigmf-data").toStdString());
        QCOMPARE(r->frameCount(), 32u);
        QCOMPARE(r->frameBytes(), std::size_t{8});
        QCOMPARE(r->seconds(), 32 / 2e6);
        QVERIFY(r->warnings().empty());
        QCOMPARE(r->layout()->channels.size(), std::size_t{2});
        QCOMPARE(r->layout()->channels[1].id, std::string("ch0.q"));
        double v[4];
        r->readRaw(0, 4, 4, v);
        QCOMPARE(v[0], 1.0);
        QCOMPARE(v[3], 1.75);
        r->readPhysical(1, 30, 2, v);
        QCOMPARE(v[0], -30.0);
        QCOMPARE(v[1], -31.0);
        QCOMPARE(r->meta().annotations.at(0).label, std::string("burst"));
    }

    void bigEndianInt32()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("be");
        QFile::copy(kValid + "/ri32_be.sigmf-meta", base + ".sigmf-meta");
        QByteArray data;
        for (std::int32_t v : {1, -2, 0x12345678, INT32_MIN})
            append<std::int32_t>(data, v, true);
        writeFile(base + ".sigmf-data", data);
        const auto r = SigmfRecording::open(base.toStdString()); // the base name works too
        QCOMPARE(r->frameCount(), 4u);
        double v[4];
        r->readRaw(0, 0, 4, v);
        QCOMPARE(v[0], 1.0);
        QCOMPARE(v[1], -2.0);
        QCOMPARE(v[2], double(0x12345678));
        QCOMPARE(v[3], double(INT32_MIN));
    }

    void twoChannelInt16WithCaptures()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("py");
        QFile::copy(kValid + "/sigmf_python_ri16_2ch.sigmf-meta", base + ".sigmf-meta");
        QByteArray data;
        for (int i = 0; i < 200; ++i) {
            append<std::int16_t>(data, static_cast<std::int16_t>(i));
            append<std::int16_t>(data, static_cast<std::int16_t>(-i));
        }
        writeFile(base + ".sigmf-data", data);
        const auto r = SigmfRecording::open((base + ".sigmf-meta").toStdString());
        QCOMPARE(r->frameCount(), 200u);
        QCOMPARE(r->layout()->channels[1].id, std::string("ch1"));
        double v[2];
        r->readRaw(1, 150, 2, v);
        QCOMPARE(v[0], -150.0);
        QCOMPARE(r->captureAt(0), std::size_t{0});
        QCOMPARE(r->captureAt(99), std::size_t{0});
        QCOMPARE(r->captureAt(100), std::size_t{1});
        QCOMPARE(r->captureAt(199), std::size_t{1});
    }

    void unsignedBytes()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("u8");
        QFile::copy(kValid + "/ru8_be_irrelevant.sigmf-meta", base + ".sigmf-meta");
        writeFile(base + ".sigmf-data", QByteArray("\x00\x7f\x80\xff", 4));
        const auto r = SigmfRecording::open(base.toStdString());
        double v[4];
        r->readRaw(0, 0, 4, v);
        QCOMPARE(v[2], 128.0);
        QCOMPARE(v[3], 255.0);
    }

    void iioExtensionDecodesExactly()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("iio");
        writeFile(base + ".sigmf-meta", QByteArray::fromStdString(iioMeta(100).toJson()));
        writeFile(base + ".sigmf-data", iioFrames(100));
        const auto r = SigmfRecording::open(base.toStdString());
        QVERIFY(r->warnings().empty());
        QCOMPARE(r->layout()->channels[1].label, std::string("counter"));
        double v[3];
        r->readRaw(1, 97, 3, v);
        QCOMPARE(v[0], 97.0);
        QCOMPARE(v[2], 99.0);
        r->readPhysical(1, 97, 1, v);
        QCOMPARE(v[0], (97 + 2) * 0.5);
        r->readRaw(0, 5, 1, v);
        QCOMPARE(v[0], -5.0);
    }

    void signExtensionOfShiftedSamples()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("iio");
        writeFile(base + ".sigmf-meta", QByteArray::fromStdString(iioMeta(std::nullopt).toJson()));
        writeFile(base + ".sigmf-data", iioFrames(4096));
        const auto r = SigmfRecording::open(base.toStdString());
        double v[2];
        r->readRaw(1, 2047, 2, v); // 12-bit: 2047 then 2048 reads as -2048
        QCOMPARE(v[0], 2047.0);
        QCOMPARE(v[1], -2048.0);
    }

    void cutShortRecordingsAreReadable()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("cut");
        // The last update described 80 frames; 100 and 3 bytes of the next made it to disk.
        writeFile(base + ".sigmf-meta", QByteArray::fromStdString(iioMeta(80).toJson()));
        writeFile(base + ".sigmf-data", iioFrames(101).left(100 * 4 + 3));
        auto r = SigmfRecording::open(base.toStdString());
        QCOMPARE(r->frameCount(), 100u);
        QCOMPARE(r->warnings().size(), std::size_t{2});
        QCOMPARE(r->warnings()[0], std::string("the data file ends in a partial frame (3 bytes ignored)"));
        QCOMPARE(r->warnings()[1], std::string("the data file holds 20 frames more than the "
                                               "metadata's last update described (the recording "
                                               "was not closed)"));
        double v;
        r->readRaw(1, 99, 1, &v);
        QCOMPARE(v, 99.0);

        // Shorter than described: what is there is used, and said.
        writeFile(base + ".sigmf-data", iioFrames(50));
        r = SigmfRecording::open(base.toStdString());
        QCOMPARE(r->frameCount(), 50u);
        QCOMPARE(r->warnings().at(0),
                 std::string("the data file holds 50 frames, the metadata describes 80 (the data "
                             "file was cut)"));
        QCOMPARE(r->warnings().at(1), std::string("captures past the end of the data file are ignored"));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, r->readRaw(1, 49, 2, &v));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, r->readRaw(2, 0, 1, &v));
    }

    void emptyDataIsAnEmptyRecording()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("empty");
        writeFile(base + ".sigmf-meta", QByteArray::fromStdString(iioMeta(0).toJson()));
        writeFile(base + ".sigmf-data", {});
        const auto r = SigmfRecording::open(base.toStdString());
        QCOMPARE(r->frameCount(), 0u);
        QVERIFY(r->data() == nullptr);
    }

    void errorsNameTheFile()
    {
        QTemporaryDir dir;
        const std::string base = dir.filePath("x").toStdString();
        try {
            SigmfRecording::open(base);
            QFAIL("opened a missing recording");
        } catch (const SystemError &e) {
            QCOMPARE(std::string(e.what()),
                     "open the metadata " + base + ".sigmf-meta: No such file or directory (errno 2)");
        }
        writeFile(dir.filePath("x.sigmf-meta"), "{}");
        try {
            SigmfRecording::open(base);
            QFAIL("opened malformed metadata");
        } catch (const SigmfError &e) {
            QCOMPARE(std::string(e.what()), base + ".sigmf-meta: global: missing (required)");
        }
        writeFile(dir.filePath("x.sigmf-meta"), {});
        try {
            SigmfRecording::open(base);
            QFAIL("opened empty metadata");
        } catch (const SigmfError &e) {
            QCOMPARE(std::string(e.what()),
                     base + ".sigmf-meta: the metadata file is empty (the recording was not "
                            "started or is being created)");
        }
        writeFile(dir.filePath("x.sigmf-meta"), readFile(kValid + "/ri32_be.sigmf-meta"));
        try {
            SigmfRecording::open(base);
            QFAIL("opened without data");
        } catch (const SystemError &e) {
            QCOMPARE(std::string(e.what()),
                     "open the samples " + base + ".sigmf-data: No such file or directory (errno 2)");
        }
    }

    void aFifoInPlaceOfAFileIsRefusedWithoutBlocking()
    {
        // Opening a FIFO for reading blocks until a writer comes: a recording must not hang.
        QTemporaryDir dir;
        const std::string base = dir.filePath("fifo").toStdString();
        QCOMPARE(::mkfifo((base + ".sigmf-meta").c_str(), 0644), 0);
        try {
            SigmfRecording::open(base);
            QFAIL("opened a FIFO as metadata");
        } catch (const SigmfError &e) {
            QCOMPARE(std::string(e.what()), base + ".sigmf-meta is not a regular file");
        }
        QVERIFY(QFile::remove(QString::fromStdString(base + ".sigmf-meta")));
        writeFile(QString::fromStdString(base + ".sigmf-meta"),
                  readFile(kValid + "/ri32_be.sigmf-meta"));
        QCOMPARE(::mkfifo((base + ".sigmf-data").c_str(), 0644), 0);
        try {
            SigmfRecording::open(base);
            QFAIL("opened a FIFO as samples");
        } catch (const SigmfError &e) {
            QCOMPARE(std::string(e.what()), base + ".sigmf-data is not a regular file");
        }
    }

    void aMissingSampleRateIsNoted()
    {
        QTemporaryDir dir;
        SigmfMeta m = iioMeta(std::nullopt);
        m.sampleRate = 0; // not written
        const QString base = writeRecording(dir.filePath("norate"), m, iioFrames(100));
        const auto r = SigmfRecording::open(base.toStdString());
        QCOMPARE(r->meta().sampleRate, 0.0);
        QCOMPARE(r->seconds(), 0.0);
        QCOMPARE(r->warnings().size(), std::size_t{1});
        QCOMPARE(r->warnings()[0], std::string("the metadata gives no sample rate "
                                               "(core:sample_rate): playback is not paced"));
    }
};

QTEST_GUILESS_MAIN(TstSigmfRecording)
#include "tst_sigmf_recording.moc"

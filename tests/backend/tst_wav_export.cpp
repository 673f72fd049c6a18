// exportWav: the RIFF header field by field (PCM16, PCM32, IEEE float with its fact chunk),
// samples scaled to full range (shifted 12-bit, unsigned 8-bit centred, floats), a range and a
// channel choice, and the refusals (range, channel, sample rate) that leave no file behind.
#include "dmascope/record/wav_export.h"
#include "sigmf_fixture.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace dmascope;
using namespace sigmf_fixture;

namespace {

// voltage0 le:s16/16 = 100 * i; voltage3 le:s12/16>>4 = i - 5 (12 bits), 20 frames at 48 kHz.
std::shared_ptr<const SigmfRecording> iioRecording(const QTemporaryDir &dir, double rate = 48000)
{
    const SigmfMeta m = iio16Meta("iio-sim-adc", rate,
                                  {{"voltage0", "voltage0", "le:s16/16>>0", 1.0, 0, 0, 0},
                                   {"voltage3", "voltage3", "le:s12/16>>4", 1.0, 0, 0, 3}});
    QByteArray data;
    for (int i = 0; i < 20; ++i) {
        append<std::int16_t>(data, static_cast<std::int16_t>(100 * i));
        append<std::uint16_t>(data, static_cast<std::uint16_t>(((i - 5) & 0xfff) << 4));
    }
    return SigmfRecording::open(writeRecording(dir.filePath("iio"), m, data).toStdString());
}

std::uint16_t u16(const QByteArray &b, int at)
{
    std::uint16_t v;
    std::memcpy(&v, b.constData() + at, 2);
    return v;
}
std::uint32_t u32(const QByteArray &b, int at)
{
    std::uint32_t v;
    std::memcpy(&v, b.constData() + at, 4);
    return v;
}
template <typename T> T sample(const QByteArray &b, int at)
{
    T v;
    std::memcpy(&v, b.constData() + at, sizeof v);
    return v;
}

} // namespace

class TstWavExport : public QObject
{
    Q_OBJECT

private slots:
    void pcm16HeaderAndFullScale()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const QString path = dir.filePath("out.wav");
        const ExportResult r = exportWav(*rec, path.toStdString(), WavFormat::Pcm16, {2, 10});
        QCOMPARE(r.frames, 10u);
        QCOMPARE(r.bytes, 44u + 10 * 2 * 2);
        QVERIFY(r.notes.empty());
        const QByteArray w = readFile(path);
        QCOMPARE(w.size(), 44 + 40);
        QCOMPARE(w.left(4), QByteArray("RIFF"));
        QCOMPARE(u32(w, 4), 36u + 40);
        QCOMPARE(w.mid(8, 8), QByteArray("WAVEfmt "));
        QCOMPARE(u32(w, 16), 16u);
        QCOMPARE(u16(w, 20), 1);  // PCM
        QCOMPARE(u16(w, 22), 2);  // channels
        QCOMPARE(u32(w, 24), 48000u);
        QCOMPARE(u32(w, 28), 48000u * 4); // byte rate
        QCOMPARE(u16(w, 32), 4);  // block align
        QCOMPARE(u16(w, 34), 16); // bits
        QCOMPARE(w.mid(36, 4), QByteArray("data"));
        QCOMPARE(u32(w, 40), 40u);
        // Frame 2: voltage0 200 as it is; voltage3 -3 (12 bits) moved to the top: -3 << 4.
        QCOMPARE(sample<std::int16_t>(w, 44), std::int16_t{200});
        QCOMPARE(sample<std::int16_t>(w, 46), std::int16_t{-48});
        // Frame 11 (the last): 1100 and 6 << 4.
        QCOMPARE(sample<std::int16_t>(w, 44 + 9 * 4), std::int16_t{1100});
        QCOMPARE(sample<std::int16_t>(w, 44 + 9 * 4 + 2), std::int16_t{96});
    }

    void pcm32OneChannel()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const QString path = dir.filePath("out.wav");
        exportWav(*rec, path.toStdString(), WavFormat::Pcm32, {}, {1});
        const QByteArray w = readFile(path);
        QCOMPARE(u16(w, 22), 1);
        QCOMPARE(u16(w, 34), 32);
        QCOMPARE(u32(w, 40), 20u * 4);
        QCOMPARE(sample<std::int32_t>(w, 44), -5 * (1 << 20)); // 12 -> 32 bits
    }

    void floatWithFactChunk()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const QString path = dir.filePath("out.wav");
        exportWav(*rec, path.toStdString(), WavFormat::Float32, {0, 4});
        const QByteArray w = readFile(path);
        QCOMPARE(u32(w, 16), 18u);
        QCOMPARE(u16(w, 20), 3); // IEEE float
        QCOMPARE(u16(w, 36), 0); // cbSize
        QCOMPARE(w.mid(38, 4), QByteArray("fact"));
        QCOMPARE(u32(w, 46), 4u); // frames
        QCOMPARE(w.mid(50, 4), QByteArray("data"));
        QCOMPARE(u32(w, 54), 4u * 2 * 4);
        QCOMPARE(u32(w, 4), static_cast<std::uint32_t>(w.size() - 8));
        QCOMPARE(sample<float>(w, 58 + 8), 100.0f / 32768); // frame 1, voltage0
        QCOMPARE(sample<float>(w, 58 + 4), -5.0f / 2048);   // frame 0, voltage3
    }

    void unsignedAndFloatRecordings()
    {
        QTemporaryDir dir;
        SigmfMeta m;
        m.datatype = *SigmfDatatype::parse("ru8");
        m.sampleRate = 8000;
        const auto u8 = SigmfRecording::open(
            writeRecording(dir.filePath("u8"), m, QByteArray("\x00\x80\xff", 3)).toStdString());
        const QString a = dir.filePath("a.wav");
        exportWav(*u8, a.toStdString(), WavFormat::Pcm16);
        QByteArray w = readFile(a);
        QCOMPARE(sample<std::int16_t>(w, 44), std::int16_t{-32768}); // 0 is the bottom
        QCOMPARE(sample<std::int16_t>(w, 46), std::int16_t{0});      // 128 the middle
        QCOMPARE(sample<std::int16_t>(w, 48), std::int16_t{32512});

        m.datatype = *SigmfDatatype::parse("rf32_le");
        QByteArray f;
        for (float v : {0.5f, -1.0f, 2.0f})
            append<float>(f, v);
        const auto fl = SigmfRecording::open(writeRecording(dir.filePath("f"), m, f).toStdString());
        exportWav(*fl, a.toStdString(), WavFormat::Pcm16);
        w = readFile(a);
        QCOMPARE(sample<std::int16_t>(w, 44), std::int16_t{16384});
        QCOMPARE(sample<std::int16_t>(w, 46), std::int16_t{-32768});
        QCOMPARE(sample<std::int16_t>(w, 48), std::int16_t{32767}); // clipped
    }

    void fractionalRateIsRoundedAndSaid()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir, 2500.5);
        const ExportResult r =
            exportWav(*rec, dir.filePath("o.wav").toStdString(), WavFormat::Pcm16);
        QCOMPARE(r.notes.size(), std::size_t{1});
        QCOMPARE(r.notes[0], std::string("sample rate 2500.500000 Hz rounded to 2501 Hz (WAV "
                                         "stores whole hertz)"));
    }

    void refusalsLeaveNoFile()
    {
        QTemporaryDir dir;
        const auto rec = iioRecording(dir);
        const std::string path = dir.filePath("bad.wav").toStdString();
        auto refused = [&](auto call, const std::string &message) {
            try {
                call();
                return std::string("accepted");
            } catch (const std::invalid_argument &e) {
                if (QFileInfo::exists(QString::fromStdString(path)))
                    return std::string("left a file");
                return e.what() == message ? std::string() : std::string(e.what());
            }
        };
        std::string r = refused([&] { exportWav(*rec, path, WavFormat::Pcm16, {20, 1}); },
                                "the range starts at frame 20, past the end of the recording "
                                "(20 frames)");
        QVERIFY2(r.empty(), r.c_str());
        r = refused([&] { exportWav(*rec, path, WavFormat::Pcm16, {}, {2}); },
                    "the recording has no channel 2 (it has 2)");
        QVERIFY2(r.empty(), r.c_str());
        QTemporaryDir other;
        SigmfMeta m;
        m.datatype = *SigmfDatatype::parse("ri16_le");
        const auto noRate = SigmfRecording::open(
            writeRecording(other.filePath("n"), m, QByteArray(4, 0)).toStdString());
        r = refused([&] { exportWav(*noRate, path, WavFormat::Pcm16); },
                    "WAV needs a sample rate between 1 Hz and 4294967295 Hz; the recording's "
                    "is unknown");
        QVERIFY2(r.empty(), r.c_str());
        // An I/O error names the file.
        try {
            exportWav(*rec, dir.filePath("missing/x.wav").toStdString(), WavFormat::Pcm16);
            QFAIL("wrote into a missing folder");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("missing/x.wav") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TstWavExport)
#include "tst_wav_export.moc"

// SigmfMeta and SigmfDatatype: datatype strings both ways, the JSON round trip with the iio
// extension, the layouts (iio channels exactly; synthesised for other tools' recordings), and
// every malformed fixture in tests/data/sigmf/malformed with its exact message.
#include "dmascope/record/sigmf_meta.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace dmascope;

namespace {

std::string readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll().toStdString();
}

const QString kData = QStringLiteral(DMASCOPE_TEST_DATA_DIR "/sigmf");

SigmfMeta simMeta()
{
    SigmfMeta m;
    m.datatype = *SigmfDatatype::parse("ri16_le");
    m.numChannels = 2;
    m.sampleRate = 1e6;
    m.recorder = "dmascope test";
    m.hw = "iio-sim-adc via sim:";
    SigmfIioInfo iio;
    iio.device = "iio-sim-adc";
    iio.uri = "sim:";
    iio.frameBytes = 4;
    iio.channels = {{"voltage0", "vin", "le:s16/16>>0", 1000.0 / 32768, 0, 0, 0},
                    {"voltage3", "voltage3", "le:s12/16>>4", 1000.0 / 2048, 1.5, 2, 3}};
    iio.deviceAttributes = {{"sampling_frequency", "1000000"}, {"name", "iio-sim-adc"}};
    iio.sampleCount = 4096;
    m.iio = iio;
    m.captures = {{0, 100, "2026-11-25T13:17:00.000001Z", std::nullopt},
                  {4000, 5000, "2026-11-25T13:17:00.004901Z", 915e6}};
    m.annotations = {{4000, 0, "discontinuity", "900 samples lost", 900}};
    return m;
}

} // namespace

class TstSigmfMeta : public QObject
{
    Q_OBJECT

private slots:
    void datatypes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("complex");
        QTest::addColumn<bool>("isFloat");
        QTest::addColumn<bool>("isSigned");
        QTest::addColumn<unsigned>("bits");
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<unsigned>("sampleBytes");
        QTest::newRow("ri16_le") << "ri16_le" << false << false << true << 16u << false << 2u;
        QTest::newRow("ru16_be") << "ru16_be" << false << false << false << 16u << true << 2u;
        QTest::newRow("ri32_le") << "ri32_le" << false << false << true << 32u << false << 4u;
        QTest::newRow("cf32_le") << "cf32_le" << true << true << true << 32u << false << 8u;
        QTest::newRow("rf64_be") << "rf64_be" << false << true << true << 64u << true << 8u;
        QTest::newRow("ci16_le") << "ci16_le" << true << false << true << 16u << false << 4u;
        QTest::newRow("ru8") << "ru8" << false << false << false << 8u << false << 1u;
        QTest::newRow("ci8") << "ci8" << true << false << true << 8u << false << 2u;
    }
    void datatypes()
    {
        QFETCH(QString, text);
        std::string error;
        const auto t = SigmfDatatype::parse(text.toStdString(), &error);
        QVERIFY2(t, error.c_str());
        QFETCH(bool, complex);
        QCOMPARE(t->complex, complex);
        QFETCH(bool, isFloat);
        QFETCH(bool, isSigned);
        QFETCH(unsigned, bits);
        QFETCH(bool, bigEndian);
        QFETCH(unsigned, sampleBytes);
        QCOMPARE(t->isFloat, isFloat);
        QCOMPARE(t->isSigned, isSigned);
        QCOMPARE(t->bits, bits);
        QCOMPARE(t->bigEndian, bigEndian);
        QCOMPARE(t->sampleBytes(), std::size_t{sampleBytes});
        QCOMPARE(QString::fromStdString(t->toString()), text);
    }

    // Found by fuzz_sigmf_meta: "ri8_be" read as big-endian was written back as "ri8", so a
    // recording's datatype changed on the way through toJson().
    void aByteOrderOnEightBitTypesMeansNothing()
    {
        const auto be = SigmfDatatype::parse("ri8_be");
        const auto le = SigmfDatatype::parse("cu8_le");
        QVERIFY(be && le);
        QCOMPARE(*be, *SigmfDatatype::parse("ri8"));
        QCOMPARE(*le, *SigmfDatatype::parse("cu8"));
        QCOMPARE(be->toString(), std::string("ri8"));
        QCOMPARE(*SigmfDatatype::parse(be->toString()), *be);
    }

    void datatypeErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << "" << "must not be empty";
        QTest::newRow("x") << "xi16_le" << "\"xi16_le\" must start with c (complex) or r (real)";
        QTest::newRow("kind") << "rq16_le"
                              << "\"rq16_le\" must name f (float), i (signed) or u (unsigned) after r";
        QTest::newRow("leading zero") << "ri08_be"
                                      << "\"ri08_be\" has no SigMF sample size (f32, f64, i8, i16, i32, u8, u16, u32)";
        QTest::newRow("i64") << "ri64_le"
                             << "\"ri64_le\" has no SigMF sample size (f32, f64, i8, i16, i32, u8, u16, u32)";
        QTest::newRow("f16") << "rf16_le"
                             << "\"rf16_le\" has no SigMF sample size (f32, f64, i8, i16, i32, u8, u16, u32)";
        QTest::newRow("order") << "cf32" << "\"cf32\" lacks the byte order (_le or _be)";
        QTest::newRow("suffix") << "ri16_xx" << "\"ri16_xx\" has an unknown suffix (expected _le or _be)";
    }
    void datatypeErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        std::string error;
        QVERIFY(!SigmfDatatype::parse(text.toStdString(), &error));
        QCOMPARE(QString::fromStdString(error), message);
    }

    void matchingScanTypes()
    {
        auto match = [](const char *scan) {
            const auto t = SigmfDatatype::matching(*ScanType::parse(scan));
            return t ? QString::fromStdString(t->toString()) : QString("-");
        };
        QCOMPARE(match("le:s16/16>>0"), QString("ri16_le"));
        QCOMPARE(match("be:u32/32>>0"), QString("ru32_be"));
        QCOMPARE(match("le:u8/8>>0"), QString("ru8"));
        QCOMPARE(match("le:s12/16>>4"), QString("-")); // needs the iio extension
        QCOMPARE(match("le:s16/16X2>>0"), QString("-"));
        QCOMPARE(match("le:s64/64>>0"), QString("-"));
        QCOMPARE(match("be:s24/32>>0"), QString("-"));
    }

    void roundTripWithIioExtension()
    {
        const SigmfMeta m = simMeta();
        const std::string json = m.toJson();
        QVERIFY(json.find("\"core:extensions\"") != std::string::npos);
        const SigmfMeta back = SigmfMeta::fromJson(json);
        QCOMPARE(back.datatype, m.datatype);
        QCOMPARE(back.numChannels, 2u);
        QCOMPARE(back.sampleRate, 1e6);
        QCOMPARE(back.version, std::string("1.2.5"));
        QCOMPARE(back.recorder, m.recorder);
        QCOMPARE(back.hw, m.hw);
        QVERIFY(back.iio);
        QCOMPARE(back.iio->device, std::string("iio-sim-adc"));
        QCOMPARE(back.iio->uri, std::string("sim:"));
        QCOMPARE(back.iio->frameBytes, std::size_t{4});
        QCOMPARE(back.iio->sampleCount, std::optional<std::uint64_t>(4096));
        QCOMPARE(back.iio->channels.size(), std::size_t{2});
        QCOMPARE(back.iio->channels[1].id, std::string("voltage3"));
        QCOMPARE(back.iio->channels[1].scanType, std::string("le:s12/16>>4"));
        QCOMPARE(back.iio->channels[1].scale, 1000.0 / 2048);
        QCOMPARE(back.iio->channels[1].offset, 1.5);
        QCOMPARE(back.iio->channels[1].byteOffset, std::size_t{2});
        QCOMPARE(back.iio->channels[0].label, std::string("vin"));
        // Device attributes come back (the JSON object sorts them by name).
        QCOMPARE(back.iio->deviceAttributes.size(), std::size_t{2});
        QCOMPARE(back.iio->deviceAttributes[1].first, std::string("sampling_frequency"));
        QCOMPARE(back.iio->deviceAttributes[1].second, std::string("1000000"));
        QCOMPARE(back.captures.size(), std::size_t{2});
        QCOMPARE(back.captures[1].sampleStart, 4000u);
        QCOMPARE(back.captures[1].globalIndex, std::optional<std::uint64_t>(5000));
        QCOMPARE(back.captures[1].frequency, std::optional<double>(915e6));
        QCOMPARE(back.captures[0].datetime, m.captures[0].datetime);
        QCOMPARE(back.annotations.size(), std::size_t{1});
        QCOMPARE(back.annotations[0].lostSamples, std::optional<std::uint64_t>(900));
        QCOMPARE(back.annotations[0].comment, std::string("900 samples lost"));
        QCOMPARE(back.annotations[0].sampleCount, std::optional<std::uint64_t>(0));
    }

    void iioLayoutIsExact()
    {
        const ScanLayout l = simMeta().layout();
        QCOMPARE(l.frameBytes, std::size_t{4});
        QCOMPARE(l.channels.size(), std::size_t{2});
        QCOMPARE(l.channels[1].id, std::string("voltage3"));
        QCOMPARE(l.channels[1].type.shift, 4u);
        QCOMPARE(l.channels[1].type.realBits, 12u);
        QCOMPARE(l.channels[1].byteOffset, std::size_t{2});
        QCOMPARE(l.channels[1].offset, 1.5);
        QCOMPARE(l.channels[0].label, std::string("vin"));
        QVERIFY(simMeta().layoutIsRaw());
    }

    void synthesisedLayouts()
    {
        SigmfMeta m;
        m.datatype = *SigmfDatatype::parse("ci16_be");
        m.numChannels = 2;
        ScanLayout l = m.layout();
        QCOMPARE(l.channels.size(), std::size_t{4});
        QCOMPARE(l.channels[0].id, std::string("ch0.i"));
        QCOMPARE(l.channels[3].id, std::string("ch1.q"));
        QCOMPARE(l.channels[3].byteOffset, std::size_t{6});
        QVERIFY(l.channels[3].type.bigEndian);
        QCOMPARE(l.frameBytes, m.frameBytes());

        m.datatype = *SigmfDatatype::parse("rf64_le");
        m.numChannels = 1;
        l = m.layout();
        QVERIFY(!m.layoutIsRaw());
        QCOMPARE(l.channels.size(), std::size_t{1});
        QCOMPARE(l.channels[0].type.toString(), std::string("le:s32/32>>0"));
        QCOMPARE(l.channels[0].scale, kFloatPlaybackScale);
        QCOMPARE(l.frameBytes, std::size_t{4}); // converted, not the file's 8
    }

    void otherToolsFixtures()
    {
        const SigmfMeta gr = SigmfMeta::fromJson(readFile(kData + "/valid/gnuradio_cf32.sigmf-meta"));
        QCOMPARE(QString::fromStdString(gr.datatype.toString()), QString("cf32_le"));
        QCOMPARE(gr.sampleRate, 2e6);
        QVERIFY(!gr.iio);
        QCOMPARE(gr.captures[0].frequency, std::optional<double>(915e6));
        QCOMPARE(gr.annotations[0].label, std::string("burst"));

        const SigmfMeta py =
            SigmfMeta::fromJson(readFile(kData + "/valid/sigmf_python_ri16_2ch.sigmf-meta"));
        QCOMPARE(py.numChannels, 2u);
        QCOMPARE(py.captures.size(), std::size_t{2});
        QCOMPARE(py.captures[1].globalIndex, std::optional<std::uint64_t>(5000));

        // No capture at all: the file starts with an implied one.
        const SigmfMeta u8 = SigmfMeta::fromJson(readFile(kData + "/valid/ru8_be_irrelevant.sigmf-meta"));
        QCOMPARE(u8.captures.size(), std::size_t{1});
        QCOMPARE(u8.captures[0].sampleStart, 0u);
        QCOMPARE(u8.sampleRate, 0.0);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        auto row = [](const char *file, const char *message) {
            QTest::newRow(file) << QString(file) << QString(message);
        };
        row("not_json", "not valid JSON at byte 39: unterminated object");
        row("top_level_array",
            "the metadata must be a JSON object with global, captures and annotations");
        row("missing_global", "global: missing (required)");
        row("missing_captures", "captures: missing (required)");
        row("missing_datatype", "global.core:datatype: missing (required)");
        row("datatype_bits", "global.core:datatype: \"ri12_le\" has no SigMF sample size "
                             "(f32, f64, i8, i16, i32, u8, u16, u32)");
        row("datatype_no_byte_order",
            "global.core:datatype: \"ri16\" lacks the byte order (_le or _be)");
        row("datatype_number", "global.core:datatype: must be a string, got 16");
        row("version_2", "global.core:version: SigMF 2.0.0 is not supported (dmascope reads 1.x)");
        row("version_garbage", "global.core:version: must look like 1.2.5, got \"one\"");
        row("sample_rate_string", "global.core:sample_rate: must be a number, got \"1e6\"");
        row("sample_rate_zero",
            "global.core:sample_rate: must be above 0 and at most 1e12 samples per second");
        row("num_channels_zero", "global.core:num_channels: must be between 1 and 4096, got 0");
        row("num_channels_fraction",
            "global.core:num_channels: must be a non-negative integer, got 2.5");
        row("capture_not_object", "captures[0]: must be an object, got 5");
        row("capture_negative_start",
            "captures[1].core:sample_start: must be a non-negative integer, got -5");
        row("captures_out_of_order",
            "captures[2].core:sample_start: 100 does not come after the previous capture's 200 "
            "(captures must be in increasing order)");
        row("capture_bad_datetime",
            "captures[0].core:datetime: must be an ISO 8601 date and time like "
            "2026-11-25T13:17:00Z, got \"yesterday\"");
        row("annotation_missing_start", "annotations[0].core:sample_start: missing (required)");
        row("annotations_unsorted",
            "annotations[1].core:sample_start: 3 comes before the previous annotation's 10 "
            "(annotations must be sorted by sample_start)");
        row("required_extension",
            "global.core:extensions[0].name: the recording requires the extension \"secret\", "
            "which dmascope does not support");
        row("non_conforming", "global.core:dataset: non-conforming datasets are not supported; "
                              "the samples must be in NAME.sigmf-data");
        row("iio_frame_mismatch", "global.iio:frame_bytes: 8 does not match core:datatype "
                                  "ri16_le x core:num_channels 2 = 4 bytes per frame");
        row("iio_bad_scan_type",
            "global.iio:channels[0].scan_type: invalid IIO scan type \"le:s12/16>>\" at offset "
            "11: expected the shift (a decimal number), found the end of the text");
        row("iio_duplicate_channel",
            "global.iio:channels[1].id: channel \"voltage0\" is listed twice");
        row("iio_attribute_number",
            "global.iio:device_attributes.sampling_frequency: must be a string, got 1000");
        row("huge_sample_start",
            "captures[0].core:sample_start: is too large (more than 2^53), got 1e+300");
    }
    void malformed()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        const std::string json = readFile(kData + "/malformed/" + file + ".sigmf-meta");
        try {
            SigmfMeta::fromJson(json);
            QFAIL("accepted");
        } catch (const SigmfError &e) {
            QCOMPARE(QString::fromUtf8(e.what()), message);
        }
    }

    void everyMalformedFixtureIsListed()
    {
        // A new fixture without an expected message would go untested.
        const QStringList files =
            QDir(kData + "/malformed").entryList({"*.sigmf-meta"}, QDir::Files);
        QCOMPARE(files.size(), 27);
    }
};

QTEST_GUILESS_MAIN(TstSigmfMeta)
#include "tst_sigmf_meta.moc"

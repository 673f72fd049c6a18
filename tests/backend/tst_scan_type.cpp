// ScanType: every form the kernel documents and prints, malformed strings with their messages,
// and the per-element decoder (byte order, shift, mask, sign extension).
#include "dmascope/scan_type.h"

#include <QTest>

using dmascope::SampleDecoder;
using dmascope::ScanType;

Q_DECLARE_METATYPE(std::string)

namespace {
ScanType parseOrFail(const char *text)
{
    std::string error;
    const auto t = ScanType::parse(text, &error);
    if (!t)
        qFatal("parse(%s) failed: %s", text, error.c_str());
    return *t;
}
} // namespace

class TstScanType : public QObject
{
    Q_OBJECT

private slots:
    void parsesDocumentedForms_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<bool>("isSigned");
        QTest::addColumn<unsigned>("realBits");
        QTest::addColumn<unsigned>("storageBits");
        QTest::addColumn<unsigned>("repeat");
        QTest::addColumn<unsigned>("shift");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("le s12/16>>4") << "le:s12/16>>4" << false << true << 12u << 16u << 1u << 4u
                                       << "le:s12/16>>4";
        QTest::newRow("be u24/32>>0") << "be:u24/32>>0" << true << false << 24u << 32u << 1u << 0u
                                       << "be:u24/32>>0";
        QTest::newRow("repeat") << "le:s16/16X2>>0" << false << true << 16u << 16u << 2u << 0u
                                << "le:s16/16X2>>0";
        QTest::newRow("s48/64>>2 (the ABI's example)")
            << "le:s48/64>>2" << false << true << 48u << 64u << 1u << 2u << "le:s48/64>>2";
        QTest::newRow("no shift (optional in the ABI)")
            << "le:u8/8" << false << false << 8u << 8u << 1u << 0u << "le:u8/8>>0";
        QTest::newRow("repeat without shift")
            << "be:s14/16X4" << true << true << 14u << 16u << 4u << 0u << "be:s14/16X4>>0";
        QTest::newRow("X1 prints without repeat")
            << "le:u10/16X1>>6" << false << false << 10u << 16u << 1u << 6u << "le:u10/16>>6";
        QTest::newRow("timestamp") << "le:s64/64>>0" << false << true << 64u << 64u << 1u << 0u
                                   << "le:s64/64>>0";
        QTest::newRow("24-bit storage") << "be:s24/24>>0" << true << true << 24u << 24u << 1u
                                        << 0u << "be:s24/24>>0";
        QTest::newRow("sysfs newline") << "le:s12/16>>4\n" << false << true << 12u << 16u << 1u
                                       << 4u << "le:s12/16>>4";
    }
    void parsesDocumentedForms()
    {
        QFETCH(QString, text);
        std::string error;
        const auto t = ScanType::parse(text.toStdString(), &error);
        QVERIFY2(t.has_value(), error.c_str());
        QTEST(t->bigEndian, "bigEndian");
        QTEST(t->isSigned, "isSigned");
        QTEST(t->realBits, "realBits");
        QTEST(t->storageBits, "storageBits");
        QTEST(t->repeat, "repeat");
        QTEST(t->shift, "shift");
        QTEST(QString::fromStdString(t->toString()), "canonical");
        QCOMPARE(ScanType::parse(t->toString()), t);
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << "" << "at offset 0: expected the byte order \"le\" or \"be\", "
                                        "found the end of the text";
        QTest::newRow("bad endian") << "me:s12/16>>4"
                                    << "at offset 0: expected the byte order \"le\" or \"be\", "
                                       "found 'm'";
        QTest::newRow("missing colon") << "le-s12/16>>4"
                                       << "at offset 2: expected ':' after the byte order, "
                                          "found '-'";
        QTest::newRow("bad sign") << "le:f32/32>>0"
                                  << "at offset 3: expected the sign 's' or 'u', found 'f'";
        QTest::newRow("no bits") << "le:s/16>>0"
                                 << "at offset 4: expected the number of bits (a decimal "
                                    "number), found '/'";
        QTest::newRow("missing slash") << "le:s12>>4"
                                       << "at offset 6: expected '/' after the number of bits, "
                                          "found '>'";
        QTest::newRow("no storage") << "le:s12/>>4"
                                    << "at offset 7: expected the storage bits (a decimal "
                                       "number), found '>'";
        QTest::newRow("huge bits") << "le:s99999999999/16>>0"
                                   << "at offset 4: the number of bits is larger than 64";
        QTest::newRow("single >") << "le:s12/16>4"
                                  << "at offset 9: expected 'X<repeat>', '>><shift>' or the end "
                                     "after the storage bits, found '>'";
        QTest::newRow("no shift digits") << "le:s12/16>>"
                                         << "at offset 11: expected the shift (a decimal "
                                            "number), found the end of the text";
        QTest::newRow("shift too big") << "le:u8/64>>64"
                                       << "at offset 10: the shift is larger than 63";
        QTest::newRow("no repeat digits") << "le:s16/16X>>0"
                                          << "at offset 10: expected the repeat count (a "
                                             "decimal number), found '>'";
        QTest::newRow("trailing") << "le:s12/16>>4 junk"
                                  << "at offset 12: unexpected ' ' after the shift";
        QTest::newRow("lowercase x") << "le:s16/16x2>>0"
                                     << "at offset 9: expected 'X<repeat>', '>><shift>' or the "
                                        "end after the storage bits, found 'x'";
        QTest::newRow("negative shift") << "le:s12/16>>-4"
                                        << "at offset 11: expected the shift (a decimal number), "
                                           "found '-'";
        QTest::newRow("storage not bytes") << "le:u10/12>>0"
                                           << "the storage bits must be a multiple of 8 from 8 "
                                              "to 64, not 12";
        QTest::newRow("storage zero") << "le:u0/0>>0"
                                      << "the storage bits must be a multiple of 8 from 8 to 64, "
                                         "not 0";
        QTest::newRow("zero bits") << "le:u0/16>>0" << "the number of bits must be at least 1";
        QTest::newRow("bits exceed storage") << "le:s12/16>>6"
                                             << "12 bits shifted by 6 do not fit in 16 storage "
                                                "bits";
        QTest::newRow("zero repeat") << "le:s16/16X0>>0" << "the repeat count must be at least 1";
    }
    void rejectsMalformed()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        std::string error;
        QVERIFY(!ScanType::parse(text.toStdString(), &error).has_value());
        const std::string expected =
            "invalid IIO scan type \"" + text.toStdString() +
            (message.startsWith("at offset") ? "\" " : "\": ") + message.toStdString();
        QCOMPARE(error, expected);
        // Without an error string it still fails, quietly.
        QVERIFY(!ScanType::parse(text.toStdString()).has_value());
    }

    void sizes()
    {
        QCOMPARE(parseOrFail("le:s16/16X2>>0").elementBytes(), std::size_t{4});
        QCOMPARE(parseOrFail("be:u24/32>>0").storageBytes(), std::size_t{4});
        QCOMPARE(parseOrFail("be:s24/24>>0").elementBytes(), std::size_t{3});
    }

    void decodesSignedTwelveBitsShiftedByFour()
    {
        const SampleDecoder d(parseOrFail("le:s12/16>>4"));
        // -1 in 12 bits, stored <<4, with junk in the low 4 bits that must be masked away.
        const std::uint8_t minusOne[] = {0xfa, 0xff};
        QCOMPARE(d.decode(minusOne), std::int64_t{-1});
        const std::uint8_t mostNegative[] = {0x00, 0x80}; // 0x800 << 4
        QCOMPARE(d.decode(mostNegative), std::int64_t{-2048});
        const std::uint8_t mostPositive[] = {0xf0, 0x7f}; // 0x7ff << 4
        QCOMPARE(d.decode(mostPositive), std::int64_t{2047});
    }

    void decodesBigEndianUnsigned()
    {
        const SampleDecoder d(parseOrFail("be:u24/32>>0"));
        // The top byte is padding with other bits in it: the mask keeps 24 bits.
        const std::uint8_t bytes[] = {0xaa, 0x12, 0x34, 0x56};
        QCOMPARE(d.decode(bytes), std::int64_t{0x123456});
    }

    void decodesBigEndianSignedWithShift()
    {
        const SampleDecoder d(parseOrFail("be:s14/16>>2"));
        // -3 in 14 bits = 0x3ffd, << 2 = 0xfff4, big endian.
        const std::uint8_t bytes[] = {0xff, 0xf4};
        QCOMPARE(d.decode(bytes), std::int64_t{-3});
    }

    void decodesFullWidth()
    {
        const SampleDecoder s64(parseOrFail("le:s64/64>>0"));
        const std::uint8_t minusTwo[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        QCOMPARE(s64.decode(minusTwo), std::int64_t{-2});
        const SampleDecoder u8(parseOrFail("le:u8/8>>0"));
        const std::uint8_t b = 0xff;
        QCOMPARE(u8.decode(&b), std::int64_t{255});
        const SampleDecoder s8(parseOrFail("le:s8/8>>0"));
        QCOMPARE(s8.decode(&b), std::int64_t{-1});
    }

    void decodesTwentyFourBitStorage()
    {
        const std::uint8_t bytes[] = {0x80, 0x00, 0x01};
        QCOMPARE(SampleDecoder(parseOrFail("be:s24/24>>0")).decode(bytes),
                 std::int64_t{-8388607});
        QCOMPARE(SampleDecoder(parseOrFail("le:s24/24>>0")).decode(bytes), std::int64_t{0x010080});
        QCOMPARE(SampleDecoder(parseOrFail("le:u20/24>>4")).decode(bytes), std::int64_t{0x01008});
    }
};

QTEST_GUILESS_MAIN(TstScanType)
#include "tst_scan_type.moc"

// ScanLayout offsets and frame sizes against the kernel's iio_compute_scan_bytes() rule, and the
// bulk extractors against the scalar SampleDecoder and the (raw + offset) * scale formula.
#include "dmascope/scan_layout.h"

#include <QTest>

#include <cstring>
#include <random>
#include <stdexcept>

using dmascope::ChannelLayout;
using dmascope::SampleDecoder;
using dmascope::ScanLayout;
using dmascope::ScanType;

namespace {
ChannelLayout channel(const char *id, unsigned index, const char *type, double scale = 1.0,
                      double offset = 0.0)
{
    ChannelLayout c;
    c.id = id;
    c.label = id;
    c.type = *ScanType::parse(type);
    c.scanIndex = index;
    c.scale = scale;
    c.offset = offset;
    return c;
}

// Stores `raw` as the type describes (shifted, in its byte order) at `p`, for building frames.
void store(const ScanType &t, std::uint8_t *p, std::int64_t raw)
{
    const std::uint64_t mask =
        t.realBits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << t.realBits) - 1;
    const std::uint64_t word = (static_cast<std::uint64_t>(raw) & mask) << t.shift;
    const unsigned n = t.storageBits / 8;
    for (unsigned i = 0; i < n; ++i) {
        const std::uint8_t byte = static_cast<std::uint8_t>(word >> (8 * i));
        p[t.bigEndian ? n - 1 - i : i] = byte;
    }
}
} // namespace

class TstScanLayout : public QObject
{
    Q_OBJECT

private slots:
    void simDeviceLayout()
    {
        const ScanLayout l = ScanLayout::compute({channel("voltage2", 2, "le:s12/16>>4"),
                                                  channel("voltage0", 0, "le:s16/16>>0"),
                                                  channel("voltage3", 3, "le:s12/16>>4"),
                                                  channel("voltage1", 1, "le:s16/16>>0")});
        QCOMPARE(l.frameBytes, std::size_t{8});
        QCOMPARE(l.channels.size(), std::size_t{4});
        for (unsigned i = 0; i < 4; ++i) {
            QCOMPARE(l.channels[i].scanIndex, i);
            QCOMPARE(l.channels[i].byteOffset, std::size_t{2 * i});
        }
        QVERIFY(l.find("voltage3"));
        QCOMPARE(l.find("voltage3")->byteOffset, std::size_t{6});
        QVERIFY(!l.find("voltage9"));
        QCOMPARE(l.frameCount(4096), std::size_t{512});
        QCOMPARE(l.frameCount(7), std::size_t{0});
    }

    void alignsEachElementToItsSize()
    {
        // u8 at 0, s16 aligned to 2, s32 aligned to 4, timestamp aligned to 8: 16 bytes.
        const ScanLayout l = ScanLayout::compute({channel("a", 0, "le:u8/8>>0"),
                                                  channel("b", 1, "le:s16/16>>0"),
                                                  channel("c", 2, "be:u24/32>>0"),
                                                  channel("timestamp", 3, "le:s64/64>>0")});
        QCOMPARE(l.channels[0].byteOffset, std::size_t{0});
        QCOMPARE(l.channels[1].byteOffset, std::size_t{2});
        QCOMPARE(l.channels[2].byteOffset, std::size_t{4});
        QCOMPARE(l.channels[3].byteOffset, std::size_t{8});
        QCOMPARE(l.frameBytes, std::size_t{16});
    }

    void padsFrameToLargestElement()
    {
        // s32 then u8: the frame is 5 bytes of data padded to 8 so the next s32 is aligned.
        const ScanLayout l =
            ScanLayout::compute({channel("a", 0, "le:s32/32>>0"), channel("b", 1, "le:u8/8>>0")});
        QCOMPARE(l.channels[1].byteOffset, std::size_t{4});
        QCOMPARE(l.frameBytes, std::size_t{8});
    }

    void repeatCountsAsOneElement()
    {
        // An X2 element of 16-bit storage is 4 bytes and aligned to 4 (storage x repeat).
        const ScanLayout l = ScanLayout::compute(
            {channel("a", 0, "le:u8/8>>0"), channel("iq", 1, "le:s16/16X2>>0")});
        QCOMPARE(l.channels[1].byteOffset, std::size_t{4});
        QCOMPARE(l.frameBytes, std::size_t{8});
    }

    void oddElementSizesFollowTheKernelMask()
    {
        // The kernel's ALIGN() is a bit mask: for a 6-byte element (16-bit X3) it gives
        // ALIGN(6, 6) = 11 & ~5 = 10, and the frame the kernel reports is 10 bytes.
        QCOMPARE(dmascope::kernelAlign(6, 6), std::size_t{10});
        const ScanLayout l = ScanLayout::compute({channel("xyz", 0, "le:s16/16X3>>0")});
        QCOMPARE(l.frameBytes, std::size_t{10});
        QCOMPARE(dmascope::kernelAlign(5, 4), std::size_t{8});
        QCOMPARE(dmascope::kernelAlign(8, 8), std::size_t{8});
    }

    void emptyLayout()
    {
        const ScanLayout l = ScanLayout::compute({});
        QCOMPARE(l.frameBytes, std::size_t{0});
        QCOMPARE(l.frameCount(100), std::size_t{0});
    }

    void rejectsInvalidChannels()
    {
        ChannelLayout bad = channel("a", 0, "le:s16/16>>0");
        bad.type.shift = 8;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ScanLayout::compute({bad}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 ScanLayout::compute({channel("a", 1, "le:u8/8>>0"),
                                                      channel("b", 1, "le:u8/8>>0")}));
    }

    void physicalUnits()
    {
        const ChannelLayout c = channel("v", 0, "le:s12/16>>4", 1000.0 / 2048, 10);
        QCOMPARE(c.toPhysical(2038), (2038 + 10) * 1000.0 / 2048);
        QCOMPARE(c.toPhysical(-10), 0.0);
    }

    // Bulk extraction must agree with the scalar decoder for every storage width, byte order and
    // sign, for values across the whole range including the extremes.
    void bulkMatchesScalar_data()
    {
        QTest::addColumn<QString>("type");
        for (const char *t : {"le:s12/16>>4", "le:u12/16>>4", "be:s12/16>>4", "be:u16/16>>0",
                              "le:s16/16>>0", "le:s8/8>>0", "le:u7/8>>1", "be:s24/32>>8",
                              "le:u24/32>>0", "le:s32/32>>0", "be:s48/64>>2", "le:u64/64>>0",
                              "be:s24/24>>0", "le:u20/24>>4"})
            QTest::newRow(t) << QString(t);
    }
    void bulkMatchesScalar()
    {
        QFETCH(QString, type);
        // A frame with a byte before the channel so the loads are unaligned.
        const ScanLayout l = ScanLayout::compute(
            {channel("pad", 0, "le:u8/8>>0"), channel("x", 1, type.toLatin1().constData(), 0.5, 3)});
        const ChannelLayout &c = l.channels[1];
        const std::size_t n = 1000;
        std::vector<std::uint8_t> frames(n * l.frameBytes);
        std::mt19937_64 rng(42);
        for (auto &b : frames)
            b = static_cast<std::uint8_t>(rng());
        // Make sure the extremes appear.
        const std::int64_t lo = c.type.isSigned ? -(std::int64_t{1} << (c.type.realBits - 1)) : 0;
        store(c.type, frames.data() + c.byteOffset, lo);
        store(c.type, frames.data() + l.frameBytes + c.byteOffset, -1);

        const SampleDecoder d(c.type);
        std::vector<std::int64_t> raw64(n);
        std::vector<std::int32_t> raw32(n);
        std::vector<float> phys(n);
        dmascope::extractRaw(c, l.frameBytes, frames.data(), n, raw64.data());
        dmascope::extractRaw(c, l.frameBytes, frames.data(), n, raw32.data());
        dmascope::extractPhysical(c, l.frameBytes, frames.data(), n, phys.data());
        QCOMPARE(raw64[0], c.type.isSigned || c.type.realBits == 64 ? lo : 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t expected = d.decode(frames.data() + i * l.frameBytes + c.byteOffset);
            QCOMPARE(raw64[i], expected);
            QCOMPARE(raw32[i], static_cast<std::int32_t>(expected));
            const double physical = c.toPhysical(expected);
            QVERIFY2(std::abs(phys[i] - physical) <= 1e-6 * std::max(1.0, std::abs(physical)),
                     qPrintable(QString("%1 vs %2").arg(phys[i]).arg(physical)));
        }
    }

    void extractsRepeatElements()
    {
        const ScanLayout l = ScanLayout::compute({channel("iq", 0, "le:s16/16X2>>0")});
        const ChannelLayout &c = l.channels[0];
        std::vector<std::uint8_t> frames(3 * l.frameBytes);
        for (int i = 0; i < 3; ++i) {
            store(c.type, frames.data() + i * l.frameBytes, i);          // I
            store(c.type, frames.data() + i * l.frameBytes + 2, -i - 1); // Q
        }
        std::int32_t i[3], q[3];
        dmascope::extractRaw(c, l.frameBytes, frames.data(), 3, i, 0);
        dmascope::extractRaw(c, l.frameBytes, frames.data(), 3, q, 1);
        QCOMPARE(std::vector<std::int32_t>(i, i + 3), (std::vector<std::int32_t>{0, 1, 2}));
        QCOMPARE(std::vector<std::int32_t>(q, q + 3), (std::vector<std::int32_t>{-1, -2, -3}));
    }
};

QTEST_GUILESS_MAIN(TstScanLayout)
#include "tst_scan_layout.moc"

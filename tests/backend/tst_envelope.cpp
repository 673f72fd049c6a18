// The vectorised envelope and decoder against the byte-by-byte reference, for every supported
// format, frame stride and bucket size, on random bytes (so bits outside the field are garbage).
#include "dmascope/dsp/envelope.h"

#include <QTest>

#include <random>
#include <vector>

using namespace dmascope::dsp;

namespace {

std::vector<SampleFormat> allFormats()
{
    std::vector<SampleFormat> out;
    for (unsigned storage : {8u, 16u, 32u})
        for (bool sgn : {true, false})
            for (bool be : {false, true}) {
                // full width, top-aligned narrower fields, and fields with garbage above them
                const unsigned maxReal = sgn || storage < 32 ? storage : 31;
                out.push_back({storage, maxReal, 0, sgn, be});
                out.push_back({storage, storage - 4, 4, sgn, be});  // e.g. s12/16>>4
                out.push_back({storage, storage - 4, 0, sgn, be});  // e.g. s12/16>>0
                out.push_back({storage, storage / 2, 2, sgn, be});  // field in the middle
                out.push_back({storage, 1, storage - 1, sgn, be}); // one bit at the top
            }
    return out;
}

QString describe(const SampleFormat &f, std::size_t stride, std::size_t bucket)
{
    return QStringLiteral("%1:%2%3/%4>>%5 stride %6 bucket %7")
        .arg(f.bigEndian ? "be" : "le", f.isSigned ? "s" : "u")
        .arg(f.realBits).arg(f.storageBits).arg(f.shift).arg(stride).arg(bucket);
}

std::int32_t decodeBytes(std::initializer_list<unsigned> bytes, SampleFormat f)
{
    std::vector<std::byte> b;
    for (unsigned v : bytes)
        b.push_back(std::byte(v));
    std::int32_t fast = 0;
    decodeSamples(RawChannel{b.data(), b.size(), f}, 1, &fast);
    const std::int32_t ref = decodeSampleReference(b.data(), f);
    if (fast != ref)
        return INT32_MIN; // make the comparison in the caller fail visibly
    return fast;
}

} // namespace

class TstEnvelope : public QObject
{
    Q_OBJECT
private slots:
    void knownValues()
    {
        // Little-endian s12/16>>4 (AD9467-style): 0xfff0 is -1, 0x7ff0 is 2047, 0x8000 is -2048.
        const SampleFormat s12{16, 12, 4, true, false};
        QCOMPARE(decodeBytes({0xf0, 0xff}, s12), -1);
        QCOMPARE(decodeBytes({0xf0, 0x7f}, s12), 2047);
        QCOMPARE(decodeBytes({0x0f, 0x80}, s12), -2048); // low nibble is not part of the field
        const SampleFormat u12{16, 12, 4, false, false};
        QCOMPARE(decodeBytes({0xf0, 0xff}, u12), 4095);
        const SampleFormat s12lo{16, 12, 0, true, false}; // garbage in the top nibble
        QCOMPARE(decodeBytes({0xff, 0x5f}, s12lo), -1);
        QCOMPARE(decodeBytes({0x00, 0xf8}, s12lo), -2048);
        const SampleFormat be16{16, 16, 0, true, true};
        QCOMPARE(decodeBytes({0x80, 0x00}, be16), -32768);
        QCOMPARE(decodeBytes({0x01, 0x02}, be16), 0x0102);
        const SampleFormat s24{32, 24, 8, true, false};
        QCOMPARE(decodeBytes({0x00, 0xff, 0xff, 0xff}, s24), -1);
        QCOMPARE(decodeBytes({0xaa, 0x56, 0x34, 0x12}, s24), 0x123456);
        const SampleFormat u31{32, 31, 0, false, false};
        QCOMPARE(decodeBytes({0xff, 0xff, 0xff, 0xff}, u31), 0x7fffffff);
    }

    void validity()
    {
        QVERIFY(SampleFormat({16, 12, 4, true, false}).valid());
        QVERIFY(!SampleFormat({16, 12, 5, true, false}).valid());
        QVERIFY(!SampleFormat({64, 32, 0, true, false}).valid());
        QVERIFY(!SampleFormat({32, 32, 0, false, false}).valid());
        QVERIFY(!SampleFormat({16, 0, 0, true, false}).valid());
        QCOMPARE(SampleFormat({16, 12, 4, true, false}).minValue(), -2048);
        QCOMPARE(SampleFormat({16, 12, 4, false, false}).maxValue(), 4095);
    }

    void fastMatchesReference()
    {
        std::mt19937 rng(1234);
        std::uniform_int_distribution<int> byte(0, 255);
        const std::size_t frames = 3000;
        for (const SampleFormat &f : allFormats()) {
            QVERIFY2(f.valid(), qPrintable(describe(f, 0, 0)));
            const std::size_t size = f.storageBytes();
            // one channel, 2/4/8 same-size channels (constant-stride paths), odd frame sizes
            for (std::size_t stride : {size, 2 * size, 4 * size, 8 * size, 3 * size, size + 1}) {
                std::vector<std::byte> data(frames * stride + 8);
                for (auto &b : data)
                    b = std::byte(byte(rng));
                const std::size_t offset = stride > size ? stride - size : 0; // last channel
                const RawChannel ch{data.data() + offset, stride, f};
                for (std::size_t bucket : {std::size_t{1}, std::size_t{7}, std::size_t{16},
                                           std::size_t{1000}, frames}) {
                    const std::size_t n = (frames + bucket - 1) / bucket;
                    std::vector<MinMax> fast(n), ref(n);
                    minMaxEnvelope(ch, frames, bucket, fast.data());
                    minMaxEnvelopeReference(ch, frames, bucket, ref.data());
                    QVERIFY2(fast == ref, qPrintable(describe(f, stride, bucket)));
                    for (const MinMax &m : fast)
                        QVERIFY(m.min >= f.minValue() && m.max <= f.maxValue());
                }
                std::vector<std::int32_t> dec(frames);
                decodeSamples(ch, frames, dec.data());
                for (std::size_t i = 0; i < frames; ++i)
                    QCOMPARE(dec[i], decodeSampleReference(ch.data + i * stride, f));
            }
        }
    }

    // One pass over all channels of the frames against the per-channel reference, for the
    // layouts it accepts, and refusal of the ones it does not.
    void framesMatchReference()
    {
        std::mt19937 rng(99);
        std::uniform_int_distribution<int> byte(0, 255);
        struct Case
        {
            unsigned storage;
            bool sgn;
            std::size_t lanes;            // containers per frame
            std::vector<std::size_t> use; // which lanes are channels (others: e.g. timestamp)
            std::vector<unsigned> real;   // per channel real bits (top-aligned)
        };
        const std::vector<Case> cases = {
            {16, true, 4, {0, 1, 2, 3}, {16, 16, 12, 14}},
            {16, false, 2, {0, 1}, {16, 12}},
            {16, true, 8, {0, 2, 3}, {12, 12, 16}}, // lanes 4..7 e.g. a 64-bit timestamp
            {16, true, 1, {0}, {16}},
            {16, true, 16, {0, 15}, {16, 10}},
            {8, true, 4, {0, 1, 2, 3}, {8, 8, 6, 8}},
            {8, false, 32, {3, 31}, {8, 4}},
            {32, true, 4, {0, 1, 3}, {32, 24, 18}},
            {32, false, 2, {0, 1}, {31, 24}},
        };
        for (const Case &k : cases) {
            const std::size_t size = k.storage / 8;
            const std::size_t frameBytes = k.lanes * size;
            std::vector<SampleFormat> formats;
            std::vector<std::size_t> offsets;
            for (std::size_t i = 0; i < k.use.size(); ++i) {
                formats.push_back({k.storage, k.real[i], k.storage - k.real[i], k.sgn, false});
                offsets.push_back(k.use[i] * size);
            }
            for (std::size_t frames : {std::size_t{16 * 300}, std::size_t{16 * 300 + 7}, std::size_t{5}}) {
                std::vector<std::byte> data(frames * frameBytes);
                for (auto &b : data)
                    b = std::byte(byte(rng));
                for (std::size_t bucket : {std::size_t{16}, std::size_t{64}}) {
                    const std::size_t buckets = (frames + bucket - 1) / bucket;
                    std::vector<MinMax> out(buckets * k.use.size());
                    const bool ok = minMaxEnvelopeFrames(data.data(), frameBytes, frames, formats.data(),
                                                         offsets.data(), k.use.size(), bucket, out.data());
                    QVERIFY2(ok, qPrintable(QString("storage %1 lanes %2").arg(k.storage).arg(k.lanes)));
                    for (std::size_t c = 0; c < k.use.size(); ++c) {
                        std::vector<MinMax> ref(buckets);
                        minMaxEnvelopeReference({data.data() + offsets[c], frameBytes, formats[c]},
                                                frames, bucket, ref.data());
                        for (std::size_t b = 0; b < buckets; ++b)
                            QCOMPARE(out[c * buckets + b], ref[b]);
                    }
                }
            }
        }
        // refused: mixed signedness, a field not in the top bits, byte-swapped, odd frame width
        std::vector<std::byte> data(64 * 12);
        MinMax out[64];
        const std::size_t off2[] = {0, 2};
        const SampleFormat mixed[] = {{16, 16, 0, true, false}, {16, 16, 0, false, false}};
        QVERIFY(!minMaxEnvelopeFrames(data.data(), 4, 16, mixed, off2, 2, 16, out));
        const SampleFormat low[] = {{16, 12, 0, true, false}, {16, 16, 0, true, false}};
        QVERIFY(!minMaxEnvelopeFrames(data.data(), 4, 16, low, off2, 2, 16, out));
        const SampleFormat be[] = {{16, 16, 0, true, true}, {16, 16, 0, true, true}};
        QVERIFY(!minMaxEnvelopeFrames(data.data(), 4, 16, be, off2, 2, 16, out));
        const SampleFormat ok[] = {{16, 16, 0, true, false}, {16, 16, 0, true, false}};
        QVERIFY(!minMaxEnvelopeFrames(data.data(), 6, 16, ok, off2, 2, 16, out)); // 3 lanes
        QVERIFY(minMaxEnvelopeFrames(data.data(), 4, 16, ok, off2, 2, 16, out));
    }

    void mergeGroups()
    {
        const std::vector<MinMax> in{{1, 2}, {-5, 0}, {3, 9}, {4, 4}, {-1, 1}};
        std::vector<MinMax> out(3);
        mergeEnvelope(in.data(), in.size(), 2, out.data());
        QCOMPARE(out[0], (MinMax{-5, 2}));
        QCOMPARE(out[1], (MinMax{3, 9}));
        QCOMPARE(out[2], (MinMax{-1, 1}));
        MinMax e;
        QVERIFY(e.empty());
        e.merge(MinMax{3, 3});
        QVERIFY(!e.empty());
    }
};

QTEST_APPLESS_MAIN(TstEnvelope)
#include "tst_envelope.moc"

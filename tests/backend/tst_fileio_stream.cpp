// FileioStream on a sysfs-shaped tree with the buffer fd played by a pipe (fake_iio_kernel.h):
// what it configures through sysfs, the layout it reads (types, indexes, scale, offset, label),
// read() assembling whole blocks from partial reads, and its errors.
#include "dmascope/fileio_stream.h"
#include "dmascope/system_error.h"
#include "fake_iio_kernel.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;
using faketest::FakeKernelScope;
using faketest::FakeSysfs;

namespace {
StreamConfig config(std::vector<std::string> channels = {}, std::size_t samples = 64)
{
    StreamConfig c;
    c.channels = std::move(channels);
    c.samplesPerBlock = samples;
    c.blockCount = 4;
    return c;
}

// Frames of voltage0 (s16) and voltage1 (s12 stored <<4): sample n holds n and -n.
QByteArray frames(int first, int count)
{
    QByteArray out;
    for (int n = first; n < first + count; ++n) {
        const std::int16_t v0 = static_cast<std::int16_t>(n);
        const std::uint16_t v1 = static_cast<std::uint16_t>(static_cast<std::uint16_t>(-n) << 4);
        out.append(reinterpret_cast<const char *>(&v0), 2);
        out.append(reinterpret_cast<const char *>(&v1), 2);
    }
    return out;
}
} // namespace

class TstFileioStream : public QObject
{
    Q_OBJECT

private slots:
    void configuresTheBufferAndReadsTheLayout()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FileioStream stream("fake-adc", {sysfs.root()});
        stream.start(config());
        QCOMPARE(sysfs.get("iio:device0/buffer0/in_voltage0_en"), QByteArray("1"));
        QCOMPARE(sysfs.get("iio:device0/buffer0/in_voltage1_en"), QByteArray("1"));
        QCOMPARE(sysfs.get("iio:device0/buffer0/length"), QByteArray("256"));
        QCOMPARE(sysfs.get("iio:device0/buffer0/watermark"), QByteArray("64"));
        QCOMPARE(sysfs.get("iio:device0/buffer0/enable"), QByteArray("1"));
        const auto layout = stream.layout();
        QCOMPARE(layout->frameBytes, std::size_t{4});
        QCOMPARE(layout->channels[0].id, std::string("voltage0"));
        QCOMPARE(layout->channels[0].label, std::string("vin"));
        QCOMPARE(layout->channels[0].scale, 0.5); // the shared in_voltage_scale
        QCOMPARE(layout->channels[0].offset, 0.0);
        QCOMPARE(layout->channels[1].type.toString(), std::string("le:s12/16>>4"));
        QCOMPARE(layout->channels[1].scale, 0.25); // its own scale wins
        QCOMPARE(layout->channels[1].offset, 10.0);
        QCOMPARE(layout->channels[1].byteOffset, std::size_t{2});
        QCOMPARE(stream.stats().path, std::string("fileio"));
        stream.stop();
        QCOMPARE(sysfs.get("iio:device0/buffer0/enable"), QByteArray("0"));
    }

    void enablesOnlyTheRequestedChannels()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FileioStream stream("iio:device0", {sysfs.root()});
        stream.start(config({"voltage1"}));
        QCOMPARE(sysfs.get("iio:device0/buffer0/in_voltage0_en"), QByteArray("0"));
        QCOMPARE(sysfs.get("iio:device0/buffer0/in_voltage1_en"), QByteArray("1"));
        QCOMPARE(stream.layout()->frameBytes, std::size_t{2});
    }

    void assemblesBlocksFromPartialReads()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FileioStream stream("fake-adc", {sysfs.root()});
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 8);
        stream.start(config({}, 64));
        // Three blocks of 64 frames written in uneven pieces.
        const QByteArray data = frames(0, 192);
        for (qsizetype at = 0; at < data.size(); at += 100)
            kernel.produce(data.mid(at, 100));
        const auto layout = stream.layout();
        for (std::uint64_t n = 0; n < 3; ++n) {
            auto d = sub->pop(5000);
            QVERIFY(d);
            const Block &b = *d->block;
            QCOMPARE(b.sequence, n);
            QCOMPARE(b.firstSample, n * 64);
            QCOMPARE(b.frames(), std::size_t{64});
            std::int32_t v0[64], v1[64];
            extractRaw(layout->channels[0], 4, b.data, 64, v0);
            extractRaw(layout->channels[1], 4, b.data, 64, v1);
            for (int i = 0; i < 64; ++i) {
                const int sample = static_cast<int>(n * 64) + i;
                QCOMPARE(v0[i], sample);
                QCOMPARE(v1[i], -sample);
            }
            float mv[64];
            extractPhysical(layout->channels[1], 4, b.data, 64, mv);
            QCOMPARE(mv[1], static_cast<float>((-(static_cast<int>(n * 64) + 1) + 10) * 0.25));
        }
        stream.stop();
        const StreamStats s = stream.stats();
        QCOMPARE(s.blocks, std::uint64_t{3});
        QCOMPARE(s.bytes, std::uint64_t{3 * 64 * 4});
        QCOMPARE(s.overruns, std::uint64_t{0});
    }

    void refusesABufferInUse()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        sysfs.put("iio:device0/buffer0/enable", "1\n");
        FileioStream stream("fake-adc", {sysfs.root()});
        try {
            stream.start(config());
            QFAIL("started on a busy buffer");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), EBUSY);
            QVERIFY(std::string(e.what()).find("another program") != std::string::npos);
        }
        QCOMPARE(stream.state(), StreamState::Idle);
    }

    void reportsUnknownChannelsAndDevices()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FileioStream stream("fake-adc", {sysfs.root()});
        try {
            stream.start(config({"voltage9"}));
            QFAIL("unknown channel accepted");
        } catch (const std::invalid_argument &e) {
            QCOMPARE(std::string(e.what()),
                     std::string("iio:device0 has no input scan element \"voltage9\" (it has "
                                 "voltage0, voltage1)"));
        }
        // Nothing was changed on the device.
        QCOMPARE(sysfs.get("iio:device0/buffer0/in_voltage1_en"), QByteArray("1"));
        FileioStream missing("no-such-adc", {sysfs.root()});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, missing.start(config()));
    }

    void malformedTypeIsReported()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        sysfs.put("iio:device0/buffer0/in_voltage0_type", "le:s16/12>>0\n");
        FileioStream stream("fake-adc", {sysfs.root()});
        try {
            stream.start(config());
            QFAIL("malformed type accepted");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("in_voltage0_type") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("multiple of 8") != std::string::npos, e.what());
        }
    }

    void unpluggedDeviceEndsTheStreamWithEnodev()
    {
        FakeSysfs sysfs;
        FakeKernelScope kernel;
        FileioStream stream("fake-adc", {sysfs.root()});
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        stream.start(config());
        // Nothing arrives any more and the device's directory is gone.
        sysfs.remove("iio:device0");
        QVERIFY(!sub->pop(10000));
        QTRY_COMPARE(stream.state(), StreamState::Failed);
        const std::string error = stream.stats().error;
        QVERIFY2(error.find(describeErrno(ENODEV)) != std::string::npos, error.c_str());
        QVERIFY2(error.find("removed") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TstFileioStream)
#include "tst_fileio_stream.moc"

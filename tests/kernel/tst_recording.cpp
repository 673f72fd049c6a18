// Recording the real iio_sim driver over DMABUF in the QEMU guest (SigmfWriter on DmabufStream,
// and dmascope-cli record), checked through the counter waveform the driver stamps into every
// frame, which proves what the file holds:
//  - several seconds at a high rate: every sample, in order, from sample 0, nothing annotated;
//  - an overrun forced by freezing the file system (FIFREEZE on an ext4 loop mount) while the
//    device keeps streaming: the recorder drops blocks, and the file says so with a new capture
//    whose core:global_index is exactly the counter there, plus an annotation of the gap;
//  - a full disk (a 2 MiB tmpfs): the recording stops with a clear error and a valid file that
//    holds exactly the samples it reports, all continuous;
//  - kill -9 of dmascope-cli record: the recording is readable up to the last written block.
// CTest runs each function in its own guest (tests/kernel/CMakeLists.txt) to stay under 60 s.
#include "iio_sim_fixture.h"

#include "dmascope/dmabuf_stream.h"
#include "dmascope/record/sigmf_recording.h"
#include "dmascope/record/sigmf_writer.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <thread>
#include <unistd.h>

using namespace dmascope;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kFrameBytes = 4; // in_voltage1 (s16 counter) + in_voltage3 (s12 counter)

StreamConfig counterConfig(std::size_t samplesPerBlock, unsigned blocks)
{
    StreamConfig c;
    c.channels = {"voltage1", "voltage3"};
    c.samplesPerBlock = samplesPerBlock;
    c.blockCount = blocks;
    c.path = PathPreference::Dmabuf; // the DMABUF path or a failure, never a silent fallback
    return c;
}

RecordingOptions options(const QString &dir, const char *name, double rate)
{
    RecordingOptions o;
    o.directory = dir.toStdString();
    o.name = name;
    o.sampleRate = rate;
    o.device.device = "iio-sim-adc";
    o.device.uri = "local:";
    return o;
}

std::uint16_t s16At(const SigmfRecording &rec, std::uint64_t frame)
{
    const std::uint8_t *p = rec.frame(frame);
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

// Checks the counters of frames [first, end) of `rec`: continuous, and both channels agree.
QString checkCounters(const SigmfRecording &rec, std::uint64_t first, std::uint64_t end)
{
    simtest::CounterChecker s16(16, 0, 0, kFrameBytes);
    const std::size_t bytes = static_cast<std::size_t>(end - first) * kFrameBytes;
    if (!s16.feed(rec.frame(first), bytes))
        return QString::fromStdString(s16.error());
    if (s16.missing() != 0)
        return QStringLiteral("%1 samples missing in frames %2..%3 without an annotation")
            .arg(s16.missing())
            .arg(first)
            .arg(end);
    const std::string mismatch =
        simtest::compareCounters(rec.frame(first), bytes, kFrameBytes, 0, 2);
    return QString::fromStdString(mismatch);
}

int run(const QString &command)
{
    return std::system(command.toLocal8Bit().constData());
}

} // namespace

class TstRecording : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();
    QTemporaryDir tmp_;

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }
    void init()
    {
        simtest::resetAdc(devs_.adc);
        devs_.adc.write("in_voltage1_waveform", "counter");
    }
    void cleanup() { simtest::resetAdc(devs_.adc); }

    void recordsEveryCounterSample()
    {
        constexpr double kRate = 500'000;
        constexpr std::uint64_t kFrames = 2'000'000; // 4 s
        devs_.adc.write("sampling_frequency", "500000");
        DmabufStream stream("iio-sim-adc");
        RecordingOptions o = options(tmp_.path(), "counter", kRate);
        o.limits.seconds = double(kFrames) / kRate;
        o.queueDepth = 32; // half the pool: the driver always has blocks
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(counterConfig(16384, 64));
        QVERIFY2(writer.wait(50'000), "the 4 s recording did not finish within 50 s");
        stream.stop();
        const RecordingProgress p = writer.progress();
        qInfo("%llu frames, %.1f MB/s written, path %s", (unsigned long long)p.frames,
              p.megabytesPerSecond, stream.stats().path.c_str());
        QCOMPARE(QString::fromStdString(p.stopReason), QStringLiteral("duration limit reached"));
        QCOMPARE(p.state, RecordingState::Finished);
        QCOMPARE(p.frames, kFrames);
        QCOMPARE(p.overruns, std::uint64_t{0});
        QCOMPARE(p.lostSamples, std::uint64_t{0});
        QVERIFY(stream.stats().path.rfind("dmabuf-", 0) == 0);
        QCOMPARE(simtest::readNumber(devs_.adc, "dropped_samples"), 0LL);

        const auto rec = SigmfRecording::open(p.metaPath);
        QCOMPARE(rec->frameCount(), kFrames);
        QCOMPARE(rec->frameBytes(), kFrameBytes);
        QVERIFY(rec->warnings().empty());
        const SigmfMeta &m = rec->meta();
        QCOMPARE(m.sampleRate, kRate);
        QCOMPARE(m.numChannels, 2u);
        QCOMPARE(m.captures.size(), std::size_t{1});
        QVERIFY(m.annotations.empty());
        QVERIFY(m.iio);
        QCOMPARE(m.iio->channels.size(), std::size_t{2});
        QCOMPARE(QString::fromStdString(m.iio->channels[1].scanType),
                 QStringLiteral("le:s12/16>>4"));
        // From sample 0 (the writer subscribed before the stream started), every one in order.
        QCOMPARE(s16At(*rec, 0), std::uint16_t{0});
        const QString fault = checkCounters(*rec, 0, kFrames);
        QVERIFY2(fault.isEmpty(), qPrintable(fault));
    }

    void frozenDiskOverrunIsAnnotated()
    {
        // ext4 on a loop device: a file system that can be frozen, so write() blocks as on a
        // disk that cannot keep up, while the device keeps streaming.
        const QString img = tmp_.filePath(QStringLiteral("disk.img"));
        const QString mnt = tmp_.filePath(QStringLiteral("ext4"));
        QVERIFY(QDir().mkpath(mnt));
        QCOMPARE(run(QStringLiteral("modprobe loop && modprobe ext4 && truncate -s 16M %1 && "
                                    "mkfs.ext4 -q %1 && mount -o loop %1 %2")
                         .arg(img, mnt)),
                 0);
        auto unmount = qScopeGuard([&] { run(QStringLiteral("umount %1").arg(mnt)); });

        constexpr double kRate = 200'000;
        devs_.adc.write("sampling_frequency", "200000");
        DmabufStream stream("iio-sim-adc");
        RecordingOptions o = options(mnt, "frozen", kRate);
        o.limits.seconds = 3;
        o.queueDepth = 4; // the recorder's own slack: small, so the freeze overruns it
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(counterConfig(4096, 32));
        QTRY_VERIFY_WITH_TIMEOUT(writer.progress().frames > 0, 10000);
        std::this_thread::sleep_for(500ms);
        const int fd = ::open(mnt.toLocal8Bit().constData(), O_RDONLY | O_DIRECTORY);
        QVERIFY(fd >= 0);
        QCOMPARE(::ioctl(fd, FIFREEZE, 0), 0);
        std::this_thread::sleep_for(1000ms); // ~200,000 samples arrive meanwhile
        QCOMPARE(::ioctl(fd, FITHAW, 0), 0);
        ::close(fd);
        QVERIFY2(writer.wait(50'000), "the recording did not finish within 50 s");
        stream.stop();

        const RecordingProgress p = writer.progress();
        qInfo("%llu frames, %llu overruns, %llu gaps, %llu samples lost",
              (unsigned long long)p.frames, (unsigned long long)p.overruns,
              (unsigned long long)p.discontinuities, (unsigned long long)p.lostSamples);
        QCOMPARE(p.state, RecordingState::Finished);
        QVERIFY(p.overruns > 0);
        QVERIFY(p.discontinuities >= 1);
        QVERIFY(p.lostSamples > 0);
        // The recorder dropped them, not the driver: every block reached user space.
        QCOMPARE(simtest::readNumber(devs_.adc, "dropped_samples"), 0LL);

        const auto rec = SigmfRecording::open(p.metaPath);
        const SigmfMeta &m = rec->meta();
        QCOMPARE(rec->frameCount(), p.frames);
        QCOMPARE(m.captures.size(), std::size_t(p.discontinuities + 1));
        std::uint64_t annotatedLoss = 0;
        for (const SigmfAnnotation &a : m.annotations)
            annotatedLoss += a.lostSamples.value_or(0);
        QCOMPARE(annotatedLoss, p.lostSamples);
        // Each capture is continuous, and starts where the device's counter says it does.
        for (std::size_t i = 0; i < m.captures.size(); ++i) {
            const SigmfCapture &c = m.captures[i];
            const std::uint64_t end =
                i + 1 < m.captures.size() ? m.captures[i + 1].sampleStart : rec->frameCount();
            QVERIFY2(c.globalIndex, "capture without core:global_index");
            QCOMPARE(std::uint16_t(*c.globalIndex & 0xffff), s16At(*rec, c.sampleStart));
            const QString fault = checkCounters(*rec, c.sampleStart, end);
            QVERIFY2(fault.isEmpty(),
                     qPrintable(QStringLiteral("capture %1: %2").arg(i).arg(fault)));
            if (i > 0) {
                const auto gap = std::find_if(
                    m.annotations.begin(), m.annotations.end(), [&](const SigmfAnnotation &a) {
                        return a.sampleStart == c.sampleStart && a.lostSamples;
                    });
                QVERIFY2(gap != m.annotations.end(), "a capture without its gap annotation");
                QCOMPARE(*c.globalIndex - *m.captures[i - 1].globalIndex -
                             (c.sampleStart - m.captures[i - 1].sampleStart),
                         *gap->lostSamples);
            }
        }
    }

    void fullDiskStopsCleanly()
    {
        const QString mnt = tmp_.filePath(QStringLiteral("small"));
        QVERIFY(QDir().mkpath(mnt));
        QCOMPARE(::mount("none", mnt.toLocal8Bit().constData(), "tmpfs", 0, "size=2m"), 0);
        auto unmount = qScopeGuard([&] { ::umount(mnt.toLocal8Bit().constData()); });

        constexpr double kRate = 500'000; // 2 MB/s: the 2 MiB fill up in about a second
        devs_.adc.write("sampling_frequency", "500000");
        DmabufStream stream("iio-sim-adc");
        SigmfWriter writer(options(mnt, "full", kRate));
        writer.start(stream);
        stream.start(counterConfig(4096, 32));
        QVERIFY2(writer.wait(30'000), "a full disk did not stop the recording within 30 s");
        stream.stop();

        const RecordingProgress p = writer.progress();
        qInfo("error: %s", p.error.c_str());
        QCOMPARE(p.state, RecordingState::Failed);
        QVERIFY2(p.error.find("disk full") != std::string::npos ||
                     p.error.find("No space left") != std::string::npos,
                 p.error.c_str());
        QVERIFY2(p.error.find(mnt.toStdString()) != std::string::npos, p.error.c_str());
        QVERIFY(p.frames > 0);

        const auto rec = SigmfRecording::open(p.metaPath);
        QCOMPARE(rec->frameCount(), p.frames);
        QCOMPARE(QFileInfo(QString::fromStdString(p.dataPath)).size(),
                 qint64(p.frames * kFrameBytes));
        QCOMPARE(s16At(*rec, 0), std::uint16_t{0});
        const QString fault = checkCounters(*rec, 0, rec->frameCount());
        QVERIFY2(fault.isEmpty(), qPrintable(fault));
    }

    void killedRecorderLeavesAReadableRecording()
    {
        const QString dir = tmp_.filePath(QStringLiteral("killed"));
        QVERIFY(QDir().mkpath(dir));
        QProcess cli;
        cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        cli.start(QStringLiteral(DMASCOPE_CLI),
                  {"--uri", "local:", "record", "iio-sim-adc", "--channels", "voltage1,voltage3",
                   "--block-size", "4096", "--path", "dmabuf", "--set", "sampling_frequency=200000",
                   "--set", "voltage1/waveform=counter", "--out", dir, "--name", "killed"});
        QVERIFY(cli.waitForStarted());
        const QString data = QDir(dir).filePath(QStringLiteral("killed.sigmf-data"));
        // Past the first metadata rewrites (about once a second) and well into the data.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(data).size() > 2 * 200'000 * qint64(kFrameBytes), 20000);
        QCOMPARE(::kill(static_cast<pid_t>(cli.processId()), SIGKILL), 0);
        QVERIFY(cli.waitForFinished(10000));
        QCOMPARE(cli.exitStatus(), QProcess::CrashExit);

        const auto rec = SigmfRecording::open(QDir(dir).filePath("killed").toStdString());
        for (const std::string &w : rec->warnings())
            qInfo("reader: %s", w.c_str());
        qInfo("%llu frames readable, data file %lld bytes", (unsigned long long)rec->frameCount(),
              QFileInfo(data).size());
        QCOMPARE(rec->meta().sampleRate, 200'000.0);
        QCOMPARE(rec->frameCount(), std::uint64_t(QFileInfo(data).size()) / kFrameBytes);
        QVERIFY(rec->frameCount() >= 2 * 200'000);
        QCOMPARE(s16At(*rec, 0), std::uint16_t{0});
        const QString fault = checkCounters(*rec, 0, rec->frameCount());
        QVERIFY2(fault.isEmpty(), qPrintable(fault));
    }
};

QTEST_GUILESS_MAIN(TstRecording)
#include "tst_recording.moc"

// SigmfWriter on the demo device's stream (SimStream, counter waveform on voltage3): every sample
// in order on disk; metadata valid against the official SigMF 1.2.5 schema (Debian's
// python3-jsonschema) with the expected fields; limits; channel subsets; a disk slower than the
// device (overruns annotated, new captures with the right global index); a full disk injected
// through the sys:: table (whole frames kept, valid metadata, a clear error); kill -9 of a
// recording child process leaves a readable recording.
#include "dmascope/counter_check.h"
#include "dmascope/record/sigmf_writer.h"
#include "dmascope/sim_stream.h"
#include "dmascope/syscalls.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace dmascope;

namespace {

const QString kSchema = QStringLiteral(DMASCOPE_TEST_DATA_DIR "/sigmf/sigmf-schema.json");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Validates with the official schema; returns python's complaint, or empty when valid.
QString validateAgainstSchema(const QString &metaPath)
{
    QProcess p;
    p.start("/usr/bin/python3",
            {"-c",
             "import json, sys, jsonschema\n"
             "schema = json.load(open(sys.argv[1]))\n"
             "meta = json.load(open(sys.argv[2]))\n"
             "jsonschema.validators.validator_for(schema)(schema).validate(meta)\n",
             kSchema, metaPath});
    if (!p.waitForFinished(60000))
        return "python3 did not finish";
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QString::fromUtf8(p.readAllStandardError()) +
               " (needs Debian's python3-jsonschema, scripts/deps/build.txt)";
    return {};
}

RecordingOptions options(const QString &dir, std::uint32_t rate)
{
    RecordingOptions o;
    o.directory = dir.toStdString();
    o.name = "rec";
    o.sampleRate = rate;
    o.device.device = "iio-sim-adc";
    o.device.uri = "sim:";
    o.device.deviceAttributes = {{"sampling_frequency", std::to_string(rate)}};
    return o;
}

StreamConfig config(std::size_t samplesPerBlock = 4096, unsigned blocks = 16)
{
    StreamConfig c;
    c.samplesPerBlock = samplesPerBlock;
    c.blockCount = blocks;
    return c;
}

// Checks the counter channel of a finished recording: whole frames, every sample in order
// within each capture, and each capture's core:global_index agreeing with the counter.
struct DiskCheck
{
    SigmfMeta meta;
    std::uint64_t frames = 0;
    CounterReport report;
    QString problem;
};

DiskCheck checkOnDisk(const QString &base, std::uint64_t dataFramesLimit = UINT64_MAX)
{
    DiskCheck out;
    try {
        out.meta = SigmfMeta::fromJson(readAll(base + ".sigmf-meta").toStdString());
    } catch (const std::exception &e) {
        out.problem = QString("metadata: ") + e.what();
        return out;
    }
    const QByteArray data = readAll(base + ".sigmf-data");
    const ScanLayout layout = out.meta.layout();
    const ChannelLayout *counter = layout.find("voltage3");
    if (!counter) {
        out.problem = "no voltage3 in the recording";
        return out;
    }
    out.frames = std::min<std::uint64_t>(static_cast<std::uint64_t>(data.size()) / layout.frameBytes,
                                         dataFramesLimit);
    CounterCheck check(*counter, layout.frameBytes);
    const auto *bytes = reinterpret_cast<const std::uint8_t *>(data.constData());
    const auto &caps = out.meta.captures;
    for (std::size_t i = 0; i < caps.size(); ++i) {
        const std::uint64_t start = caps[i].sampleStart;
        const std::uint64_t end = i + 1 < caps.size() ? caps[i + 1].sampleStart : out.frames;
        if (!caps[i].globalIndex) {
            out.problem = QString("capture %1 has no core:global_index").arg(i);
            return out;
        }
        if (end > start)
            check.feed(bytes + start * layout.frameBytes, end - start, *caps[i].globalIndex);
    }
    out.report = check.report();
    return out;
}

// Fails write(2) to *.sigmf-data files with ENOSPC once `budget` bytes went there, after a
// short write that ends mid-frame (as a real full disk can).
std::atomic<long> g_dataBudget{0};
std::atomic<int> g_slowDataUs{0};
bool isDataFile(int fd)
{
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char target[4096];
    const ssize_t n = ::readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return false;
    target[n] = 0;
    return std::string_view(target).ends_with(".sigmf-data");
}
ssize_t fullDiskWrite(int fd, const void *buf, std::size_t count)
{
    if (!isDataFile(fd))
        return sys::realTable().write(fd, buf, count);
    const long left = g_dataBudget.load();
    if (left <= 0) {
        errno = ENOSPC;
        return -1;
    }
    const std::size_t n = std::min<std::size_t>(count, static_cast<std::size_t>(left));
    g_dataBudget -= static_cast<long>(n);
    return sys::realTable().write(fd, buf, n);
}
ssize_t slowDiskWrite(int fd, const void *buf, std::size_t count)
{
    if (isDataFile(fd))
        std::this_thread::sleep_for(std::chrono::microseconds(g_slowDataUs.load()));
    return sys::realTable().write(fd, buf, count);
}

} // namespace

class TstSigmfWriter : public QObject
{
    Q_OBJECT

private slots:
    void recordsEveryCounterSampleInOrder()
    {
        QTemporaryDir dir;
        SimStream stream;
        const std::uint32_t rate = 1'000'000;
        stream.device()->setSamplingFrequency(rate);
        RecordingOptions o = options(dir.path(), rate);
        o.limits.samples = 600'000; // stops by itself at exactly this many
        o.description = "counter test";
        SigmfWriter writer(o);
        writer.start(stream); // before the stream starts: misses nothing
        stream.start(config());
        QVERIFY(writer.wait(60000));
        stream.stop();

        const RecordingProgress p = writer.progress();
        QCOMPARE(p.state, RecordingState::Finished);
        QCOMPARE(p.stopReason, std::string("sample limit reached"));
        QCOMPARE(p.frames, 600'000u);
        QCOMPARE(p.bytes, 600'000u * 8);
        QCOMPARE(p.seconds, 0.6);
        QCOMPARE(p.base, dir.filePath("rec").toStdString());
        QCOMPARE(QFileInfo(dir.filePath("rec.sigmf-data")).size(), qint64{600'000} * 8);
        QVERIFY(!QFileInfo::exists(dir.filePath("rec.sigmf-meta.tmp")));

        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QCOMPARE(c.frames, 600'000u);
        QCOMPARE(c.report.samples, 600'000u);
        QVERIFY2(c.report.ok(), c.report.firstProblem.c_str());
        // Whatever the sim's source dropped (a loaded host) is a recorded capture, not a hole.
        QCOMPARE(c.meta.captures.size() - 1, p.discontinuities);
        QCOMPARE(c.report.lost, p.lostSamples);

        // The expected fields.
        const SigmfMeta &m = c.meta;
        QCOMPARE(QString::fromStdString(m.datatype.toString()), QString("ri16_le"));
        QCOMPARE(m.numChannels, 4u);
        QCOMPARE(m.sampleRate, 1e6);
        QCOMPARE(m.version, std::string("1.2.5"));
        QVERIFY(m.recorder.starts_with("dmascope "));
        QCOMPARE(m.hw, std::string("iio-sim-adc via sim:"));
        QCOMPARE(m.description, std::string("counter test"));
        QCOMPARE(m.captures[0].sampleStart, 0u);
        QCOMPARE(m.captures[0].globalIndex, std::optional<std::uint64_t>(0));
        QVERIFY(m.captures[0].datetime.ends_with("Z"));
        QVERIFY(m.iio);
        QCOMPARE(m.iio->device, std::string("iio-sim-adc"));
        QCOMPARE(m.iio->frameBytes, std::size_t{8});
        QCOMPARE(m.iio->sampleCount, std::optional<std::uint64_t>(600'000));
        QCOMPARE(m.iio->channels.size(), std::size_t{4});
        QCOMPARE(m.iio->channels[3].scanType, std::string("le:s12/16>>4"));
        QCOMPARE(m.iio->channels[3].scale, SimDevice::scale(3));
        QCOMPARE(m.iio->deviceAttributes.at(0).second, std::string("1000000"));

        const QString invalid = validateAgainstSchema(dir.filePath("rec.sigmf-meta"));
        QVERIFY2(invalid.isEmpty(), qPrintable(invalid));
    }

    void metadataIsValidWhileRecording()
    {
        QTemporaryDir dir;
        SimStream stream;
        stream.device()->setSamplingFrequency(200'000);
        stream.start(config(1024));
        RecordingOptions o = options(dir.path(), 200'000);
        o.metadataIntervalMs = 50;
        SigmfWriter writer(o);
        writer.start(stream); // running stream: the metadata is there before the first block
        const QString meta = dir.filePath("rec.sigmf-meta");
        QVERIFY(QFileInfo(meta).size() > 0);
        // A later update describes written samples, and a reader sees a whole file each time.
        QTRY_VERIFY_WITH_TIMEOUT(SigmfMeta::fromJson(readAll(meta).toStdString())
                                         .iio->sampleCount.value_or(0) > 0,
                                 30000);
        writer.stop();
        stream.stop();
        QCOMPARE(writer.progress().stopReason, std::string("stopped"));
        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QCOMPARE(c.meta.iio->sampleCount, std::optional<std::uint64_t>(c.frames));
        QVERIFY2(c.report.ok(), c.report.firstProblem.c_str());
    }

    void limits_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<quint64>("bytes");
        QTest::addColumn<quint64>("expectedFrames");
        QTest::addColumn<QString>("reason");
        QTest::newRow("duration") << 0.25 << quint64{0} << quint64{50'000}
                                  << "duration limit reached";
        // 100001 bytes hold 12500 whole frames of 8 bytes.
        QTest::newRow("size") << 0.0 << quint64{100'001} << quint64{12'500} << "size limit reached";
        QTest::newRow("first limit wins") << 0.01 << quint64{1'000'000} << quint64{2'000}
                                          << "duration limit reached";
    }
    void limits()
    {
        QFETCH(double, seconds);
        QFETCH(quint64, bytes);
        QFETCH(quint64, expectedFrames);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        SimStream stream;
        stream.device()->setSamplingFrequency(200'000);
        RecordingOptions o = options(dir.path(), 200'000);
        o.limits.seconds = seconds;
        o.limits.bytes = bytes;
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(config(1000));
        QVERIFY(writer.wait(60000));
        const RecordingProgress p = writer.progress();
        QCOMPARE(p.frames, expectedFrames);
        QCOMPARE(QString::fromStdString(p.stopReason), reason);
        QCOMPARE(QFileInfo(dir.filePath("rec.sigmf-data")).size(),
                 static_cast<qint64>(expectedFrames * 8));
        // The subscription is gone: the stream keeps running without the recorder.
        QTest::qWait(50);
        QCOMPARE(stream.state(), StreamState::Running);
    }

    void channelSubsetIsGathered()
    {
        QTemporaryDir dir;
        SimStream stream;
        stream.device()->setSamplingFrequency(100'000);
        RecordingOptions o = options(dir.path(), 100'000);
        o.channels = {"voltage3", "voltage1"};
        o.limits.samples = 10'000;
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(config(1000));
        QVERIFY(writer.wait(60000));
        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QCOMPARE(c.meta.numChannels, 2u);
        QCOMPARE(c.meta.iio->channels.size(), std::size_t{2});
        QCOMPARE(c.meta.iio->channels[0].id, std::string("voltage1")); // scan order
        QCOMPARE(c.meta.iio->channels[1].byteOffset, std::size_t{2});
        QCOMPARE(c.frames, 10'000u);
        QVERIFY2(c.report.ok(), c.report.firstProblem.c_str());
        QCOMPARE(c.report.samples, 10'000u);
    }

    void unknownChannelFailsAndKeepsNoFiles()
    {
        QTemporaryDir dir;
        SimStream stream;
        RecordingOptions o = options(dir.path(), 1'000'000);
        o.channels = {"voltage9"};
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(config(1000));
        QVERIFY(writer.wait(60000));
        const RecordingProgress p = writer.progress();
        QCOMPARE(p.state, RecordingState::Failed);
        QCOMPARE(p.error, std::string("the stream has no channel \"voltage9\""));
        QVERIFY(!QFileInfo::exists(dir.filePath("rec.sigmf-meta")));
        QVERIFY(!QFileInfo::exists(dir.filePath("rec.sigmf-data")));
    }

    void neverOverwrites()
    {
        QTemporaryDir dir;
        SimStream stream;
        stream.device()->setSamplingFrequency(100'000);
        RecordingOptions o = options(dir.path(), 100'000);
        o.limits.samples = 1000;
        SigmfWriter first(o), second(o);
        first.start(stream);
        second.start(stream);
        stream.start(config(1000));
        QVERIFY(first.wait(60000));
        QVERIFY(second.wait(60000));
        QCOMPARE(first.progress().base, dir.filePath("rec").toStdString());
        QCOMPARE(second.progress().base, dir.filePath("rec-1").toStdString());
        QCOMPARE(QFileInfo(dir.filePath("rec-1.sigmf-data")).size(), qint64{8000});
    }

    void streamEndEndsTheRecording()
    {
        QTemporaryDir dir;
        SimStream stream;
        stream.device()->setSamplingFrequency(100'000);
        SigmfWriter writer(options(dir.path(), 100'000));
        writer.start(stream);
        stream.start(config(1000));
        QTRY_VERIFY_WITH_TIMEOUT(writer.progress().frames > 5000, 30000);
        stream.stop();
        QVERIFY(writer.wait(30000));
        const RecordingProgress p = writer.progress();
        QCOMPARE(p.state, RecordingState::Finished);
        QCOMPARE(p.stopReason, std::string("the stream stopped"));
        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.report.ok(), c.report.firstProblem.c_str());
        // Every block the stream delivered is on disk.
        QCOMPARE(c.frames, stream.stats().samples);
    }

    void slowDiskOverrunsAreAnnotated()
    {
        QTemporaryDir dir;
        sys::Table t = sys::realTable();
        t.write = slowDiskWrite;
        g_slowDataUs = 20'000; // 20 ms per block of 1 ms: the recorder falls far behind
        sys::ScopedTable scoped(t);
        SimStream stream;
        stream.device()->setSamplingFrequency(1'000'000);
        RecordingOptions o = options(dir.path(), 1'000'000);
        o.queueDepth = 2;
        o.limits.samples = 40'000;
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(config(1000, 32));
        QVERIFY(writer.wait(60000));
        stream.stop();
        const RecordingProgress p = writer.progress();
        QCOMPARE(p.state, RecordingState::Finished);
        QVERIFY(p.overruns > 0);
        QVERIFY(p.discontinuities > 0);
        QVERIFY(p.lostSamples >= p.overruns * 1000);

        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        // Within every capture the counter is continuous and starts at its global index:
        // the loss is where the metadata says, of the size it says.
        QVERIFY2(c.report.duplicated == 0 && c.report.reordered == 0,
                 c.report.firstProblem.c_str());
        QCOMPARE(c.report.lost, c.report.reportedLost);
        QCOMPARE(c.report.lost, p.lostSamples);
        QCOMPARE(c.meta.captures.size(), p.discontinuities + 1);
        QCOMPARE(c.meta.annotations.size(), std::size_t(p.discontinuities));
        std::uint64_t annotated = 0;
        for (std::size_t i = 0; i < c.meta.annotations.size(); ++i) {
            const SigmfAnnotation &a = c.meta.annotations[i];
            QCOMPARE(a.sampleStart, c.meta.captures[i + 1].sampleStart);
            QCOMPARE(a.label, std::string("discontinuity"));
            QVERIFY(a.lostSamples);
            annotated += *a.lostSamples;
        }
        QCOMPARE(annotated, p.lostSamples);
        QVERIFY(c.meta.annotations[0].comment.find("the recorder fell behind") !=
                std::string::npos);
        const QString invalid = validateAgainstSchema(dir.filePath("rec.sigmf-meta"));
        QVERIFY2(invalid.isEmpty(), qPrintable(invalid));
    }

    void fullDiskStopsCleanly()
    {
        QTemporaryDir dir;
        sys::Table t = sys::realTable();
        t.write = fullDiskWrite;
        g_dataBudget = 100'003; // 12500 frames and 3 bytes of the next
        sys::ScopedTable scoped(t);
        SimStream stream;
        stream.device()->setSamplingFrequency(200'000);
        SigmfWriter writer(options(dir.path(), 200'000));
        writer.start(stream);
        stream.start(config(1000));
        QVERIFY(writer.wait(60000));
        stream.stop();
        const RecordingProgress p = writer.progress();
        QCOMPARE(p.state, RecordingState::Failed);
        QCOMPARE(p.stopReason, std::string("disk full"));
        const std::string path = dir.filePath("rec.sigmf-data").toStdString();
        QCOMPARE(p.error, "disk full: could not write " + path +
                              " (No space left on device (errno 28)); the recording was stopped "
                              "and holds the 12000 samples written");
        QCOMPARE(p.frames, 12'000u); // the block that did not fit is not kept in part
        QCOMPARE(QFileInfo(dir.filePath("rec.sigmf-data")).size(), qint64{12'000} * 8);
        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QCOMPARE(c.meta.iio->sampleCount, std::optional<std::uint64_t>(12'000));
        QVERIFY2(c.report.ok(), c.report.firstProblem.c_str());
        const QString invalid = validateAgainstSchema(dir.filePath("rec.sigmf-meta"));
        QVERIFY2(invalid.isEmpty(), qPrintable(invalid));
    }

    void killedRecordingIsReadable()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("rec");
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // The child records until it is killed; nothing in it returns.
            SimStream stream;
            stream.device()->setSamplingFrequency(500'000);
            RecordingOptions o = options(dir.path(), 500'000);
            o.metadataIntervalMs = 100;
            SigmfWriter writer(o);
            writer.start(stream);
            stream.start(config(1000));
            for (;;)
                ::pause();
        }
        // Kill it once a metadata update has described some samples.
        auto described = [&] {
            try {
                return SigmfMeta::fromJson(readAll(base + ".sigmf-meta").toStdString())
                           .iio->sampleCount.value_or(0) > 50'000;
            } catch (const std::exception &) {
                return false;
            }
        };
        QTRY_VERIFY_WITH_TIMEOUT(described(), 30000);
        QTest::qWait(150); // more samples than the last update described, usually
        ::kill(child, SIGKILL);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status));

        const DiskCheck c = checkOnDisk(base);
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QVERIFY(c.frames >= c.meta.iio->sampleCount.value_or(UINT64_MAX));
        QVERIFY2(c.report.ok(), c.report.firstProblem.c_str());
        QVERIFY(!QFileInfo::exists(base + ".sigmf-meta.tmp") ||
                QFileInfo(base + ".sigmf-meta").size() > 0);
        const QString invalid = validateAgainstSchema(base + ".sigmf-meta");
        QVERIFY2(invalid.isEmpty(), qPrintable(invalid));
    }

    void badOptions()
    {
        QTemporaryDir dir;
        SimStream stream;
        RecordingOptions o = options(dir.path(), 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SigmfWriter(o).start(stream));
        o = options(dir.path() + "/missing", 1000);
        try {
            SigmfWriter(o).start(stream);
            QFAIL("started in a missing folder");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("/missing") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TstSigmfWriter)
#include "tst_sigmf_writer.moc"

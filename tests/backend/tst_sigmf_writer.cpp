// SigmfWriter on the demo device's stream (SimStream, counter waveform on voltage3): every sample
// in order on disk; metadata valid against the official SigMF 1.2.5 schema (Debian's
// python3-jsonschema) with the expected fields; limits; channel subsets; a disk slower than the
// device (overruns annotated, new captures with the right global index); a full disk injected
// through the sys:: table (whole frames kept, valid metadata, a clear error), met first by a
// metadata update, or there from the start (nothing kept), and a real tmpfs without a spare inode;
// kill -9 of a recording child process leaves a readable recording.
#include "dmascope/counter_check.h"
#include "dmascope/record/sigmf_writer.h"
#include "dmascope/sim_stream.h"
#include "dmascope/syscalls.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

// Starts `argv` with posix_spawn (not fork: the test is multi-threaded, and TSan refuses
// threads in a forked child) with stdout and stderr into a pipe; returns the pid, *out the
// pipe's read end.
pid_t spawn(const std::vector<std::string> &args, int *out)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    std::vector<char *> argv;
    for (const std::string &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    *out = fds[0];
    return pid;
}

// Reads the child's output to the end and waits for it; returns its wait status.
int finish(pid_t pid, int out, QByteArray *text)
{
    char buf[4096];
    for (ssize_t n; (n = ::read(out, buf, sizeof buf)) > 0;)
        text->append(buf, n);
    ::close(out);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

// Validates with the official schema; returns python's complaint, or empty when valid.
QString validateAgainstSchema(const QString &metaPath)
{
    int out = -1;
    const pid_t pid = spawn({"/usr/bin/python3", "-c",
                             "import json, sys, jsonschema\n"
                             "schema = json.load(open(sys.argv[1]))\n"
                             "meta = json.load(open(sys.argv[2]))\n"
                             "jsonschema.validators.validator_for(schema)(schema).validate(meta)\n",
                             kSchema.toStdString(), metaPath.toStdString()},
                            &out);
    if (pid < 0)
        return "cannot run /usr/bin/python3";
    QByteArray text;
    const int status = finish(pid, out, &text);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return QString::fromUtf8(text) +
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
// Like fullDiskWrite, and once the disk is full the metadata does not fit either until the
// data file has given back more than `g_metaRoom` bytes.
std::atomic<bool> g_full{false};
std::atomic<long> g_metaLimit{0}; // the data file must be at most this big for metadata to fit
ssize_t fullDiskForMetaWrite(int fd, const void *buf, std::size_t count)
{
    if (isDataFile(fd)) {
        const ssize_t n = fullDiskWrite(fd, buf, count);
        if (n < 0)
            g_full = true;
        return n;
    }
    struct stat st{};
    if (g_full && ::fstat(fd, &st) == 0) {
        char link[64];
        std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        char target[4096];
        const ssize_t n = ::readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        std::string data(target);
        data = data.substr(0, data.rfind(".sigmf-meta")) + ".sigmf-data";
        struct stat ds{};
        if (::stat(data.c_str(), &ds) == 0 && ds.st_size > g_metaLimit.load()) {
            errno = ENOSPC;
            return -1;
        }
    }
    return sys::realTable().write(fd, buf, count);
}
ssize_t slowDiskWrite(int fd, const void *buf, std::size_t count)
{
    if (isDataFile(fd))
        std::this_thread::sleep_for(std::chrono::microseconds(g_slowDataUs.load()));
    return sys::realTable().write(fd, buf, count);
}

// Every sample in order, except losses the stream reported (a loaded host can make the sim's
// source overrun; those are recorded gaps, which the checks above compare with the metadata).
bool intact(const CounterReport &r)
{
    return r.duplicated == 0 && r.reordered == 0 && r.lost == r.reportedLost;
}

QString describe(const CounterReport &r)
{
    return QString("lost %1 (reported %2), duplicated %3, reordered %4: %5")
        .arg(r.lost)
        .arg(r.reportedLost)
        .arg(r.duplicated)
        .arg(r.reordered)
        .arg(QString::fromStdString(r.firstProblem));
}

} // namespace

class TstSigmfWriter : public QObject
{
    Q_OBJECT

private:
    // How the injected disk fills up (fullDiskWrite, fullDiskForMetaWrite and their globals).
    struct FullDisk
    {
        ssize_t (*write)(int, const void *, std::size_t) = fullDiskForMetaWrite;
        long dataBudget = 1L << 40; // bytes of samples that fit
        bool metaFull = true;       // metadata is limited from the start, not once data failed
        long metaLimit = -1;        // metadata fits while the data file is at most this big
    };

    // Records the sim at 200 kS/s with `o` onto `disk` until the writer stops; returns its
    // final progress.
    static RecordingProgress recordOnFullDisk(const RecordingOptions &o, const FullDisk &disk)
    {
        sys::Table t = sys::realTable();
        t.write = disk.write;
        g_dataBudget = disk.dataBudget;
        g_full = disk.metaFull;
        g_metaLimit = disk.metaLimit;
        sys::ScopedTable scoped(t);
        SimStream stream;
        stream.device()->setSamplingFrequency(200'000);
        SigmfWriter writer(o);
        writer.start(stream);
        stream.start(config(1000));
        if (!writer.wait(60000))
            qFatal("the recording did not stop");
        stream.stop();
        return writer.progress();
    }

    // What is wrong with a recording `p` that a full disk stopped, and with its files at BASE:
    // empty when the metadata describes exactly the whole frames written, intact.
    static QString describesItsWholeFrames(const QString &base, const RecordingProgress &p)
    {
        const DiskCheck c = checkOnDisk(base);
        if (!c.problem.isEmpty())
            return c.problem;
        if (p.state != RecordingState::Failed || p.stopReason != "disk full")
            return QString("state %1, stop reason %2")
                .arg(toString(p.state), QString::fromStdString(p.stopReason));
        if (c.meta.iio->sampleCount != std::optional<std::uint64_t>(p.frames))
            return QString("the metadata describes %1 of %2 samples")
                .arg(c.meta.iio->sampleCount.value_or(0))
                .arg(p.frames);
        return intact(c.report) ? QString() : describe(c.report);
    }

private slots:
    void recordsEveryCounterSampleInOrder()
    {
        QTemporaryDir dir;
        SimStream stream;
        // A rate and a pool (32 x 4096 frames: 0.26 s) that even a sanitizer build on a loaded
        // host keeps up with: this test wants every sample.
        const std::uint32_t rate = 500'000;
        stream.device()->setSamplingFrequency(rate);
        RecordingOptions o = options(dir.path(), rate);
        o.limits.samples = 600'000; // stops by itself at exactly this many
        o.description = "counter test";
        SigmfWriter writer(o);
        writer.start(stream); // before the stream starts: misses nothing
        stream.start(config(4096, 32));
        QVERIFY(writer.wait(60000));
        stream.stop();

        const RecordingProgress p = writer.progress();
        QCOMPARE(p.state, RecordingState::Finished);
        QCOMPARE(p.stopReason, std::string("sample limit reached"));
        QCOMPARE(p.frames, 600'000u);
        QCOMPARE(p.bytes, 600'000u * 8);
        QCOMPARE(p.seconds, 1.2);
        QCOMPARE(p.base, dir.filePath("rec").toStdString());
        QCOMPARE(QFileInfo(dir.filePath("rec.sigmf-data")).size(), qint64{600'000} * 8);
        QVERIFY(!QFileInfo::exists(dir.filePath("rec.sigmf-meta.tmp")));

        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QCOMPARE(c.frames, 600'000u);
        QCOMPARE(c.report.samples, 600'000u);
        QVERIFY2(c.report.ok(), qPrintable(describe(c.report)));
        // Whatever the sim's source dropped (a loaded host) is a recorded capture, not a hole.
        QCOMPARE(c.meta.captures.size() - 1, p.discontinuities);
        QCOMPARE(c.report.lost, p.lostSamples);

        // The expected fields.
        const SigmfMeta &m = c.meta;
        QCOMPARE(QString::fromStdString(m.datatype.toString()), QString("ri16_le"));
        QCOMPARE(m.numChannels, 4u);
        QCOMPARE(m.sampleRate, 5e5);
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
        QCOMPARE(m.iio->deviceAttributes.at(0).second, std::string("500000"));

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
        QVERIFY2(intact(c.report), qPrintable(describe(c.report)));
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
        QVERIFY2(intact(c.report), qPrintable(describe(c.report)));
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
        QVERIFY2(intact(c.report), qPrintable(describe(c.report)));
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
        FullDisk disk;
        disk.write = fullDiskWrite;
        disk.dataBudget = 100'003; // 12500 frames and 3 bytes of the next
        const RecordingProgress p = recordOnFullDisk(options(dir.path(), 200'000), disk);
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
        QVERIFY2(intact(c.report), qPrintable(describe(c.report)));
        const QString invalid = validateAgainstSchema(dir.filePath("rec.sigmf-meta"));
        QVERIFY2(invalid.isEmpty(), qPrintable(invalid));
    }

    void fullDiskMakesRoomForTheMetadata()
    {
        QTemporaryDir dir;
        FullDisk disk;
        disk.dataBudget = 100'003;
        disk.metaFull = false;
        disk.metaLimit = 40'000; // the 96000 bytes kept must shrink to fit the metadata
        const RecordingProgress p = recordOnFullDisk(options(dir.path(), 200'000), disk);
        QCOMPARE(p.state, RecordingState::Failed);
        // 12000 frames minus the 64 KiB (8192 frames) given back.
        QCOMPARE(p.frames, 3'808u);
        QVERIFY2(p.error.ends_with("and holds the 3808 samples written"), p.error.c_str());
        QCOMPARE(QFileInfo(dir.filePath("rec.sigmf-data")).size(), qint64{3'808} * 8);
        const DiskCheck c = checkOnDisk(dir.filePath("rec"));
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QCOMPARE(c.meta.iio->sampleCount, std::optional<std::uint64_t>(3'808));
        QVERIFY2(intact(c.report), qPrintable(describe(c.report)));
    }

    // A metadata update, not a data write, meets the full disk: the recording gives up the
    // tail it needs for the metadata, which then describes exactly the data.
    void fullDiskOnAMetadataUpdateMakesRoom()
    {
        QTemporaryDir dir;
        RecordingOptions o = options(dir.path(), 200'000);
        o.metadataIntervalMs = 5;
        FullDisk disk;
        disk.metaLimit = 400'000;
        const RecordingProgress p = recordOnFullDisk(o, disk);
        const std::string meta = dir.filePath("rec.sigmf-meta").toStdString();
        QVERIFY2(p.error.starts_with("disk full: could not update " + meta +
                                     " (No space left on device (errno 28)); the recording was "
                                     "stopped and holds the " +
                                     std::to_string(p.frames) + " samples written"),
                 p.error.c_str());
        QVERIFY2(p.frames > 0 && p.frames * 8 <= 400'000, p.error.c_str());
        QCOMPARE(QFileInfo(dir.filePath("rec.sigmf-data")).size(), qint64(p.frames * 8));
        QVERIFY2(describesItsWholeFrames(dir.filePath("rec"), p).isEmpty(),
                 qPrintable(describesItsWholeFrames(dir.filePath("rec"), p)));
    }

    // The disk fills up exactly when the final metadata is written (the recording reached its
    // limit): that update is handled like one during the recording, not left describing the
    // start.
    void fullDiskOnTheFinalMetadataMakesRoom()
    {
        QTemporaryDir dir;
        RecordingOptions o = options(dir.path(), 200'000);
        o.metadataIntervalMs = 600'000; // no periodic update before the final one
        o.limits.samples = 100'000;
        // The 800'000 bytes of the limit, less 64 KiB, leave room for the metadata.
        FullDisk disk;
        disk.metaLimit = 750'000;
        const RecordingProgress p = recordOnFullDisk(o, disk);
        QCOMPARE(p.frames, std::uint64_t{100'000 - 8192}); // 64 KiB of 8-byte frames given up
        const std::string meta = dir.filePath("rec.sigmf-meta").toStdString();
        QCOMPARE(p.error, "disk full: could not update " + meta +
                              " (No space left on device (errno 28)); the recording was stopped "
                              "and holds the 91808 samples written");
        QVERIFY2(describesItsWholeFrames(dir.filePath("rec"), p).isEmpty(),
                 qPrintable(describesItsWholeFrames(dir.filePath("rec"), p)));
    }

    // The disk is full before anything is written: no metadata ever fits, and an empty pair
    // (which no reader takes) is not left behind.
    void fullDiskBeforeTheFirstBlockKeepsNoFiles()
    {
        QTemporaryDir dir;
        FullDisk disk;
        disk.dataBudget = 0;
        const RecordingProgress p = recordOnFullDisk(options(dir.path(), 100'000), disk);
        QCOMPARE(p.state, RecordingState::Failed);
        QCOMPARE(p.stopReason, std::string("disk full"));
        QVERIFY2(p.error.ends_with("; no metadata could be written, so nothing was kept"),
                 p.error.c_str());
        QCOMPARE(p.frames, 0u);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList());
    }

    // The real thing where the host allows it (root: a private mount namespace with a tmpfs);
    // the VM test does it on the guest's kernel everywhere. The child (this binary again, see
    // main()) checks its recording before its namespace goes away and reports on stdout.
    void realTmpfs_data()
    {
        QTest::addColumn<QString>("child");
        // 1 MiB, recorded until full: whole frames and metadata describing them.
        QTest::newRow("full") << QStringLiteral("--child-full-tmpfs");
        // No spare inode (a full inode table): the first metadata goes into the reserved file
        // itself; the next update, which needs a temporary file, stops the recording and every
        // sample written stays on disk for the reader.
        QTest::newRow("inode-starved") << QStringLiteral("--child-inode-starved-tmpfs");
    }

    void realTmpfs()
    {
        QFETCH(QString, child);
        QTemporaryDir dir;
        int out = -1;
        const pid_t pid = spawn({QCoreApplication::applicationFilePath().toStdString(),
                                 child.toStdString(), dir.path().toStdString()},
                                &out);
        QVERIFY(pid > 0);
        QByteArray message;
        const int status = finish(pid, out, &message);
        QVERIFY2(WIFEXITED(status), message.constData());
        if (WEXITSTATUS(status) == 77)
            QSKIP(message.constData()); // covered by the injected tests above and the VM test
        QVERIFY2(WEXITSTATUS(status) == 0, message.constData());
        qInfo("%s", message.constData());
    }

    void killedRecordingIsReadable()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("rec");
        int out = -1; // the child records until it is killed (main())
        const pid_t pid = spawn({QCoreApplication::applicationFilePath().toStdString(),
                                 "--child-record", dir.path().toStdString()},
                                &out);
        QVERIFY(pid > 0);
        // Kill it once a metadata update has described some samples.
        auto described = [&] {
            try {
                return SigmfMeta::fromJson(readAll(base + ".sigmf-meta").toStdString())
                           .iio->sampleCount.value_or(0) > 50'000;
            } catch (const std::exception &) {
                return false;
            }
        };
        QTRY_VERIFY_WITH_TIMEOUT(described() || ::waitpid(pid, nullptr, WNOHANG) != 0, 60000);
        QTest::qWait(150); // more samples than the last update described, usually
        ::kill(pid, SIGKILL);
        QByteArray message;
        const int status = finish(pid, out, &message);
        QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, message.constData());

        const DiskCheck c = checkOnDisk(base);
        QVERIFY2(c.problem.isEmpty(), qPrintable(c.problem));
        QVERIFY(c.frames >= c.meta.iio->sampleCount.value_or(UINT64_MAX));
        QVERIFY2(intact(c.report), qPrintable(describe(c.report)));
        const QString invalid = validateAgainstSchema(base + ".sigmf-meta");
        QVERIFY2(invalid.isEmpty(), qPrintable(invalid));
    }

    void badOptions()
    {
        QTemporaryDir dir;
        SimStream stream;
        RecordingOptions o = options(dir.path(), 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SigmfWriter(o).start(stream));
        // Past the range a reader accepts: refused up front rather than written unreadable.
        o.sampleRate = 2e12;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SigmfWriter(o).start(stream));
        QVERIFY(QDir(dir.path()).isEmpty());
        o = options(dir.path() + "/missing", 1000);
        try {
            SigmfWriter(o).start(stream);
            QFAIL("started in a missing folder");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("/missing") != std::string::npos, e.what());
        }
    }
};

namespace {

// --child-record DIR: records the sim into DIR until killed.
int childRecord(const QString &dir)
{
    SimStream stream;
    stream.device()->setSamplingFrequency(500'000);
    RecordingOptions o = options(dir, 500'000);
    o.metadataIntervalMs = 100;
    SigmfWriter writer(o);
    writer.start(stream);
    stream.start(config(1000));
    for (;;)
        ::pause();
}

int report(const std::string &text, int code)
{
    std::fputs(text.c_str(), stdout);
    return code;
}

// What the tmpfs children share: in a private mount namespace, mounts a tmpfs with
// `mountOptions` on DIR, records the sim at 1 MS/s onto it with `o` until the writer stops, and
// checks that it stopped on the full disk with whole frames, intact samples and readable
// metadata. Exit 0 (the error on stdout), 1 (what is wrong on stdout), 77 (no private tmpfs
// possible here), or what `check` says of the stopped recording.
int recordOntoPrivateTmpfs(
    const QString &dir, const char *mountOptions, RecordingOptions o,
    const std::function<std::string(const RecordingProgress &, const DiskCheck &)> &check)
{
    const std::string mnt = dir.toStdString();
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, mountOptions) != 0)
        return report(std::string("no private tmpfs here: ") + std::strerror(errno), 77);
    SimStream stream;
    stream.device()->setSamplingFrequency(1'000'000);
    SigmfWriter writer(std::move(o));
    writer.start(stream);
    stream.start(config(1000));
    if (!writer.wait(60000))
        return report("the recording did not stop", 1);
    stream.stop();
    const RecordingProgress p = writer.progress();
    if (p.state != RecordingState::Failed || p.stopReason != "disk full")
        return report("state " + std::string(toString(p.state)) + ", " + p.error, 1);
    const QString base = dir + "/rec";
    const DiskCheck c = checkOnDisk(base);
    if (!c.problem.isEmpty())
        return report(c.problem.toStdString(), 1);
    const qint64 size = QFileInfo(base + ".sigmf-data").size();
    if (size != qint64(p.frames * 8) || p.frames == 0 || !intact(c.report))
        return report("data " + std::to_string(size) + " bytes, " + std::to_string(p.frames) +
                          " frames, meta " + std::to_string(c.meta.iio->sampleCount.value_or(0)) +
                          "; " + c.report.firstProblem,
                      1);
    const std::string wrong = check(p, c);
    return wrong.empty() ? report(p.error, 0) : report(wrong + " (" + p.error + ")", 1);
}

// --child-full-tmpfs DIR: a 1 MiB tmpfs, recorded until it is full.
int childFullTmpfs(const QString &dir)
{
    return recordOntoPrivateTmpfs(
        dir, "size=1m", options(dir, 1'000'000),
        [&](const RecordingProgress &p, const DiskCheck &c) -> std::string {
            if (!p.error.starts_with("disk full: could not write " + dir.toStdString() +
                                     "/rec.sigmf-data"))
                return "not the data file's error";
            if (c.meta.iio->sampleCount != p.frames || p.frames < 50'000)
                return "meta " + std::to_string(c.meta.iio->sampleCount.value_or(0)) + " for " +
                       std::to_string(p.frames) + " frames";
            return validateAgainstSchema(dir + "/rec.sigmf-meta").toStdString();
        });
}

// --child-inode-starved-tmpfs DIR: a tmpfs with three inodes (its root, the two recording
// files), for two seconds at most: the metadata's temporary file cannot be created.
int childInodeStarvedTmpfs(const QString &dir)
{
    RecordingOptions o = options(dir, 1'000'000);
    o.metadataIntervalMs = 100;
    o.limits.seconds = 2;
    return recordOntoPrivateTmpfs(
        dir, "size=64m,nr_inodes=3", o,
        [](const RecordingProgress &p, const DiskCheck &c) -> std::string {
            if (p.error.find("rec.sigmf-meta describes its first ") == std::string::npos)
                return "the error does not say what the metadata describes";
            if (c.meta.iio->sampleCount.value_or(0) > p.frames)
                return "the metadata describes more than was written";
            return {};
        });
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && std::string_view(argv[1]) == "--child-record")
        return childRecord(QString::fromLocal8Bit(argv[2]));
    if (argc == 3 && std::string_view(argv[1]) == "--child-full-tmpfs")
        return childFullTmpfs(QString::fromLocal8Bit(argv[2]));
    if (argc == 3 && std::string_view(argv[1]) == "--child-inode-starved-tmpfs")
        return childInodeStarvedTmpfs(QString::fromLocal8Bit(argv[2]));
    TstSigmfWriter test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_sigmf_writer.moc"

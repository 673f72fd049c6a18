// PlaybackStream on recordings made here: voltage0 holds each frame's position in the file
// (16 bits), voltage3 the 12-bit counter of the original sample index, so every check is on
// content positions, never on times. Zero-copy blocks, capture boundaries (discontinuity and
// the recorded gap as lost samples), pause / seek (with the paused preview) / loop / speed
// (only an upper bound on progress, which a slow machine cannot break), a missing or absurdly
// slow sample rate, channel subsets, float recordings converted to int32.
#include "dmascope/counter_check.h"
#include "dmascope/playback_stream.h"
#include "sigmf_fixture.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace dmascope;
using namespace sigmf_fixture;

namespace {

constexpr std::size_t kBlock = 1000;

// `frames` frames; captures at `captureStarts` with global indices `globals` (the counter
// follows the global index, as it did on the device).
QString makeRecording(const QTemporaryDir &dir, std::uint64_t frames,
                      std::vector<std::pair<std::uint64_t, std::uint64_t>> captures = {{0, 0}},
                      double rate = 100'000)
{
    SigmfMeta m = iio16Meta("iio-sim-adc", rate,
                            {{"voltage0", "voltage0", "le:s16/16>>0", 1.0, 0, 0, 0},
                             {"voltage3", "voltage3", "le:s12/16>>4", 1.0, 0, 0, 3}});
    m.iio->sampleCount = frames;
    m.captures.clear();
    for (const auto &[start, global] : captures)
        m.captures.push_back({start, global, "", std::nullopt});
    QByteArray data(static_cast<qsizetype>(frames * 4), 0);
    std::size_t cap = 0;
    for (std::uint64_t i = 0; i < frames; ++i) {
        while (cap + 1 < captures.size() && captures[cap + 1].first <= i)
            ++cap;
        const std::uint64_t global = captures[cap].second + (i - captures[cap].first);
        const std::uint16_t pos = static_cast<std::uint16_t>(i);
        const std::uint16_t counter = static_cast<std::uint16_t>((global & 0xfff) << 4);
        std::memcpy(data.data() + i * 4, &pos, 2);
        std::memcpy(data.data() + i * 4 + 2, &counter, 2);
    }
    return writeRecording(dir.filePath("rec"), m, data);
}

StreamConfig config(std::size_t samplesPerBlock = kBlock, unsigned blocks = 8,
                    std::vector<std::string> channels = {})
{
    StreamConfig c;
    c.samplesPerBlock = samplesPerBlock;
    c.blockCount = blocks;
    c.channels = std::move(channels);
    return c;
}

// The file position of a block's first frame (voltage0).
std::uint16_t positionOf(const Block &b)
{
    std::uint16_t v;
    std::memcpy(&v, b.data, 2);
    return v;
}

struct Got
{
    std::uint64_t position;
    std::size_t frames;
    bool discontinuity;
};

// Pops blocks until `until` says stop (or 30 s without a block).
template <typename Until> std::vector<Got> collect(Subscription &sub, Until until)
{
    std::vector<Got> out;
    for (;;) {
        auto d = sub.pop(30000);
        if (!d)
            break;
        out.push_back({positionOf(*d->block), d->block->frames(), d->discontinuity});
        if (until(out))
            break;
    }
    return out;
}

} // namespace

class TstPlaybackStream : public QObject
{
    Q_OBJECT

private slots:
    void playsEveryFrameInOrderZeroCopy()
    {
        QTemporaryDir dir;
        const QString base = makeRecording(dir, 20'500);
        PlaybackStream stream(base.toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        std::uint64_t expected = 0;
        CounterCheck check(*stream.recording()->layout()->find("voltage3"), 4);
        while (expected < 20'500) {
            auto d = sub->pop(30000);
            QVERIFY(d);
            const Block &b = *d->block;
            QCOMPARE(std::uint64_t{positionOf(b)}, expected);
            // Zero-copy: the block is the mapped file.
            QCOMPARE(static_cast<const void *>(b.data),
                     static_cast<const void *>(stream.recording()->frame(expected)));
            QVERIFY(!d->discontinuity);
            check.feed(b);
            expected += b.frames();
        }
        QCOMPARE(expected, 20'500u); // the last block is short
        QTRY_COMPARE_WITH_TIMEOUT(stream.playbackState(), PlaybackState::Ended, 30000);
        QCOMPARE(stream.position(), 20'500u);
        QVERIFY2(check.report().ok(), check.report().firstProblem.c_str());
        QCOMPARE(stream.stats().path, std::string("playback"));
        QCOMPARE(stream.stats().samples, 20'500u);
        QCOMPARE(stream.state(), StreamState::Running); // idle at the end, not stopped
        QCOMPARE(stream.frameCount(), 20'500u);
    }

    void captureBoundariesReplayTheGap()
    {
        QTemporaryDir dir;
        // 5000 samples were lost at the device before frame 12345.
        const QString base = makeRecording(dir, 30'000, {{0, 0}, {12'345, 17'345}});
        PlaybackStream stream(base.toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        CounterCheck check(*stream.recording()->layout()->find("voltage3"), 4);
        std::uint64_t at = 0;
        bool sawBoundary = false;
        while (at < 30'000) {
            auto d = sub->pop(30000);
            QVERIFY(d);
            const Block &b = *d->block;
            QCOMPARE(std::uint64_t{positionOf(b)}, at);
            // No block straddles the boundary; the one that starts there says so.
            QVERIFY(at >= 12'345 || at + b.frames() <= 12'345);
            QCOMPARE(d->discontinuity, at == 12'345);
            if (at == 12'345) {
                sawBoundary = true;
                QCOMPARE(b.firstSample, 17'345u);
            }
            check.feed(b);
            at += b.frames();
        }
        QVERIFY(sawBoundary);
        // The counter proves the gap is exactly the recorded one, and that it was reported.
        QCOMPARE(check.report().lost, 5000u);
        QCOMPARE(check.report().reportedLost, 5000u);
        QVERIFY(check.report().duplicated == 0 && check.report().reordered == 0);
        QCOMPARE(stream.stats().lostSamples, 5000u);
        QCOMPARE(stream.stats().discontinuities, 1u);
    }

    void pauseSeekPreviewAndResume()
    {
        QTemporaryDir dir;
        PlaybackStream stream(makeRecording(dir, 50'000).toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        stream.pause(); // before start: nothing plays
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        QVERIFY(!sub->pop(200));
        QCOMPARE(stream.playbackState(), PlaybackState::Paused);

        stream.seek(31'000); // paused: one block shows the new place
        auto d = sub->pop(30000);
        QVERIFY(d);
        QCOMPARE(positionOf(*d->block), std::uint16_t{31'000});
        QVERIFY(d->discontinuity);
        QVERIFY(!sub->pop(200));
        QCOMPARE(stream.position(), 32'000u);

        stream.play();
        const auto got = collect(*sub, [](const std::vector<Got> &g) {
            return g.back().position + g.back().frames >= 50'000;
        });
        QCOMPARE(got.front().position, 32'000u);
        QVERIFY(!got.front().discontinuity); // continues where the preview left off
        for (std::size_t i = 1; i < got.size(); ++i)
            QCOMPARE(got[i].position, got[i - 1].position + got[i - 1].frames);
    }

    void seekWhilePlaying()
    {
        QTemporaryDir dir;
        PlaybackStream stream(makeRecording(dir, 60'000).toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        // Deeper than the pool: unpaced playback never overruns this consumer.
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 16);
        stream.start(config(kBlock, 8));
        for (int i = 0; i < 5; ++i)
            QVERIFY(sub->pop(30000));
        stream.seek(45'000);
        // Blocks already on their way arrive first, in order; then the seek, flagged.
        std::vector<Got> got = collect(*sub, [](const std::vector<Got> &g) {
            return g.back().position == 45'000 && g.back().discontinuity;
        });
        QVERIFY(!got.empty());
        QCOMPARE(got.back().position, 45'000u);
        for (std::size_t i = 0; i + 1 < got.size(); ++i)
            QVERIFY(!got[i].discontinuity && got[i].position < 45'000);
        got = collect(*sub, [](const std::vector<Got> &g) {
            return g.back().position + g.back().frames >= 60'000;
        });
        QCOMPARE(got.front().position, 46'000u);
        QCOMPARE(got.size(), std::size_t{14});
        // Seek past the end: clamped, and the playback ends.
        stream.seek(1'000'000);
        QTRY_COMPARE_WITH_TIMEOUT(stream.playbackState(), PlaybackState::Ended, 30000);
        QCOMPARE(stream.position(), 60'000u);
    }

    void loopWrapsAroundFlagged()
    {
        QTemporaryDir dir;
        PlaybackStream stream(makeRecording(dir, 5'500).toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        stream.setLoop(true);
        QVERIFY(stream.loop());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        int wraps = 0;
        const auto got = collect(*sub, [&](const std::vector<Got> &g) {
            if (g.size() > 1 && g.back().position == 0)
                ++wraps;
            return wraps == 3;
        });
        for (std::size_t i = 1; i < got.size(); ++i) {
            if (got[i].position == 0) {
                QVERIFY(got[i].discontinuity);
                QCOMPARE(got[i - 1].position + got[i - 1].frames, 5'500u);
            } else {
                QVERIFY(!got[i].discontinuity);
                QCOMPARE(got[i].position, got[i - 1].position + got[i - 1].frames);
            }
        }
        QVERIFY(stream.loops() >= 3);
        QVERIFY(stream.playbackState() == PlaybackState::Playing);
    }

    void endedPlayRewinds()
    {
        QTemporaryDir dir;
        PlaybackStream stream(makeRecording(dir, 2'000).toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        QTRY_COMPARE_WITH_TIMEOUT(stream.playbackState(), PlaybackState::Ended, 30000);
        collect(*sub, [](const std::vector<Got> &g) { return g.size() == 2; });
        stream.play();
        auto d = sub->pop(30000);
        QVERIFY(d);
        QCOMPARE(positionOf(*d->block), std::uint16_t{0});
        QVERIFY(d->discontinuity);
    }

    void speedBoundsProgress()
    {
        QTemporaryDir dir;
        // 100 kHz recording at speed 0.01: 1000 frames per second at most.
        PlaybackStream stream(makeRecording(dir, 50'000).toStdString());
        stream.setSpeed(0.01);
        QCOMPARE(stream.speed(), 0.01);
        // Lossy, like a display: it never holds the pool, so only the pacing limits progress.
        auto sub = stream.subscribe(SubscriptionKind::Lossy);
        const std::int64_t t0 = monotonicNs();
        stream.start(config(100));
        QVERIFY(sub->pop(30000)); // it does play
        QTest::qWait(300);
        const double seconds = static_cast<double>(monotonicNs() - t0) * 1e-9;
        // Never ahead of the clock (plus the block being filled).
        QVERIFY2(static_cast<double>(stream.position()) <= 1000 * seconds + 100,
                 qPrintable(QString("position %1 after %2 s").arg(stream.position()).arg(seconds)));
        // Faster: 100x the rate is far ahead of the slow bound.
        stream.setSpeed(100);
        QTRY_VERIFY_WITH_TIMEOUT(stream.position() > 20'000, 30000);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stream.setSpeed(-1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stream.setSpeed(1e4));
    }

    void withoutASampleRateItPlaysUnpaced()
    {
        // Nothing to pace by: at speed 1 it must not crawl at an implied 1 Hz.
        QTemporaryDir dir;
        PlaybackStream stream(makeRecording(dir, 5'000, {{0, 0}}, 0).toStdString());
        QCOMPARE(stream.recording()->meta().sampleRate, 0.0);
        QCOMPARE(stream.speed(), 1.0);
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        const auto got = collect(*sub, [](const std::vector<Got> &g) { return g.size() == 5; });
        QCOMPARE(got.size(), std::size_t{5});
        QCOMPARE(got.back().position, 4'000u);
    }

    void anExtremelySlowRateWaitsWithoutOverflow()
    {
        // 1e-300 Hz: the first block is due in ~1e300 s, which does not fit a time point; the
        // engine waits (capped), and a speed change still wakes it.
        QTemporaryDir dir;
        PlaybackStream stream(makeRecording(dir, 2'000, {{0, 0}}, 1e-300).toStdString());
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config());
        QVERIFY(!sub->pop(300)); // not due
        stream.setSpeed(PlaybackStream::kUnpaced);
        QVERIFY(sub->pop(30000));
        stream.stop();
    }

    void channelSubsetIsCopied()
    {
        QTemporaryDir dir;
        PlaybackStream stream(makeRecording(dir, 3'000, {{0, 7}}).toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config(kBlock, 8, {"voltage3"}));
        const auto layout = stream.layout();
        QCOMPARE(layout->frameBytes, std::size_t{2});
        CounterCheck check(layout->channels[0], 2);
        std::uint64_t frames = 0;
        while (frames < 3'000) {
            auto d = sub->pop(30000);
            QVERIFY(d);
            if (frames == 0) {
                std::int32_t first;
                extractRaw(layout->channels[0], 2, d->block->data, 1, &first);
                QCOMPARE(first, 7); // the global index the recording started at
            }
            check.feed(d->block->data, d->block->frames(), frames);
            frames += d->block->frames();
        }
        QVERIFY2(check.report().ok(), check.report().firstProblem.c_str());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, [] {
            QTemporaryDir d;
            PlaybackStream s(makeRecording(d, 10).toStdString());
            s.start(config(kBlock, 8, {"voltage9"}));
        }());
    }

    void floatsBecomeInt32()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("f");
        writeFile(base + ".sigmf-meta", R"({"global": {"core:datatype": "cf32_le",
            "core:version": "1.2.5", "core:sample_rate": 1000}, "captures": [], "annotations": []})");
        QByteArray data;
        for (float v : {0.5f, -0.25f, 1.0f, 100.0f, -100.0f, 0.0f}) {
            char b[4];
            std::memcpy(b, &v, 4);
            data.append(b, 4);
        }
        writeFile(base + ".sigmf-data", data);
        PlaybackStream stream(base.toStdString());
        stream.setSpeed(PlaybackStream::kUnpaced);
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 8);
        stream.start(config(16));
        auto d = sub->pop(30000);
        QVERIFY(d);
        const Block &b = *d->block;
        QCOMPARE(b.frames(), std::size_t{3});
        std::int32_t v[6];
        std::memcpy(v, b.data, sizeof v);
        QCOMPARE(v[0], 1 << 27);
        QCOMPARE(v[1], -(1 << 26));
        QCOMPARE(v[2], 1 << 28);
        QCOMPARE(v[3], INT32_MAX); // clamped
        QCOMPARE(v[4], INT32_MIN);
        float physical[1];
        extractPhysical(b.layout->channels[0], b.layout->frameBytes, b.data, 1, physical);
        QCOMPARE(physical[0], 0.5f);
    }
};

QTEST_GUILESS_MAIN(TstPlaybackStream)
#include "tst_playback_stream.moc"

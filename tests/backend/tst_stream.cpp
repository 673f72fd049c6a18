// The Stream machinery shared by every stream (run here on SimStream, the in-process device):
// start/stop and state, statistics, consumer overruns of a stalled lossless subscription (the
// stream never waits for it), lossy and lossless side by side, clean stop while consumers hold
// blocks, subscriptions outliving the stream, repeated start/stop, configuration errors, and
// when consumers are woken (a scripted source decides which blocks are ready together).
#include "dmascope/scan_layout.h"
#include "dmascope/sim_stream.h"
#include "dmascope/unique_fd.h"

#include <QTest>

#include <atomic>
#include <cerrno>
#include <deque>
#include <mutex>
#include <poll.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

using namespace dmascope;

namespace {
StreamConfig config(std::size_t samplesPerBlock = 1000, unsigned blocks = 8)
{
    StreamConfig c;
    c.samplesPerBlock = samplesPerBlock;
    c.blockCount = blocks;
    return c;
}
// A source whose buffers are filled when the test says so: fill(n) makes the next n queued
// buffers ready at once, as a device does whose stream thread fell behind.
class ScriptedSource final : public StreamSource
{
public:
    struct Script
    {
        std::mutex mutex;
        std::deque<unsigned> queued, filled; // guarded by mutex
        UniqueFd filledFd{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};

        void fill(unsigned n)
        {
            {
                std::lock_guard lock(mutex);
                for (; n > 0 && !queued.empty(); --n) {
                    filled.push_back(queued.front());
                    queued.pop_front();
                }
            }
            const std::uint64_t one = 1;
            QCOMPARE(::write(filledFd.get(), &one, sizeof one), ssize_t(sizeof one));
        }
    };

    explicit ScriptedSource(std::shared_ptr<Script> script) : script_(std::move(script)) {}

    Buffers allocate(std::size_t bytes, unsigned count) override
    {
        auto memory = std::make_shared<std::vector<std::uint8_t>>(bytes * count);
        Buffers out;
        for (unsigned i = 0; i < count; ++i)
            out.buffers.push_back({memory->data() + i * bytes, bytes});
        out.owner = memory;
        bytes_ = bytes;
        return out;
    }
    void start() override {}
    int queue(unsigned index) noexcept override
    {
        std::lock_guard lock(script_->mutex);
        script_->queued.push_back(index);
        return 0;
    }
    bool filledReady() noexcept override
    {
        std::lock_guard lock(script_->mutex);
        return !script_->filled.empty();
    }
    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override
    {
        for (;;) {
            {
                std::lock_guard lock(script_->mutex);
                if (!script_->filled.empty()) {
                    *out = {script_->filled.front(), bytes_, 0};
                    script_->filled.pop_front();
                    return 1;
                }
            }
            pollfd fds[2] = {{script_->filledFd.get(), POLLIN, 0}, {wakeFd, POLLIN, 0}};
            const int n = ::poll(fds, 2, timeoutMs);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return n < 0 ? -errno : 0;
            if (fds[1].revents & POLLIN)
                return -ECANCELED;
            std::uint64_t count;
            [[maybe_unused]] const ssize_t r = ::read(script_->filledFd.get(), &count, sizeof count);
        }
    }
    void stop() noexcept override {}

private:
    std::shared_ptr<Script> script_;
    std::size_t bytes_ = 0;
};

class ScriptedStream final : public Stream
{
public:
    const std::shared_ptr<ScriptedSource::Script> script =
        std::make_shared<ScriptedSource::Script>();
    ~ScriptedStream() override { stop(); }

protected:
    Opened open(const StreamConfig &) override
    {
        ChannelLayout c;
        c.id = "voltage0";
        c.type = *ScanType::parse("le:s16/16>>0");
        Opened o;
        o.source = std::make_unique<ScriptedSource>(script);
        o.layout = std::make_shared<const ScanLayout>(ScanLayout::compute({c}));
        o.path = "scripted";
        return o;
    }
};
} // namespace

class TstStream : public QObject
{
    Q_OBJECT

private slots:
    void startStopAndState()
    {
        SimStream stream;
        QCOMPARE(stream.state(), StreamState::Idle);
        QVERIFY(!stream.layout());
        stream.start(config());
        QCOMPARE(stream.state(), StreamState::Running);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, stream.start(config()));
        QTRY_VERIFY(stream.stats().blocks > 3);
        stream.stop();
        QCOMPARE(stream.state(), StreamState::Stopped);
        QCOMPARE(stream.layout()->frameBytes, std::size_t{8});
        const StreamStats s = stream.stats();
        QCOMPARE(toString(s.state), "stopped");
        QVERIFY(s.error.empty());
        QVERIFY(s.seconds > 0);
        QVERIFY(s.megabytesPerSecond > 0);
        // The rates freeze when stopped.
        QTest::qWait(20);
        QCOMPARE(stream.stats().seconds, s.seconds);
        stream.stop(); // idempotent
    }

    void invalidConfigurationsAreRefused()
    {
        SimStream stream;
        StreamConfig c = config();
        c.channels = {"voltage7"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stream.start(c));
        c.channels = {"voltage1", "voltage1"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stream.start(c));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stream.start(config(0, 8)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stream.start(config(1000, 1)));
        QCOMPARE(stream.state(), StreamState::Idle);
        QVERIFY(!stream.device()->streaming());
        // A device busy with another stream refuses the second one.
        stream.start(config());
        SimStream other(stream.device());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, other.start(config()));
        QCOMPARE(other.state(), StreamState::Idle);
        QCOMPARE(stream.state(), StreamState::Running);
    }

    void stalledLosslessConsumerOverrunsWithoutBlockingOthers()
    {
        SimStream stream;
        stream.device()->setSamplingFrequency(500'000);
        auto stalled = stream.subscribe(SubscriptionKind::Lossless, 2);
        auto display = stream.subscribe(SubscriptionKind::Lossy);
        auto recorder = stream.subscribe(SubscriptionKind::Lossless, 64);
        stream.start(config(1000, 32));
        // The recorder keeps up while `stalled` never pops: 200 blocks keep coming.
        std::uint64_t expected = 0;
        for (int n = 0; n < 200; ++n) {
            auto d = recorder->pop(5000);
            QVERIFY(d);
            QCOMPARE(d->block->sequence, expected++);
            // No block was dropped for the recorder (a slow machine may still make the source
            // drop samples while the recorder holds many buffers: that is flagged, not hidden).
            QCOMPARE(d->droppedBefore, std::uint64_t{0});
            QCOMPARE(d->discontinuity, d->block->discontinuity);
        }
        QVERIFY(stalled->overruns() >= 190);
        QCOMPARE(stalled->queued(), std::size_t{2});
        QCOMPARE(recorder->overruns(), std::uint64_t{0});
        // The display never looked: it holds only the newest block, the rest were skipped.
        QCOMPARE(display->queued(), std::size_t{1});
        QVERIFY(display->skipped() >= 190);
        QCOMPARE(display->overruns(), std::uint64_t{0});
        // The stalled consumer gets its two oldest blocks, then a flagged gap.
        auto a = stalled->tryPop();
        auto b = stalled->tryPop();
        QCOMPARE(a->block->sequence, std::uint64_t{0});
        QCOMPARE(b->block->sequence, std::uint64_t{1});
        QVERIFY(!a->discontinuity && !b->discontinuity);
        const std::uint64_t dropped = stalled->overruns();
        auto c = stalled->pop(5000);
        QVERIFY(c);
        QVERIFY(c->discontinuity);
        QVERIFY(c->droppedBefore >= dropped);
        QCOMPARE(c->block->sequence, 2 + c->droppedBefore);
        stream.stop();
        const StreamStats s = stream.stats();
        QCOMPARE(s.consumerOverruns, stalled->overruns());
        QCOMPARE(s.overruns, s.consumerOverruns + s.sourceOverruns);
    }

    void stopWithHeldBlocksIsClean()
    {
        std::vector<BlockRef> held;
        std::shared_ptr<Subscription> sub;
        {
            SimStream stream;
            sub = stream.subscribe(SubscriptionKind::Lossless, 8);
            stream.start(config(512, 4));
            for (int n = 0; n < 3; ++n) {
                auto d = sub->pop(5000);
                QVERIFY(d);
                held.push_back(d->block);
            }
            stream.stop();
            QCOMPARE(stream.state(), StreamState::Stopped);
        } // the stream is destroyed; the held blocks' memory must stay valid
        std::uint64_t sum = 0;
        for (const BlockRef &b : held) {
            QCOMPARE(b->frames(), std::size_t{512});
            for (std::size_t i = 0; i < b->bytes; ++i)
                sum += b->data[i];
        }
        QVERIFY(sum > 0);
        // The subscription outlived the stream: what was queued can still be popped, then it
        // reports the end.
        while (sub->tryPop()) {
        }
        QVERIFY(sub->ended());
        QVERIFY(!sub->pop(-1));
        QVERIFY(sub->endReason().empty());
        held.clear(); // the last references free the pool (ASan checks the rest)
    }

    void subscriptionsBelongToOneRun()
    {
        auto stream = std::make_unique<SimStream>();
        auto first = stream->subscribe(SubscriptionKind::Lossless, 4);
        stream->start(config());
        QVERIFY(first->pop(5000));
        stream->stop();
        while (first->tryPop()) {
        }
        QVERIFY(first->ended());
        // Made while stopped: it waits for the next run, which it receives from its start.
        auto second = stream->subscribe(SubscriptionKind::Lossless, 4);
        QVERIFY(!second->ended());
        stream->start(config());
        auto d = second->pop(5000);
        QVERIFY(d);
        QCOMPARE(d->block->sequence, std::uint64_t{0});
        QVERIFY(!first->pop(0)); // the old run's subscription stays ended
        stream->stop();
        // One waiting for a run that never comes ends when the stream is destroyed.
        auto orphan = stream->subscribe(SubscriptionKind::Lossy);
        stream.reset();
        QVERIFY(orphan->ended());
        QVERIFY(!orphan->pop(-1));
    }

    void unsubscribeWhileRunning()
    {
        SimStream stream;
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        stream.start(config(1000, 4));
        QVERIFY(sub->pop(5000));
        sub->unsubscribe();
        QVERIFY(sub->ended());
        // Dropping the subscription entirely is also an unsubscribe; the stream keeps going.
        auto other = stream.subscribe(SubscriptionKind::Lossless, 4);
        sub.reset();
        const auto before = stream.stats().blocks;
        QVERIFY(other->pop(5000));
        QTRY_VERIFY(stream.stats().blocks > before + 3);
        QCOMPARE(stream.stats().consumerOverruns, std::uint64_t{0} + other->overruns());
    }

    void readyCallbackWakesAnEventLoopStyleConsumer()
    {
        SimStream stream;
        std::atomic<int> ready{0};
        auto sub = stream.subscribe(SubscriptionKind::Lossy, 1, [&] { ready.fetch_add(1); });
        stream.start(config());
        QTRY_VERIFY(ready.load() > 2);
        QVERIFY(sub->tryPop());
        stream.stop();
        const int atStop = ready.load();
        QVERIFY(atStop > 2);
        QVERIFY(sub->ended() || sub->tryPop());
    }

    void consumersAreWokenOncePerBatchOfReadyBlocks()
    {
        ScriptedStream stream;
        std::atomic<int> wakeUps{0};
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 16, [&] { wakeUps.fetch_add(1); });
        stream.start(config(32, 16));
        // A block alone: the consumer is woken before the stream thread waits for the next.
        stream.script->fill(1);
        QTRY_COMPARE(wakeUps.load(), 1);
        QCOMPARE(sub->queued(), std::size_t{1});
        // Three blocks ready together: one wake-up (a batch is at most a quarter of the pool).
        stream.script->fill(3);
        QTRY_COMPARE(sub->queued(), std::size_t{4});
        QTRY_COMPARE(wakeUps.load(), 2);
        for (std::uint64_t expected = 0; expected < 4; ++expected)
            QCOMPARE(sub->tryPop()->block->sequence, expected);
        // Eight at once: a wake-up every four blocks, so that consumers start on a batch (and
        // hand its buffers back) while the stream thread is still publishing.
        stream.script->fill(8);
        QTRY_COMPARE(sub->queued(), std::size_t{8});
        QTRY_COMPARE(wakeUps.load(), 4);
        for (std::uint64_t expected = 4; expected < 12; ++expected)
            QCOMPARE(sub->tryPop()->block->sequence, expected);
        stream.stop();
        QCOMPARE(stream.stats().overruns, std::uint64_t{0});
    }

    void statsAreReadableFromOtherThreads()
    {
        SimStream stream;
        auto sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        std::atomic<bool> done{false};
        std::atomic<bool> consistent{true};
        std::thread reader([&] {
            while (!done.load()) {
                const StreamStats s = stream.stats();
                if (s.bytes < s.blocks)
                    consistent = false;
                (void)stream.layout();
                (void)stream.state();
            }
        });
        int delivered = 0;
        for (int run = 0; run < 5; ++run) {
            stream.start(config(256, 4));
            delivered += sub->pop(5000) ? 1 : 0;
            stream.stop();
            sub = stream.subscribe(SubscriptionKind::Lossless, 4);
        }
        done = true;
        reader.join();
        QCOMPARE(delivered, 5);
        QVERIFY(consistent.load());
    }

    void repeatedStartStop()
    {
        SimStream stream;
        stream.device()->setSamplingFrequency(1'000'000);
        for (int run = 0; run < 50; ++run) {
            auto sub = stream.subscribe(SubscriptionKind::Lossless, 8);
            stream.start(config(500, 4));
            auto d = sub->pop(5000);
            QVERIFY(d);
            // Every run starts from sample 0 with sequence 0.
            QCOMPARE(d->block->sequence, std::uint64_t{0});
            QCOMPARE(d->block->firstSample, std::uint64_t{0});
            stream.stop();
            QVERIFY(!stream.device()->streaming());
        }
    }
};

QTEST_GUILESS_MAIN(TstStream)
#include "tst_stream.moc"

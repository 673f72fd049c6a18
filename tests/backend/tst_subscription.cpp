// Subscription delivery: keep-newest (lossy) vs in-order (lossless), overrun accounting with the
// discontinuity flag, end of stream, unsubscribe, and the wake-ups of a waiting consumer (at
// once, or deferred by the stream thread for a batch).
#include "dmascope/block_pool.h"
#include "dmascope/subscription.h"

#include <QTest>

#include <atomic>
#include <thread>

using dmascope::BlockPool;
using dmascope::BlockRef;
using dmascope::Delivery;
using dmascope::Subscription;
using dmascope::SubscriptionKind;

namespace {
struct Fixture
{
    std::vector<std::uint8_t> memory = std::vector<std::uint8_t>(16 * 64);
    std::shared_ptr<BlockPool> pool;
    std::uint64_t sequence = 0;

    Fixture()
    {
        std::vector<BlockPool::Buffer> buffers;
        for (unsigned i = 0; i < 16; ++i)
            buffers.push_back({memory.data() + i * 64, 64});
        dmascope::ChannelLayout c;
        c.id = "voltage0";
        c.type = *dmascope::ScanType::parse("le:s16/16>>0");
        pool = BlockPool::create(std::move(buffers), nullptr,
                                 std::make_shared<const dmascope::ScanLayout>(
                                     dmascope::ScanLayout::compute({c})));
    }
    // Publishes buffer (sequence % 16) and returns the stream's reference.
    BlockRef next(bool discontinuity = false)
    {
        const std::uint64_t s = sequence++;
        return pool->publish(static_cast<unsigned>(s % 16), 64, s, s * 32, 0, discontinuity);
    }
    std::vector<unsigned> returned()
    {
        std::vector<unsigned> out;
        pool->takeReturned([&](unsigned i) { out.push_back(i); });
        return out;
    }
};
} // namespace

class TstSubscription : public QObject
{
    Q_OBJECT

private slots:
    void lossyKeepsTheNewestAndReleasesTheRest()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossy, 8);
        QCOMPARE(sub.depth(), std::size_t{1});
        QCOMPARE(sub.offer(f.next()), Subscription::Offer::Queued);
        QCOMPARE(sub.offer(f.next()), Subscription::Offer::Replaced);
        // The replaced block was the subscription's only reference: its buffer is back already.
        QCOMPARE(f.returned(), std::vector<unsigned>{0});
        QCOMPARE(sub.offer(f.next()), Subscription::Offer::Replaced);
        QCOMPARE(f.returned(), std::vector<unsigned>{1});
        QCOMPARE(sub.queued(), std::size_t{1});
        auto d = sub.tryPop();
        QVERIFY(d);
        QCOMPARE(d->block->sequence, std::uint64_t{2});
        QCOMPARE(d->droppedBefore, std::uint64_t{2});
        QVERIFY(d->discontinuity);
        QCOMPARE(sub.skipped(), std::uint64_t{2});
        QCOMPARE(sub.overruns(), std::uint64_t{0}); // skipping is what lossy means
        QVERIFY(!sub.tryPop());
        // The next one follows directly.
        sub.offer(f.next());
        d = sub.tryPop();
        QCOMPARE(d->block->sequence, std::uint64_t{3});
        QCOMPARE(d->droppedBefore, std::uint64_t{0});
        QVERIFY(!d->discontinuity);
    }

    void losslessDeliversInOrder()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossless, 4);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(sub.offer(f.next()), Subscription::Offer::Queued);
        for (std::uint64_t i = 0; i < 4; ++i) {
            auto d = sub.tryPop();
            QVERIFY(d);
            QCOMPARE(d->block->sequence, i);
            QVERIFY(!d->discontinuity);
        }
        QCOMPARE(sub.overruns(), std::uint64_t{0});
    }

    void stalledLosslessConsumerCountsOverrunsAndFlagsTheGap()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossless, 3);
        for (int i = 0; i < 3; ++i)
            sub.offer(f.next());
        // The consumer stalls: three more blocks are dropped for it, never blocking the stream.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(sub.offer(f.next()), Subscription::Offer::Dropped);
        QCOMPARE(sub.overruns(), std::uint64_t{3});
        // The dropped blocks were not kept: their buffers returned at once.
        QCOMPARE(f.returned(), (std::vector<unsigned>{3, 4, 5}));
        for (std::uint64_t i = 0; i < 3; ++i) {
            auto d = sub.tryPop();
            QCOMPARE(d->block->sequence, i);
            QVERIFY(!d->discontinuity);
        }
        sub.offer(f.next()); // sequence 6
        sub.offer(f.next()); // sequence 7
        auto d = sub.tryPop();
        QCOMPARE(d->block->sequence, std::uint64_t{6});
        QVERIFY(d->discontinuity);
        QCOMPARE(d->droppedBefore, std::uint64_t{3});
        d = sub.tryPop();
        QCOMPARE(d->block->sequence, std::uint64_t{7});
        QVERIFY(!d->discontinuity);
        QCOMPARE(sub.overruns(), std::uint64_t{3});
    }

    void sourceDiscontinuityIsDelivered()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossless, 4);
        sub.offer(f.next(true));
        auto d = sub.tryPop();
        QVERIFY(d->discontinuity);
        QCOMPARE(d->droppedBefore, std::uint64_t{0});
    }

    void finishLeavesQueuedBlocksThenEnds()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossless, 4);
        sub.offer(f.next());
        sub.finish("Input/output error (errno 5)");
        QVERIFY(sub.closed());
        QVERIFY(!sub.ended()); // one block left
        QCOMPARE(sub.offer(f.next()), Subscription::Offer::Closed);
        QVERIFY(sub.pop(1000));
        QVERIFY(sub.ended());
        QVERIFY(!sub.pop(-1)); // returns at once: the stream is over
        QCOMPARE(sub.endReason(), std::string("Input/output error (errno 5)"));
    }

    void unsubscribeReleasesQueuedBlocks()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossless, 4);
        sub.offer(f.next());
        sub.offer(f.next());
        f.returned();
        sub.unsubscribe();
        QCOMPARE(f.returned(), (std::vector<unsigned>{0, 1}));
        QVERIFY(sub.ended());
        QVERIFY(!sub.tryPop());
        QCOMPARE(sub.offer(f.next()), Subscription::Offer::Closed);
        QVERIFY(sub.endReason().empty());
    }

    void popTimesOut()
    {
        Subscription sub(SubscriptionKind::Lossy, 1);
        QElapsedTimer t;
        t.start();
        QVERIFY(!sub.pop(30));
        QVERIFY(t.elapsed() >= 25);
        QVERIFY(!sub.ended());
    }

    void waitingConsumerIsWokenByOfferAndFinish()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossless, 4);
        std::atomic<std::uint64_t> got{~std::uint64_t{0}};
        std::atomic<bool> sawEnd{false};
        std::thread consumer([&] {
            if (auto d = sub.pop(-1))
                got = d->block->sequence;
            sawEnd = !sub.pop(-1) && sub.ended();
        });
        QTest::qWait(20);
        sub.offer(f.next());
        QTest::qWait(20);
        sub.finish({});
        consumer.join();
        QCOMPARE(got.load(), std::uint64_t{0});
        QVERIFY(sawEnd.load());
    }

    void readyCallbackRunsPerBlockAndAtTheEnd()
    {
        Fixture f;
        int calls = 0;
        Subscription sub(SubscriptionKind::Lossless, 2, [&] { ++calls; });
        sub.offer(f.next());
        sub.offer(f.next());
        sub.offer(f.next()); // dropped: nothing new to read
        QCOMPARE(calls, 2);
        sub.finish({});
        QCOMPARE(calls, 3);
    }

    void deferredWakeUpsComeWithWakeDeferredOrAHalfFullQueue()
    {
        Fixture f;
        int calls = 0;
        Subscription lossless(SubscriptionKind::Lossless, 8, [&] { ++calls; });
        for (int i = 0; i < 3; ++i)
            lossless.offer(f.next(), Subscription::Wake::Later);
        QCOMPARE(calls, 0);
        QCOMPARE(lossless.queued(), std::size_t{3});
        lossless.wakeDeferred();
        QCOMPARE(calls, 1);
        lossless.wakeDeferred(); // nothing new since
        QCOMPARE(calls, 1);
        // The fourth block fills half the queue: the consumer hears of it at once, so that a
        // batch never makes a lossless consumer overrun.
        lossless.offer(f.next(), Subscription::Wake::Later);
        QCOMPARE(calls, 2);
        lossless.wakeDeferred();
        QCOMPARE(calls, 2);

        int lossyCalls = 0;
        Subscription lossy(SubscriptionKind::Lossy, 1, [&] { ++lossyCalls; });
        lossy.offer(f.next(), Subscription::Wake::Later);
        lossy.offer(f.next(), Subscription::Wake::Later);
        QCOMPARE(lossyCalls, 0);
        lossy.wakeDeferred();
        QCOMPARE(lossyCalls, 1);
        QCOMPARE(lossy.tryPop()->block->sequence, f.sequence - 1);
    }

    void waitingConsumerIsWokenByWakeDeferred()
    {
        Fixture f;
        Subscription sub(SubscriptionKind::Lossless, 8);
        std::atomic<std::uint64_t> got{~std::uint64_t{0}};
        std::thread consumer([&] {
            if (auto d = sub.pop(-1))
                got = d->block->sequence;
        });
        QTest::qWait(20);
        sub.offer(f.next(), Subscription::Wake::Later);
        sub.wakeDeferred();
        consumer.join(); // pop(-1) would wait forever if the wake-up were lost
        QCOMPARE(got.load(), std::uint64_t{0});
    }

    void deliveryOutlivesTheSubscription()
    {
        Fixture f;
        std::optional<Delivery> d;
        {
            Subscription sub(SubscriptionKind::Lossless, 2);
            sub.offer(f.next());
            d = sub.tryPop();
        }
        QCOMPARE(d->block->sequence, std::uint64_t{0});
        QVERIFY(f.returned().empty());
        d.reset();
        QCOMPARE(f.returned(), std::vector<unsigned>{0});
    }
};

QTEST_GUILESS_MAIN(TstSubscription)
#include "tst_subscription.moc"

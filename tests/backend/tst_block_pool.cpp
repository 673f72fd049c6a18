// BlockPool and BlockRef: reference counting, recycling through the returned set and the wake
// eventfd, and the pool's memory outliving its owner while blocks are held.
#include "dmascope/block_pool.h"

#include <QTest>

#include <atomic>
#include <poll.h>
#include <thread>
#include <vector>

using dmascope::BlockPool;
using dmascope::BlockRef;
using dmascope::ScanLayout;

namespace {
// Buffer memory whose destruction the tests can observe.
struct Memory
{
    explicit Memory(std::atomic<bool> *freed, unsigned count) : freed(freed), bytes(count * 64) {}
    ~Memory() { freed->store(true); }
    std::atomic<bool> *freed;
    std::vector<std::uint8_t> bytes;
};

std::shared_ptr<BlockPool> makePool(unsigned count, std::atomic<bool> *freed)
{
    auto memory = std::make_shared<Memory>(freed, count);
    std::vector<BlockPool::Buffer> buffers;
    for (unsigned i = 0; i < count; ++i)
        buffers.push_back({memory->bytes.data() + i * 64, 64});
    dmascope::ChannelLayout c;
    c.id = "voltage0";
    c.type = *dmascope::ScanType::parse("le:s16/16>>0");
    auto layout = std::make_shared<const ScanLayout>(ScanLayout::compute({c}));
    return BlockPool::create(std::move(buffers), memory, layout);
}

std::vector<unsigned> returned(BlockPool &pool)
{
    std::vector<unsigned> out;
    pool.takeReturned([&](unsigned i) { out.push_back(i); });
    return out;
}

bool readable(int fd)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
}
} // namespace

class TstBlockPool : public QObject
{
    Q_OBJECT

private slots:
    void publishFillsTheBlock()
    {
        std::atomic<bool> freed{false};
        auto pool = makePool(4, &freed);
        BlockRef b = pool->publish(2, 64, 7, 1000, 123456, true);
        QVERIFY(b);
        QCOMPARE(b->data, pool->buffer(2).data);
        QCOMPARE(b->bytes, std::size_t{64});
        QCOMPARE(b->sequence, std::uint64_t{7});
        QCOMPARE(b->firstSample, std::uint64_t{1000});
        QCOMPARE(b->timestampNs, std::int64_t{123456});
        QVERIFY(b->discontinuity);
        QCOMPARE(b->frames(), std::size_t{32});
        QCOMPARE(b->layout.get(), pool->layout().get());
        QCOMPARE(pool->outstanding(), 1u);
    }

    void lastReferenceReturnsTheBuffer()
    {
        std::atomic<bool> freed{false};
        auto pool = makePool(4, &freed);
        pool->clearWake();
        BlockRef a = pool->publish(1, 64, 0, 0, 0, false);
        BlockRef b = a;
        BlockRef c;
        c = b;
        QCOMPARE(a.useCount(), 3u);
        a.reset();
        b = BlockRef();
        QVERIFY(returned(*pool).empty());
        QVERIFY(!readable(pool->wakeFd()));
        QCOMPARE(c.useCount(), 1u);
        BlockRef moved = std::move(c);
        QVERIFY(!c);
        QCOMPARE(moved.useCount(), 1u);
        // The stream thread is waiting: the release wakes it.
        QVERIFY(pool->prepareToWait());
        moved.reset();
        QVERIFY(readable(pool->wakeFd()));
        pool->doneWaiting();
        QCOMPARE(returned(*pool), std::vector<unsigned>{1});
        QVERIFY(returned(*pool).empty()); // taken once
        QCOMPARE(pool->outstanding(), 0u);
        pool->clearWake();
        QVERIFY(!readable(pool->wakeFd()));
    }

    void aReleaseWhileTheStreamThreadIsBusyCostsNoWakeUp()
    {
        std::atomic<bool> freed{false};
        auto pool = makePool(4, &freed);
        pool->clearWake();
        BlockRef a = pool->publish(2, 64, 0, 0, 0, false);
        a.reset(); // not waiting: no eventfd write, the bit alone
        QVERIFY(!readable(pool->wakeFd()));
        // ... and the stream thread sees it before it would wait.
        QVERIFY(!pool->prepareToWait());
        QCOMPARE(returned(*pool), std::vector<unsigned>{2});
        QVERIFY(pool->prepareToWait());
        pool->doneWaiting();
    }

    void selfAssignmentKeepsTheReference()
    {
        std::atomic<bool> freed{false};
        auto pool = makePool(2, &freed);
        BlockRef a = pool->publish(0, 64, 0, 0, 0, false);
        BlockRef &alias = a;
        a = alias;
        QCOMPARE(a.useCount(), 1u);
        a = std::move(alias);
        QVERIFY(a);
        QCOMPARE(a.useCount(), 1u);
    }

    void returnsEveryIndexOfALargePool()
    {
        // More than 64 buffers spans several words of the returned set.
        std::atomic<bool> freed{false};
        auto pool = makePool(130, &freed);
        std::vector<BlockRef> refs;
        for (unsigned i = 0; i < 130; ++i)
            refs.push_back(pool->publish(i, 64, i, 0, 0, false));
        QCOMPARE(pool->outstanding(), 130u);
        refs.clear();
        const auto back = returned(*pool);
        QCOMPARE(back.size(), std::size_t{130});
        for (unsigned i = 0; i < 130; ++i)
            QCOMPARE(back[i], i);
    }

    void memoryOutlivesThePoolOwner()
    {
        std::atomic<bool> freed{false};
        auto pool = makePool(2, &freed);
        BlockRef held = pool->publish(0, 64, 0, 0, 0, false);
        const std::uint8_t *data = held->data;
        pool.reset(); // the stream is gone
        QVERIFY(!freed.load());
        QCOMPARE(held->data, data);
        QCOMPARE(held->frames(), std::size_t{32}); // layout still alive too
        held.reset();
        QVERIFY(freed.load());
    }

    void concurrentCopiesAndReleases()
    {
        std::atomic<bool> freed{false};
        auto pool = makePool(8, &freed);
        constexpr int kRounds = 2000;
        std::atomic<unsigned> totalReturned{0};
        for (int round = 0; round < kRounds; ++round) {
            BlockRef b = pool->publish(static_cast<unsigned>(round % 8), 64,
                                       static_cast<std::uint64_t>(round), 0, 0, false);
            std::thread t1([copy = b]() mutable {
                BlockRef again = copy;
                (void)again->sequence;
            });
            std::thread t2([copy = b]() mutable { copy.reset(); });
            b.reset();
            t1.join();
            t2.join();
            pool->takeReturned([&](unsigned i) {
                QCOMPARE(i, static_cast<unsigned>(round % 8));
                totalReturned.fetch_add(1);
            });
        }
        QCOMPARE(totalReturned.load(), static_cast<unsigned>(kRounds));
        QCOMPARE(pool->outstanding(), 0u);
    }

    void releaseOnAnotherThreadAfterPoolOwnerIsGone()
    {
        std::atomic<bool> freed{false};
        auto pool = makePool(2, &freed);
        BlockRef held = pool->publish(1, 64, 0, 0, 0, false);
        pool.reset();
        std::thread t([b = std::move(held)]() mutable { b.reset(); });
        t.join();
        QVERIFY(freed.load());
    }
};

QTEST_GUILESS_MAIN(TstBlockPool)
#include "tst_block_pool.moc"

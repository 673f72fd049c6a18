// The ADC's sampling_frequency is honoured within 1 %: samples delivered over more than a
// second, timed by the kernel's own fence timestamps of block completion (not by this process's
// wall clock, which the guest's scheduling would blur).
#include "iio_sim_fixture.h"

#include "dmascope/dmabuf.h"
#include "dmascope/iio_buffer_handle.h"

#include <QTest>

#include <cmath>
#include <deque>
#include <vector>

using namespace dmascope;

class TstSamplingRate : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

private slots:
    void init() { simtest::resetAdc(devs_.adc); }
    void cleanup() { simtest::resetAdc(devs_.adc); }

    void averageRateWithinOnePercent_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("frames");
        QTest::newRow("10 kS/s") << 10000 << 1024;
        QTest::newRow("100 kS/s") << 100000 << 4096;
        QTest::newRow("1 MS/s") << 1000000 << 16384;
        // Higher rates are honoured by the driver too, but an emulated (TCG) guest on a busy
        // host cannot consume them without drops that blur the figure.
    }

    void averageRateWithinOnePercent()
    {
        QFETCH(int, rate);
        QFETCH(int, frames);
        const auto &adc = devs_.adc;
        adc.write("sampling_frequency", std::to_string(rate));
        simtest::selectChannels(adc, {"in_voltage1"});
        const std::size_t bytes = std::size_t(frames) * 2;
        constexpr int kSlots = 6;

        DmaHeapAllocator heap;
        IioBufferHandle buffer(adc.devNode(), 0);
        std::vector<MappedDmabuf> blocks;
        std::vector<TransferFence> fences(kSlots);
        std::deque<int> queued;
        for (int i = 0; i < kSlots; ++i) {
            blocks.emplace_back(heap.allocate(bytes), bytes);
            buffer.attach(blocks.back().fd());
        }
        auto enqueue = [&](int i) {
            QCOMPARE(buffer.enqueue(blocks[i].fd(), bytes), 0);
            fences[i] = TransferFence::exportFrom(blocks[i].fd(), CpuAccess::Read, nullptr);
            QVERIFY(fences[i].valid());
            queued.push_back(i);
        };
        for (int i = 0; i < kSlots; ++i)
            enqueue(i);
        adc.setBufferEnabled(0, true);

        std::int64_t firstDone = 0, lastDone = 0;
        std::uint64_t samplesAfterFirst = 0;
        // Long enough for > 1.2 s of samples after the first completion.
        const int blocksNeeded = int(std::ceil(1.2 * rate / frames)) + 1;
        for (int n = 0; n < blocksNeeded; ++n) {
            const int i = queued.front();
            queued.pop_front();
            QCOMPARE(fences[i].wait(10000), 1);
            QCOMPARE(fences[i].status(), 0);
            const std::int64_t done = fences[i].signalTimeNs();
            QVERIFY(done > 0);
            if (n == 0)
                firstDone = done;
            else
                samplesAfterFirst += std::uint64_t(frames);
            lastDone = done;
            enqueue(i);
        }
        // Blocks were queued from the start and stay queued: every drop (a descheduled test
        // process) happened inside the measured window.
        const long long dropped = simtest::readNumber(adc, "dropped_samples");
        adc.setBufferEnabled(0, false);
        for (const auto &b : blocks)
            buffer.detach(b.fd());

        // Samples the driver dropped still took their time: they count towards the rate.
        const double seconds = double(lastDone - firstDone) * 1e-9;
        const double measured = double(samplesAfterFirst + std::uint64_t(dropped)) / seconds;
        qInfo("%d S/s requested: %.1f S/s over %.3f s (%lld samples dropped)", rate, measured,
              seconds, dropped);
        QVERIFY(seconds > 1.0);
        QVERIFY2(std::fabs(measured - rate) <= 0.01 * rate,
                 qPrintable(QString("measured %1 S/s for %2 S/s").arg(measured).arg(rate)));
    }
};

QTEST_GUILESS_MAIN(TstSamplingRate)
#include "tst_sampling_rate.moc"

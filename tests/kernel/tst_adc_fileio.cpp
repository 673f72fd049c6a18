// iio-sim-adc through read() (the fileio path): the same counter check as over DMABUF.
#include "iio_sim_fixture.h"

#include "dmascope/iio_buffer_handle.h"

#include <QTest>

#include <poll.h>
#include <vector>

using namespace dmascope;

class TstAdcFileio : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

private slots:
    void init() { simtest::resetAdc(devs_.adc); }
    void cleanup() { simtest::resetAdc(devs_.adc); }

    void counterIsContinuous()
    {
        // 1024-frame reads at 100 kS/s with 0.65 s of buffering: a descheduled guest rarely drops,
        // and a drop stays well inside the 16-bit counter's unambiguous range.
        constexpr std::size_t kFrames = 1024, kFrameBytes = 4, kBlocks = 1100;
        const auto &adc = devs_.adc;
        adc.write("sampling_frequency", "100000");
        adc.write("in_voltage1_waveform", "counter");
        simtest::selectChannels(adc, {"in_voltage1", "in_voltage3"});
        adc.setBufferLength(0, 65536);

        IioBufferHandle buffer(adc.devNode(), 0);
        adc.setBufferEnabled(0, true);
        simtest::CounterChecker s16(16, 0, 0, kFrameBytes);
        std::vector<std::uint8_t> block(kFrames * kFrameBytes);
        std::size_t total = 0;
        while (total < kBlocks * block.size()) {
            QCOMPARE(buffer.waitReady(POLLIN, 5000), 1);
            const ssize_t n = buffer.read(block.data(), block.size());
            QVERIFY2(n > 0, qPrintable(QString("read returned %1").arg(n)));
            QCOMPARE(std::size_t(n) % kFrameBytes, std::size_t(0));
            QVERIFY2(s16.feed(block.data(), std::size_t(n)), s16.error().c_str());
            const std::string mismatch =
                simtest::compareCounters(block.data(), std::size_t(n), kFrameBytes, 0, 2);
            QVERIFY2(mismatch.empty(), mismatch.c_str());
            total += std::size_t(n);
        }
        adc.setBufferEnabled(0, false);
        QCOMPARE(s16.samples(), total / kFrameBytes);
        // After the last read the driver keeps filling until disable, and drops once its two
        // fileio blocks are full: those drops come after the data checked here.
        const long long dropped = simtest::readNumber(adc, "dropped_samples");
        QVERIFY2(static_cast<long long>(s16.missing()) <= dropped,
                 qPrintable(QString("gap %1 > dropped_samples %2").arg(s16.missing()).arg(dropped)));
        QVERIFY2(s16.missing() < s16.samples() / 10, "most samples were lost");
    }
};

QTEST_GUILESS_MAIN(TstAdcFileio)
#include "tst_adc_fileio.moc"

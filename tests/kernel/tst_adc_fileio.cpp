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
        constexpr std::size_t kFrames = 4096, kFrameBytes = 4, kBlocks = 1200;
        const auto &adc = devs_.adc;
        adc.write("in_voltage1_waveform", "counter");
        simtest::selectChannels(adc, {"in_voltage1", "in_voltage3"});
        adc.setBufferLength(0, kFrames * 4);
        adc.setWatermark(0, kFrames);

        IioBufferHandle buffer(adc.devNode(), 0);
        adc.setBufferEnabled(0, true);
        simtest::CounterChecker s16(16, 0, 0, kFrameBytes);
        simtest::CounterChecker s12(12, 4, 2, kFrameBytes);
        std::vector<std::uint8_t> block(kFrames * kFrameBytes);
        std::size_t total = 0;
        while (total < kBlocks * block.size()) {
            QCOMPARE(buffer.waitReady(POLLIN, 5000), 1);
            const ssize_t n = buffer.read(block.data(), block.size());
            QVERIFY2(n > 0, qPrintable(QString("read returned %1").arg(n)));
            QCOMPARE(std::size_t(n) % kFrameBytes, std::size_t(0));
            QVERIFY2(s16.feed(block.data(), std::size_t(n)), s16.error().c_str());
            QVERIFY2(s12.feed(block.data(), std::size_t(n)), s12.error().c_str());
            total += std::size_t(n);
        }
        adc.setBufferEnabled(0, false);
        QCOMPARE(s16.samples(), total / kFrameBytes);
        QCOMPARE(s12.missing(), s16.missing());
        QCOMPARE(s16.missing(), std::uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TstAdcFileio)
#include "tst_adc_fileio.moc"

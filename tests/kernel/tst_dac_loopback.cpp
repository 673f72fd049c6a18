// iio-sim-dac output through write() and through DMABUF (cyclic and one-shot), verified on the
// ADC's loopback channel: with both devices at the same rate every DAC sample shows up once, in
// order, in the ADC data.
#include "iio_sim_fixture.h"

#include "dmascope/dmabuf.h"
#include "dmascope/iio_buffer_handle.h"

#include <QTest>

#include <algorithm>
#include <cstring>
#include <poll.h>
#include <vector>

using namespace dmascope;

namespace {
using simtest::kPatternFrames;
using simtest::patternValue;
constexpr const char *kRate = "10000"; // both devices, S/s

// Reads `samples` of the ADC's in_voltage0 (the only enabled channel) through read().
std::vector<std::int16_t> readAdc(IioBufferHandle &adc, std::size_t samples)
{
    std::vector<std::int16_t> out(samples);
    std::size_t got = 0;
    while (got < samples) {
        if (adc.waitReady(POLLIN, 5000) != 1)
            break;
        const ssize_t n = adc.read(out.data() + got, (samples - got) * 2);
        if (n <= 0)
            break;
        got += std::size_t(n) / 2;
    }
    out.resize(got);
    return out;
}

} // namespace

class TstDacLoopback : public QObject
{
    Q_OBJECT
    simtest::SimDevices devs_ = simtest::SimDevices::find();

    // ADC channel 0 plays back DAC channel 0, both at kRate, the ADC streaming through read().
    // The rate is low so that the ADC's queue (1.6 s) holds everything from its enable until
    // the test reads it, even when the guest is slow: no sample of the pattern is dropped.
    IioBufferHandle startAdcLoopback()
    {
        const auto &adc = devs_.adc;
        adc.write("sampling_frequency", kRate);
        adc.write("in_voltage0_waveform", "loopback");
        simtest::selectChannels(adc, {"in_voltage0"});
        adc.setBufferLength(0, 16384);
        IioBufferHandle handle(adc.devNode(), 0);
        adc.setBufferEnabled(0, true);
        return handle;
    }

    void prepareDac()
    {
        devs_.dac.write("sampling_frequency", kRate);
        simtest::selectChannels(devs_.dac, {"out_voltage0", "out_voltage1"});
        devs_.dac.setBufferLength(0, kPatternFrames * 4);
    }

private slots:
    void init()
    {
        simtest::resetAdc(devs_.adc);
        simtest::resetDac(devs_.dac);
    }
    void cleanup()
    {
        simtest::resetDac(devs_.dac);
        simtest::resetAdc(devs_.adc);
    }

    void idleDacReadsZero()
    {
        IioBufferHandle adc = startAdcLoopback();
        const auto data = readAdc(adc, 8192);
        QCOMPARE(data.size(), std::size_t(8192));
        QVERIFY(std::all_of(data.begin(), data.end(), [](std::int16_t v) { return v == 0; }));
    }

    void writePathLoopsBack()
    {
        prepareDac();
        IioBufferHandle dac(devs_.dac.devNode(), 0);
        const auto frames = simtest::dacPatternFrames(8);
        // The DAC outputs zeros until data arrives; the pattern is found wherever it starts.
        IioBufferHandle adc = startAdcLoopback();
        devs_.dac.setBufferEnabled(0, true);
        std::size_t written = 0;
        while (written < frames.size()) {
            QCOMPARE(dac.waitReady(POLLOUT, 5000), 1);
            const ssize_t n = dac.write(frames.data() + written, frames.size() - written);
            QVERIFY2(n > 0, qPrintable(QString("write returned %1").arg(n)));
            written += std::size_t(n);
        }
        const auto data = readAdc(adc, 16384);
        const long at = simtest::findPatternPeriod(data);
        QVERIFY2(at >= 0, "the DAC's pattern never appeared on the loopback channel");
        // Consecutive periods follow without a gap or a repeated sample.
        QVERIFY(simtest::findPatternPeriod(data, std::size_t(at) + kPatternFrames) == at + long(kPatternFrames));
    }

    void dmabufCyclicRepeats()
    {
        prepareDac();
        DmaHeapAllocator heap;
        IioBufferHandle dac(devs_.dac.devNode(), 0);
        const auto frames = simtest::dacPatternFrames(1);
        MappedDmabuf block(heap.allocate(frames.size()), pageAlign(frames.size()));
        {
            ScopedCpuAccess access(block, CpuAccess::Write);
            QVERIFY(access.ok());
            std::memcpy(block.data(), frames.data(), frames.size());
        }
        dac.attach(block.fd());
        QCOMPARE(dac.enqueue(block.fd(), frames.size(), true), 0);
        IioBufferHandle adc = startAdcLoopback();
        devs_.dac.setBufferEnabled(0, true);
        const auto data = readAdc(adc, 16384);
        devs_.dac.setBufferEnabled(0, false);
        dac.detach(block.fd());
        const long first = simtest::findPatternPeriod(data);
        QVERIFY2(first >= 0, "the cyclic block never appeared on the loopback channel");
        const int periods = simtest::periodsBackToBack(data, first);
        const long at = first + long(kPatternFrames) * (periods - 1);
        // Repeated back to back, without a gap or a repeated sample, until the data read ends.
        std::size_t brk = std::size_t(at) + kPatternFrames;
        while (brk < data.size() && data[brk] == patternValue((brk - std::size_t(first)) % kPatternFrames))
            ++brk;
        QString context;
        for (std::size_t i = brk > 3 ? brk - 3 : 0; i < std::min(data.size(), brk + 4); ++i)
            context += QString(" [%1]=%2").arg(i).arg(data[i]);
        QVERIFY2(periods == int((data.size() - std::size_t(first)) / kPatternFrames),
                 qPrintable(QString("%1 periods from sample %2, then:%3 (expected %4 %5 ...)")
                                .arg(periods).arg(first).arg(context)
                                .arg(patternValue(0)).arg(patternValue(1))));
    }

    void dmabufOneShotPlaysOnce()
    {
        prepareDac();
        UdmabufAllocator udmabuf;
        IioBufferHandle dac(devs_.dac.devNode(), 0);
        const auto frames = simtest::dacPatternFrames(1);
        MappedDmabuf block(udmabuf.allocate(frames.size()), pageAlign(frames.size()));
        {
            ScopedCpuAccess access(block, CpuAccess::Write);
            QVERIFY(access.ok());
            std::memcpy(block.data(), frames.data(), frames.size());
        }
        dac.attach(block.fd());
        IioBufferHandle adc = startAdcLoopback();
        devs_.dac.setBufferEnabled(0, true);
        QCOMPARE(dac.enqueue(block.fd(), frames.size(), false), 0);
        const TransferFence done = TransferFence::exportFrom(block.fd(), CpuAccess::Write, nullptr);
        QVERIFY(done.valid());
        QCOMPARE(done.wait(5000), 1);
        QCOMPARE(done.status(), 0);
        const auto data = readAdc(adc, 16384);
        devs_.dac.setBufferEnabled(0, false);
        dac.detach(block.fd());
        const long at = simtest::findPatternPeriod(data);
        QVERIFY2(at >= 0, "the one-shot block never appeared on the loopback channel");
        QCOMPARE(simtest::findPatternPeriod(data, std::size_t(at) + 1), -1L);
        // After the block the DAC is idle again: zeros.
        const auto tail = std::min(data.size(), std::size_t(at) + kPatternFrames + 2000);
        QVERIFY(std::all_of(data.begin() + at + long(kPatternFrames), data.begin() + long(tail),
                            [](std::int16_t v) { return v == 0; }));
    }
};

QTEST_GUILESS_MAIN(TstDacLoopback)
#include "tst_dac_loopback.moc"

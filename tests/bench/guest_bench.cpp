#include "guest_bench.h"

#include "dmascope/dmabuf.h"
#include "dmascope/iio_buffer_handle.h"

#include <deque>
#include <fstream>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace dmascope;

namespace guestbench {

unsigned long long machineBusyTicks()
{
    std::ifstream stat("/proc/stat");
    std::string cpu;
    unsigned long long user, nice, system, idle, iowait, irq, softirq;
    stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    return user + nice + system + irq + softirq;
}

double processCpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

std::uint64_t touch(const std::uint8_t *data, std::size_t bytes)
{
    std::uint64_t sum = 0;
    const auto *words = reinterpret_cast<const std::uint64_t *>(data);
    for (std::size_t i = 0; i < bytes / 8; ++i)
        sum += words[i];
    return sum;
}

volatile std::uint64_t g_sink;

Result finish(std::uint64_t bytes, double elapsed, double cpu0, unsigned long long busy0)
{
    Result r;
    r.mibPerSec = double(bytes) / (1024.0 * 1024.0) / elapsed;
    r.processCpu = 100.0 * (processCpuSeconds() - cpu0) / elapsed;
    r.systemCpu = 100.0 * double(machineBusyTicks() - busy0) / double(sysconf(_SC_CLK_TCK)) /
                  elapsed;
    return r;
}

// `lengthBlocks`: buffer/length in blocks. buffer-dma's read() path splits the length into two
// blocks, so read() gets 2 (one block per read() call); DMABUF ignores the length.
void prepareAdc(const IioSysfsDevice &adc, std::size_t blockBytes, std::size_t lengthBlocks)
{
    if (adc.bufferEnabled(0))
        adc.setBufferEnabled(0, false);
    adc.write("throughput_mode", "1");
    adc.disableAllScanElements(0);
    for (int ch = 0; ch < 4; ++ch)
        adc.enableScanElement(0, "in_voltage" + std::to_string(ch), true);
    adc.setBufferLength(0, blockBytes / kFrameBytes * lengthBlocks);
}

Result benchDmabuf(const IioSysfsDevice &adc, std::size_t blockBytes, bool readAll,
                   double seconds, unsigned blockCount)
{
    prepareAdc(adc, blockBytes, 4);
    DmaHeapAllocator heap;
    IioBufferHandle buffer(adc.devNode(), 0);
    std::vector<MappedDmabuf> blocks;
    std::deque<unsigned> queued;
    for (unsigned i = 0; i < blockCount; ++i) {
        blocks.emplace_back(heap.allocate(blockBytes), blockBytes);
        buffer.attach(blocks.back().fd());
        queued.push_back(i);
    }
    // Only after every attach: in 6.12's buffer-dma an ATTACH drops blocks already queued.
    for (auto &b : blocks)
        if (buffer.enqueue(b.fd(), blockBytes) != 0)
            throw std::runtime_error("enqueue failed");
    adc.setBufferEnabled(0, true);
    const Result r = measure(seconds, blockBytes, [&] {
        const unsigned i = queued.front();
        queued.pop_front();
        MappedDmabuf &b = blocks[i];
        // POLLIN on an input DMABUF: the transfer's write fence has signalled.
        if (waitFd(b.fd(), POLLIN, 5000, -1) != 1)
            throw std::runtime_error("timed out waiting for a block");
        if (b.beginCpuAccess(CpuAccess::Read) != 0)
            throw std::runtime_error("DMA_BUF_IOCTL_SYNC failed");
        if (readAll)
            g_sink = touch(b.data(), blockBytes);
        b.endCpuAccess(CpuAccess::Read);
        if (buffer.enqueue(b.fd(), blockBytes) != 0)
            throw std::runtime_error("re-enqueue failed");
        queued.push_back(i);
    });
    adc.setBufferEnabled(0, false);
    for (auto &b : blocks)
        buffer.detach(b.fd());
    return r;
}

Result benchRead(const IioSysfsDevice &adc, std::size_t blockBytes, bool readAll, double seconds)
{
    prepareAdc(adc, blockBytes, 2);
    IioBufferHandle buffer(adc.devNode(), 0);
    std::vector<std::uint8_t> dst(blockBytes);
    adc.setBufferEnabled(0, true);
    const Result r = measure(seconds, blockBytes, [&] {
        std::size_t got = 0;
        while (got < blockBytes) {
            if (buffer.waitReady(POLLIN, 5000) != 1)
                throw std::runtime_error("timed out waiting for data");
            const ssize_t n = buffer.read(dst.data() + got, blockBytes - got);
            if (n <= 0)
                throw std::runtime_error("read failed");
            got += std::size_t(n);
        }
        if (readAll)
            g_sink = touch(dst.data(), blockBytes);
    });
    adc.setBufferEnabled(0, false);
    return r;
}
} // namespace guestbench

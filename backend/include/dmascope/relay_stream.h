// Zero-copy relay from a local input device (an ADC) to a local output device (a DAC), what
// the IIO DMABUF interface was made for: one pool of DMABUFs is attached to both buffers; a
// block the input completed is enqueued as it is on the output, and when the output has played
// it, it goes back to the input. The CPU never copies a sample.
//
// It is a Stream of the input side: subscribers see every relayed block (a monitor, under the
// usual DMA_BUF_IOCTL_SYNC bracket), and a block returns to the input only when the output is
// done with it and the last consumer released it. stats() counts what the input delivered
// (with failed input transfers and the driver's dropped samples as discontinuities);
// relayStats() what the output played.
//
// DMABUF only: a device that refuses ATTACH makes start() throw with the reason. The output is
// enabled once `prefill` blocks are queued on it, so it starts with a margin of that many blocks
// against the input's completion jitter; an output that runs dry later counts an underrun.
// When either device disappears the stream ends Failed with ENODEV.
#pragma once

#include "dmascope/local_stream.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dmascope {

struct RelayOutputConfig
{
    std::vector<std::string> channels; // output channel ids; empty: every output scan element
    unsigned prefill = 2;               // blocks queued on the output before it is enabled
};

struct RelayStats
{
    std::uint64_t blocks = 0;         // blocks the output played to the end
    std::uint64_t bytes = 0;          // their bytes
    std::uint64_t underruns = 0;      // times a block reached an output that had run dry
    std::uint64_t failedTransfers = 0; // output transfers whose fence reported an error
};

class RelayStream final : public LocalStream
{
public:
    // `input`, `output`: device names or ids. Both use `options` (sysfs root, buffer index,
    // allocators); the loss counter is read on the input.
    RelayStream(std::string input, std::string output, LocalDeviceOptions options = {},
                RelayOutputConfig outputConfig = {});
    ~RelayStream() override;

    // Since the last start(); safe from any thread.
    RelayStats relayStats() const noexcept;

    // Written by the stream thread, reset by open() before it runs.
    struct Counters
    {
        std::atomic<std::uint64_t> blocks{0}, bytes{0}, underruns{0}, failedTransfers{0};
    };

protected:
    // The input's config: channels, block size and count; PathPreference::Fileio is refused.
    // The output's frames must have the size of the input's.
    Opened open(const StreamConfig &config) override;

private:
    std::string output_;
    RelayOutputConfig outputConfig_;
    std::shared_ptr<Counters> counters_;
};

} // namespace dmascope

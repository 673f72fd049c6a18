// The stream of the built-in demo device "sim:". Architecturally it is hardware like any other:
// a "DMA engine" thread fills the queued buffers at the sampling frequency (paced by
// CLOCK_MONOTONIC, so the average rate is exact), drops and counts samples while no buffer is
// queued, and signals filled buffers; the stream thread only waits, publishes and recycles.
#pragma once

#include "dmascope/sim_device.h"
#include "dmascope/stream.h"

#include <memory>

namespace dmascope {

class SimStream final : public Stream
{
public:
    explicit SimStream(std::shared_ptr<SimDevice> device = std::make_shared<SimDevice>());
    ~SimStream() override;

    // The attributes; shared so the controls stay usable while the stream runs.
    const std::shared_ptr<SimDevice> &device() const noexcept { return device_; }

protected:
    Opened open(const StreamConfig &config) override;

private:
    std::shared_ptr<SimDevice> device_;
};

} // namespace dmascope

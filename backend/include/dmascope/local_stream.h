// What every stream on a local IIO device (/sys/bus/iio/devices, /dev/iio:deviceN) has in
// common: the device it names and where that device and the DMABUF allocators are found.
#pragma once

#include "dmascope/stream.h"

#include <string>

namespace dmascope {

// Where a local device and the DMABUF allocators are found (tests point them elsewhere).
struct LocalDeviceOptions
{
    std::string sysfsRoot = "/sys/bus/iio/devices";
    unsigned buffer = 0; // bufferN of the device
    std::string heapPath = "/dev/dma_heap/system";
    std::string udmabufPath = "/dev/udmabuf";
    // A device attribute counting the samples the driver dropped since enable for lack of a
    // queued block (iio_sim's name). The generic IIO ABI has none; a device without it loses
    // samples unseen. Empty: do not look. See docs/streams.md, "Losses are never silent".
    std::string lossCounter = "dropped_samples";
};

// A Stream on local device `device` (its name, "iio-sim-adc", or id, "iio:device0"). Nothing
// is opened until start().
class LocalStream : public Stream
{
public:
    LocalStream(std::string device, LocalDeviceOptions options)
        : device_(std::move(device)), options_(std::move(options))
    {
    }

protected:
    const std::string &device() const noexcept { return device_; }
    const LocalDeviceOptions &options() const noexcept { return options_; }

private:
    std::string device_;
    LocalDeviceOptions options_;
};

} // namespace dmascope

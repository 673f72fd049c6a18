// Streams a local IIO device's input buffer with read() into pooled, page-aligned buffers: the
// baseline every kernel supports, and the fallback of DmabufStream. Its path is "fileio".
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
};

class FileioStream final : public Stream
{
public:
    // `device`: the device's name ("iio-sim-adc") or id ("iio:device0"). Nothing is opened
    // until start().
    explicit FileioStream(std::string device, LocalDeviceOptions options = {});
    ~FileioStream() override;

protected:
    Opened open(const StreamConfig &config) override;

private:
    std::string device_;
    LocalDeviceOptions options_;
};

} // namespace dmascope

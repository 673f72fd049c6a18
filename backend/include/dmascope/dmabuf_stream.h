// Streams a local IIO device's input buffer zero-copy with the kernel's IIO DMABUF interface:
// a pool of DMABUFs (system DMA heap first, udmabuf second) attached to the buffer and cycled
// through ENQUEUE; every transfer's fence is checked, so a failed transfer is never delivered
// as data; CPU access to a delivered block is bracketed with DMA_BUF_IOCTL_SYNC.
//
// With PathPreference::Auto it falls back to read() (FileioStream's source) when no allocator
// works or the driver refuses ATTACH (EPERM: not a buffer-dma driver; ENODEV/ENOTTY: no IIO
// DMABUF in this kernel), and says why in stats().fallbackReason. With Dmabuf it throws instead;
// with Fileio it uses read() without trying.
#pragma once

#include "dmascope/local_stream.h"

namespace dmascope {

class DmabufStream final : public LocalStream
{
public:
    explicit DmabufStream(std::string device, LocalDeviceOptions options = {})
        : LocalStream(std::move(device), std::move(options))
    {
    }
    ~DmabufStream() override;

protected:
    Opened open(const StreamConfig &config) override;
};

} // namespace dmascope

// Streams a local IIO device's input buffer with read() into pooled, page-aligned buffers: the
// baseline every kernel supports, and the fallback of DmabufStream. Its path is "fileio".
#pragma once

#include "dmascope/local_stream.h"

namespace dmascope {

class FileioStream final : public LocalStream
{
public:
    explicit FileioStream(std::string device, LocalDeviceOptions options = {})
        : LocalStream(std::move(device), std::move(options))
    {
    }
    ~FileioStream() override;

protected:
    Opened open(const StreamConfig &config) override;
};

} // namespace dmascope

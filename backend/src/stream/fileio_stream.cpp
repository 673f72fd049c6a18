#include "dmascope/fileio_stream.h"

#include "local_input.h"

namespace dmascope {

FileioStream::~FileioStream() { stop(); }

Stream::Opened FileioStream::open(const StreamConfig &config)
{
    detail::LocalInput input = detail::configureLocalInput(
        device(), options(), config, detail::fileioBufferLength(config));
    auto handle = std::make_unique<IioBufferHandle>(input.device.devNode(), input.buffer);
    Opened opened;
    opened.layout = input.layout;
    opened.source = std::make_unique<detail::FileioSource>(std::move(input), std::move(handle));
    opened.path = "fileio";
    if (config.path == PathPreference::Dmabuf)
        opened.fallbackReason = "FileioStream always reads with read(); use DmabufStream for DMABUF";
    return opened;
}

} // namespace dmascope

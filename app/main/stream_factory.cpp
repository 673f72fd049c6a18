#include "stream_factory.h"

#include "dmascope/stream.h"

#include <stdexcept>

namespace dmascope::app {

std::unique_ptr<Stream> createStream(const plugin::DeviceDescription &device)
{
    // Interim until the device model's stream factory (branch devmodel) is merged.
    throw std::runtime_error(device.displayName().toStdString()
                             + ": streaming is not part of this build yet");
}

} // namespace dmascope::app

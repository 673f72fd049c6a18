// The app's stream factory: turns the browser's DeviceDescription back into the backend's
// device and asks the device model for the right Stream (SimStream for sim:, DMABUF/read() for
// local:, libiio buffers for remote contexts).
#pragma once

#include "dmascope/plugin/device_description.h"
#include "dmascope/stream.h"

#include <memory>

namespace dmascope::app {

// Throws std::exception with a message for the user when the device cannot stream.
std::unique_ptr<Stream> createStream(const plugin::DeviceDescription &device);

} // namespace dmascope::app

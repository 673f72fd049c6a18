// How users name attributes (dmascope-cli, the GUI's attribute explorer):
//
//   NAME           device attribute    sampling_frequency
//   CHANNEL/NAME   channel attribute   voltage0/frequency, in_voltage0/raw, out_voltage0/raw
//   buffer/NAME    buffer attribute    buffer/length, buffer/watermark
//   debug/NAME     debug attribute     debug/direct_reg_access
//
// CHANNEL is the channel id ("voltage0") or its label; when a device has an input and an output
// channel with the same id, add the direction prefix the sysfs file names use ("in_voltage0").
// We chose this over sysfs file names ("in_voltage0_frequency") because those are ambiguous:
// channel ids and attribute names both contain '_', and shared attributes (in_voltage_scale)
// belong to several channels at once.
#pragma once

#include "dmascope/device_info.h"

#include <string>
#include <string_view>
#include <vector>

namespace dmascope {

// Resolves `path` on `device`. Throws NotFoundError (naming what exists) when the channel or
// attribute does not exist, std::invalid_argument when `path` is malformed.
AttributeRef parseAttributePath(const DeviceInfo &device, std::string_view path);

// The shortest path that parseAttributePath() resolves back to `ref`.
std::string attributePath(const DeviceInfo &device, const AttributeRef &ref);

// Every attribute of `device`: device, then channel (in channel order), buffer, debug.
std::vector<AttributeRef> allAttributes(const DeviceInfo &device);

} // namespace dmascope

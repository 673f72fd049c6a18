// How dmascope-cli shows devices and channels, as text and as JSON (list, info).
#pragma once

#include "dmascope/context.h"

#include <QJsonObject>
#include <QString>

namespace dmascope::cli {

// "iio:device0  iio-sim-adc  input, buffer  in: voltage0 voltage1 ..." on one line.
QString deviceSummaryLine(const DeviceInfo &device);
// Identity, kind and channels (with scan type, scale, offset); no attribute values.
QJsonObject deviceJson(const DeviceInfo &device);
QJsonObject channelJson(const ChannelInfo &channel);

} // namespace dmascope::cli

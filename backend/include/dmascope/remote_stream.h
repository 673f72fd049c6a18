// Streams an input device of a remote context (ip:, usb:) through libiio 0.24's buffers
// (iio_device_create_buffer / iio_buffer_refill). Its path is "remote".
//
// One copy per block is unavoidable here: libiio keeps a single buffer per device and every
// refill overwrites it, so the refilled bytes are copied into a pool buffer before they are
// published (consumers may hold blocks for a while). On top of that comes the socket receive
// into libiio's buffer: a network stream is never zero-copy.
//
// iiod does not say when the remote kernel buffer overflowed, so remote losses are visible only
// in the data (e.g. iio_sim's counter channel). Losses on this side are reported: when every
// pool buffer is held by consumers, the stream keeps refilling (so the remote buffer does not
// overflow) and discards the data, and the next block carries the discontinuity.
#pragma once

#include "dmascope/stream.h"

#include <string>

namespace dmascope {

class RemoteStream final : public Stream
{
public:
    // `uri` is the context ("ip:192.168.2.1"), `device` a device id, name or label. Nothing is
    // opened here: start() opens a connection of its own (libiio contexts are not thread-safe,
    // so the stream never shares the device model's).
    RemoteStream(std::string uri, std::string device);
    ~RemoteStream() override;

    const std::string &uri() const noexcept { return uri_; }
    const std::string &device() const noexcept { return device_; }

protected:
    Opened open(const StreamConfig &config) override;

private:
    std::string uri_;
    std::string device_;
};

} // namespace dmascope

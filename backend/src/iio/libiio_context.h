// Context over a libiio context (local:, ip:, usb:, xml:). Private to the backend.
#pragma once

#include "dmascope/context.h"

struct iio_context;
struct iio_device;
struct iio_channel;

namespace dmascope {

class LibiioContext final : public Context
{
public:
    // Opens `uri` with iio_create_context_from_uri. Throws SystemError.
    LibiioContext(const std::string &uri, ContextKind kind);
    ~LibiioContext() override;

    std::string description() const override;
    std::vector<std::pair<std::string, std::string>> attributes() const override;
    std::string readAttribute(const AttributeRef &ref) const override;
    void writeAttribute(const AttributeRef &ref, const std::string &value) override;
    std::unique_ptr<Stream> createStream(const DeviceInfo &device) override;

private:
    struct Resolved
    {
        iio_device *device = nullptr;
        iio_channel *channel = nullptr;  // for channel attributes
        std::string deviceName;          // for messages
        std::string fileName;            // for messages
    };
    LibiioContext(iio_context *ctx, const std::string &uri, ContextKind kind);
    Resolved resolve(const AttributeRef &ref) const;

    iio_context *ctx_;  // owned
};

// iio_create_context_from_uri() or SystemError with a hint for the usual causes.
iio_context *openLibiioContext(const std::string &uri);

// Copies what libiio knows about `dev` into a DeviceInfo. Reads the channel `label`, `scale`
// and `offset` attributes where the context can (an xml: context cannot: then the scale
// recorded with the scan element, or 1, and offset 0).
DeviceInfo describeLibiioDevice(iio_device *dev);

// The scan type libiio parsed from the channel's _type attribute.
ScanType libiioScanType(const iio_channel *chn);

} // namespace dmascope

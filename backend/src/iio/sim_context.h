// The context of the built-in demo device (sim:): one SimDevice ("iio-sim-adc", an in-process
// copy of iio_sim's ADC) presented through the same device model as libiio's contexts.
// Private to the backend: Context::open("sim:") makes one.
#pragma once

#include "dmascope/context.h"
#include "dmascope/sim_device.h"

#include <memory>

namespace dmascope {

class SimContext final : public Context
{
public:
    SimContext();

    std::string description() const override;
    std::vector<std::pair<std::string, std::string>> attributes() const override;
    std::string readAttribute(const AttributeRef &ref) const override;
    void writeAttribute(const AttributeRef &ref, const std::string &value) override;
    std::unique_ptr<Stream> createStream(const DeviceInfo &device) override;

    const std::shared_ptr<SimDevice> &simDevice() const noexcept { return device_; }

private:
    std::shared_ptr<SimDevice> device_;
};

// The DeviceInfo of the demo device, from SimDevice's channel table and attribute names.
DeviceInfo describeSimDevice();

} // namespace dmascope

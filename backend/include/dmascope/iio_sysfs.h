// A local IIO device's sysfs directory: find it by name, read and write its attributes, and
// configure its buffers (scan elements, length, watermark, enable) the way the kernel expects.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dmascope {

class IioSysfsDevice
{
public:
    // Looks up a device under `root` (default /sys/bus/iio/devices) by its `name` attribute or
    // by its directory name ("iio:device0"). Throws std::runtime_error naming what exists.
    static IioSysfsDevice find(const std::string &nameOrId,
                               const std::string &root = "/sys/bus/iio/devices");
    // Every iio:deviceN directory under `root`, in numeric order.
    static std::vector<IioSysfsDevice> list(const std::string &root = "/sys/bus/iio/devices");

    explicit IioSysfsDevice(std::string dir);

    const std::string &dir() const noexcept { return dir_; }
    std::string id() const;          // "iio:device0"
    std::string name() const;        // the `name` attribute
    std::string devNode() const;     // "/dev/iio:device0"

    // Attribute relative to the device directory ("sampling_frequency",
    // "buffer0/length"). read: trailing newline removed; std::nullopt if missing. write throws
    // SystemError carrying the kernel's errno (EINVAL for a value it refuses).
    std::optional<std::string> read(const std::string &attr) const;
    std::string readOrThrow(const std::string &attr) const;
    void write(const std::string &attr, const std::string &value) const;

    // Buffer helpers for buffer `index`: scan elements live in bufferN/ (6.x kernels).
    void enableScanElement(unsigned buffer, const std::string &channel, bool on) const;
    void disableAllScanElements(unsigned buffer) const;
    void setBufferLength(unsigned buffer, unsigned long samples) const;
    void setWatermark(unsigned buffer, unsigned long samples) const;
    void setBufferEnabled(unsigned buffer, bool on) const;
    bool bufferEnabled(unsigned buffer) const;

private:
    std::string dir_;
};

} // namespace dmascope

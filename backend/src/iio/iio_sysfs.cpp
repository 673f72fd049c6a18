#include "dmascope/iio_sysfs.h"

#include "dmascope/syscalls.h"
#include "dmascope/system_error.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace dmascope {

namespace {
std::string bufferDir(unsigned buffer) { return "buffer" + std::to_string(buffer) + "/"; }

unsigned deviceNumber(const std::string &id)
{
    return static_cast<unsigned>(std::stoul(id.substr(std::string("iio:device").size())));
}
} // namespace

IioSysfsDevice::IioSysfsDevice(std::string dir) : dir_(std::move(dir)) {}

std::vector<IioSysfsDevice> IioSysfsDevice::list(const std::string &root)
{
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(root, ec)) {
        const std::string id = entry.path().filename().string();
        if (id.rfind("iio:device", 0) == 0)
            ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end(), [](const std::string &a, const std::string &b) {
        return deviceNumber(a) < deviceNumber(b);
    });
    std::vector<IioSysfsDevice> out;
    for (const auto &id : ids)
        out.emplace_back(root + "/" + id);
    return out;
}

IioSysfsDevice IioSysfsDevice::find(const std::string &nameOrId, const std::string &root)
{
    std::string seen;
    for (auto &dev : list(root)) {
        const std::string name = dev.name();
        if (name == nameOrId || dev.id() == nameOrId)
            return dev;
        seen += (seen.empty() ? "" : ", ") + dev.id() + " (" + name + ")";
    }
    throw std::runtime_error("No IIO device named '" + nameOrId + "' under " + root +
                             (seen.empty() ? ": there are no IIO devices" : "; found: " + seen));
}

std::string IioSysfsDevice::id() const { return fs::path(dir_).filename().string(); }

std::string IioSysfsDevice::name() const { return read("name").value_or(std::string()); }

std::string IioSysfsDevice::devNode() const { return "/dev/" + id(); }

std::optional<std::string> IioSysfsDevice::read(const std::string &attr) const
{
    const std::string path = dir_ + "/" + attr;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::string value;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
        value.append(buf, static_cast<std::size_t>(n));
    const int err = errno;
    ::close(fd);
    if (n < 0)
        throwSystemError("read " + path, err);
    while (!value.empty() && (value.back() == '\n' || value.back() == ' '))
        value.pop_back();
    return value;
}

std::string IioSysfsDevice::readOrThrow(const std::string &attr) const
{
    if (auto v = read(attr))
        return *v;
    throwSystemError("read " + dir_ + "/" + attr, ENOENT, "The device has no such attribute");
}

void IioSysfsDevice::write(const std::string &attr, const std::string &value) const
{
    const std::string path = dir_ + "/" + attr;
    // Through sys:: so that a test's fake kernel sees what is written (a buffer enabled).
    const int fd = sys::open(path.c_str(), O_WRONLY | O_TRUNC);
    if (fd < 0)
        throwSystemError("open " + path + " for writing", errno,
                         errno == ENOENT ? "The device has no such attribute" : "");
    const ssize_t n = sys::write(fd, value.data(), value.size());
    const int err = errno;
    ::close(fd);
    if (n < 0)
        throwSystemError("write '" + value + "' to " + path, err,
                         err == EINVAL ? "The driver refused the value (out of range or "
                                         "malformed)"
                                       : (err == EBUSY ? "Not while the buffer is enabled" : ""));
}

void IioSysfsDevice::enableScanElement(unsigned buffer, const std::string &channel, bool on) const
{
    write(bufferDir(buffer) + channel + "_en", on ? "1" : "0");
}

void IioSysfsDevice::disableAllScanElements(unsigned buffer) const
{
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir_ + "/" + bufferDir(buffer), ec)) {
        const std::string file = entry.path().filename().string();
        if (file.size() > 3 && file.compare(file.size() - 3, 3, "_en") == 0)
            write(bufferDir(buffer) + file, "0");
    }
}

void IioSysfsDevice::setBufferLength(unsigned buffer, unsigned long samples) const
{
    write(bufferDir(buffer) + "length", std::to_string(samples));
}

void IioSysfsDevice::setWatermark(unsigned buffer, unsigned long samples) const
{
    write(bufferDir(buffer) + "watermark", std::to_string(samples));
}

void IioSysfsDevice::setBufferEnabled(unsigned buffer, bool on) const
{
    write(bufferDir(buffer) + "enable", on ? "1" : "0");
}

bool IioSysfsDevice::bufferEnabled(unsigned buffer) const
{
    return read(bufferDir(buffer) + "enable").value_or("0") == "1";
}

} // namespace dmascope

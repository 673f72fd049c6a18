// Internal: what FileioStream and DmabufStream share. Configuring a local device's input buffer
// through sysfs, reading its scan layout, and the read() source.
#pragma once

#include "dmascope/dmabuf.h"
#include "dmascope/local_stream.h"
#include "dmascope/iio_buffer_handle.h"
#include "dmascope/iio_sysfs.h"
#include "dmascope/scan_layout.h"
#include "dmascope/stream.h"

#include <memory>
#include <string>
#include <vector>

namespace dmascope::detail {

enum class ScanDirection { Input, Output };

// The scan layout of the channels `channels` (ids; empty: every scan element) of buffer
// `buffer` in `direction`, from bufferN/in_<id>_{type,index} (out_ for output) and the device's
// in_<id>_scale/_offset (or the shared in_<type>_scale). Throws std::invalid_argument for an
// unknown channel.
ScanLayout readScanLayout(const IioSysfsDevice &dev, unsigned buffer, ScanDirection direction,
                          const std::vector<std::string> &channels);

struct LocalInput
{
    IioSysfsDevice device;
    unsigned buffer = 0;
    std::shared_ptr<const ScanLayout> layout;
};

// Finds the device, refuses a buffer someone else has enabled (EBUSY), enables exactly the
// requested scan elements and sets the buffer length (`lengthSamples`) and watermark
// (samplesPerBlock). Throws with a message for the user.
LocalInput configureLocalBuffer(const std::string &device, const LocalDeviceOptions &options,
                                ScanDirection direction, const std::vector<std::string> &channels,
                                std::size_t samplesPerBlock, unsigned long lengthSamples);
inline LocalInput configureLocalInput(const std::string &device,
                                      const LocalDeviceOptions &options,
                                      const StreamConfig &config, unsigned long lengthSamples)
{
    return configureLocalBuffer(device, options, ScanDirection::Input, config.channels,
                                config.samplesPerBlock, lengthSamples);
}

// The allocator to use and whether the driver takes DMABUFs, or why not.
struct DmabufChoice
{
    std::unique_ptr<DmabufAllocator> allocator;
    std::string path;           // "dmabuf-heap" or "dmabuf-udmabuf"
    std::string fallbackReason; // why not the heap, when udmabuf is used
    std::string refusal;        // set when DMABUF cannot be used at all
};
// Heap first, udmabuf second, then a one-page ATTACH probe: EPERM/ENODEV/ENOTTY are a refusal
// (fall back to read()/write()), other errors throw.
DmabufChoice chooseDmabuf(IioBufferHandle &handle, const LocalDeviceOptions &options);

// The kernel buffer length for read(): buffer-dma splits it into two blocks, so four user blocks
// give the kernel two of slack while the reader is busy.
inline unsigned long fileioBufferLength(const StreamConfig &config)
{
    return static_cast<unsigned long>(config.samplesPerBlock) * 4;
}

// read() into page-aligned heap buffers: poll for POLLIN (the watermark), then read until the
// block is full. The kernel does not report what it dropped, so no losses are reported.
class FileioSource final : public StreamSource
{
public:
    FileioSource(LocalInput input, std::unique_ptr<IioBufferHandle> handle);
    ~FileioSource() override;

    Buffers allocate(std::size_t bytes, unsigned count) override;
    void start() override;
    int queue(unsigned index) noexcept override;
    int waitFilled(int timeoutMs, int wakeFd, FilledBuffer *out) noexcept override;
    void stop() noexcept override;
    bool removed() const noexcept override;

private:
    LocalInput input_;
    std::unique_ptr<IioBufferHandle> handle_;
    std::vector<std::uint8_t *> buffers_;
    std::size_t bufferBytes_ = 0;
    // Stream thread only: free buffers in the order they came back, the one being filled.
    std::vector<unsigned> free_;
    std::size_t freeHead_ = 0, freeCount_ = 0;
    bool filling_ = false;
    unsigned current_ = 0;
    std::size_t got_ = 0;
    bool enabled_ = false;
};

} // namespace dmascope::detail

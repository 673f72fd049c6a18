// Output to a local IIO device's output buffer (a DAC): blocks played once (one-shot) or
// repeated until stopped (cyclic), zero-copy over DMABUF where the driver supports it, else
// with write(). The caller fills a buffer in place (acquire) and submits it; a DMABUF buffer is
// handed back only after its transfer completed, and a transfer that failed is counted.
//
// Not thread-safe: one producer thread drives it.
#pragma once

#include "dmascope/local_stream.h"
#include "dmascope/scan_layout.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dmascope {

struct OutputConfig
{
    std::vector<std::string> channels; // ids ("voltage0"); empty: every output scan element
    std::size_t samplesPerBlock = 4096;
    unsigned blockCount = 4;
    PathPreference path = PathPreference::Auto;
};

class OutputStream
{
public:
    struct Buffer
    {
        unsigned index = 0;
        std::uint8_t *data = nullptr;
        std::size_t capacity = 0; // bytes: samplesPerBlock whole frames
    };

    explicit OutputStream(std::string device, LocalDeviceOptions options = {});
    ~OutputStream();
    OutputStream(const OutputStream &) = delete;
    OutputStream &operator=(const OutputStream &) = delete;

    // Configures the channels and chooses the path (DMABUF heap, udmabuf, then write(), each
    // fallback with its reason). The buffer is enabled at once for write(), with the first
    // submitted block for DMABUF (so a cyclic block starts the output). Throws with a message
    // for the user.
    void start(const OutputConfig &config);
    // Disables the buffer (a cyclic block stops; queued blocks end with -EINTR), detaches.
    void stop();
    bool running() const noexcept;

    // A free buffer to fill, waiting up to timeoutMs (-1: forever) for a transfer to complete.
    // std::nullopt on timeout. Throws SystemError when the device fails.
    std::optional<Buffer> acquire(int timeoutMs);
    // Plays the first `bytes` (whole frames) of `buffer`. Cyclic repeats it until stop(): the
    // driver does that on DMABUF; on write() a thread rewrites it. Blocks queued after a cyclic
    // one are not played (the driver's rule), so submit nothing else until stop().
    void submit(const Buffer &buffer, std::size_t bytes, bool cyclic = false);
    // acquire() + copy + submit(), for callers whose data is elsewhere.
    void write(const std::uint8_t *frames, std::size_t bytes, bool cyclic = false,
               int timeoutMs = -1);

    std::shared_ptr<const ScanLayout> layout() const;
    const std::string &path() const noexcept;           // "dmabuf-heap", "dmabuf-udmabuf", "fileio"
    const std::string &fallbackReason() const noexcept;
    // Transfers whose fence reported an error (e.g. -EINTR when stopped while queued).
    std::uint64_t failedTransfers() const noexcept;

private:
    class Impl;
    std::string device_;
    LocalDeviceOptions options_;
    std::unique_ptr<Impl> impl_;
};

} // namespace dmascope

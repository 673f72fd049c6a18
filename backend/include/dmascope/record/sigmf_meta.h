// The SigMF metadata model (https://sigmf.org, specification 1.x; validated against the 1.2.5
// schema in tests/data/sigmf): the `global` object, `captures` and `annotations` of a
// NAME.sigmf-meta file, plus dmascope's "iio" extension that describes the IIO device exactly
// (raw scan types, scale, offset, channel ids and labels, device attributes at the start). The
// extension and every key are documented in docs/recording.md.
//
// Parsing never trusts its input: a malformed file gives SigmfError with a message that names
// the key and says what is wrong ("captures[2].core:sample_start: must be a non-negative
// integer, got -5"), and nothing in the parser can crash on any byte string (it is fuzzed).
#pragma once

#include "dmascope/scan_layout.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmascope {

// A malformed or unsupported recording. what() is the sentence for the user.
class SigmfError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// core:datatype: "(c|r)(f32|f64|i32|i16|u32|u16|i8|u8)(_le|_be)", the endianness suffix
// omitted for 8-bit types (and then accepted either way when reading).
struct SigmfDatatype
{
    bool complex = false;
    bool isFloat = false;
    bool isSigned = true;  // always true for floats
    unsigned bits = 16;    // of one component: 8, 16, 32 or 64 (64 only for floats)
    bool bigEndian = false;

    // std::nullopt and *error = the reason for anything but a SigMF datatype.
    static std::optional<SigmfDatatype> parse(std::string_view text, std::string *error = nullptr);
    std::string toString() const; // "ri16_le", "cf32_le", "ru8"
    std::size_t componentBytes() const noexcept { return bits / 8; }
    // Bytes of one sample of one channel (both components when complex).
    std::size_t sampleBytes() const noexcept { return componentBytes() * (complex ? 2 : 1); }
    // The datatype whose components are stored exactly as `type` (no shift, every storage bit
    // significant, 8/16/32 bits): "le:s16/16>>0" -> ri16_le. std::nullopt otherwise.
    static std::optional<SigmfDatatype> matching(const ScanType &type);

    bool operator==(const SigmfDatatype &) const = default;
};

struct SigmfCapture
{
    std::uint64_t sampleStart = 0;              // core:sample_start (frames into the data file)
    std::optional<std::uint64_t> globalIndex;   // core:global_index: the source's sample index
    std::string datetime;                       // core:datetime, ISO 8601 UTC; may be empty
    std::optional<double> frequency;            // core:frequency (Hz), when the source has one
};

struct SigmfAnnotation
{
    std::uint64_t sampleStart = 0;                // core:sample_start
    std::optional<std::uint64_t> sampleCount;     // core:sample_count
    std::string label;                            // core:label
    std::string comment;                          // core:comment
    // iio:lost_samples: samples the source or the recorder lost right before sampleStart
    // (the annotation of a discontinuity); std::nullopt for other annotations.
    std::optional<std::uint64_t> lostSamples;
};

// One channel of the "iio" extension: exactly how the device stored it.
struct SigmfIioChannel
{
    std::string id;        // "voltage0"
    std::string label;     // the channel's label (or its id)
    std::string scanType;  // the kernel's string: "le:s12/16>>4"
    double scale = 1.0;    // physical = (raw + offset) * scale, in the channel type's ABI unit
    double offset = 0.0;
    std::size_t byteOffset = 0; // of the channel within a frame
    unsigned scanIndex = 0;
};

// The "iio" extension (global keys "iio:*"). Present in every dmascope recording; absent in
// recordings made by other tools.
struct SigmfIioInfo
{
    std::string device;      // iio:device, the device name ("iio-sim-adc")
    std::string deviceId;    // iio:device_id ("iio:device0"); may be empty
    std::string uri;         // iio:uri, the context ("local:", "ip:10.0.0.2", "sim:")
    std::size_t frameBytes = 0;             // iio:frame_bytes
    std::vector<SigmfIioChannel> channels;  // iio:channels, in scan order
    // iio:device_attributes: name/value pairs read when the recording started.
    std::vector<std::pair<std::string, std::string>> deviceAttributes;
    // iio:sample_count: frames in the data file when this metadata was written (the writer
    // updates it about once a second; a larger data file was cut short before the final
    // update). std::nullopt when absent.
    std::optional<std::uint64_t> sampleCount;
};

struct SigmfMeta
{
    // global
    SigmfDatatype datatype;
    double sampleRate = 0;      // core:sample_rate; 0 = absent
    unsigned numChannels = 1;   // core:num_channels
    std::string version = "1.2.5"; // core:version
    std::string recorder;       // core:recorder
    std::string hw;             // core:hw
    std::string description;    // core:description
    std::string author;         // core:author
    std::optional<SigmfIioInfo> iio;

    std::vector<SigmfCapture> captures;       // sorted by sampleStart, the first at 0
    std::vector<SigmfAnnotation> annotations; // sorted by sampleStart

    // Bytes of one frame (one sample of every channel) in the data file.
    std::size_t frameBytes() const noexcept { return datatype.sampleBytes() * numChannels; }

    // The JSON text of the .sigmf-meta file (indented, UTF-8, a final newline). Declares the
    // iio extension in core:extensions when `iio` is set.
    std::string toJson() const;
    // Parses and checks a .sigmf-meta file. Throws SigmfError naming the key and the fault;
    // unknown keys (other namespaces) are ignored, as the specification requires.
    static SigmfMeta fromJson(std::string_view json);

    // The frames of the data file as a ScanLayout the instruments can use. With the iio
    // extension: the device's channels exactly (ids, labels, scan types, scale, offset).
    // Otherwise synthesised from core:datatype: channels "ch0", "ch1", ... (complex data gives
    // "ch0.i" and "ch0.q"), scale 1, offset 0. Float datatypes cannot be a ScanType; for them
    // this gives the layout of the int32 samples PlaybackStream converts them to (scale
    // kFloatPlaybackScale, see docs/recording.md).
    ScanLayout layout() const;
    // Whether the data file's frames are what layout() describes byte for byte (every
    // recording except float ones, which need a conversion on playback).
    bool layoutIsRaw() const noexcept { return !datatype.isFloat; }
};

// Float samples are played back as le:s32/32 values of x / kFloatPlaybackScale (so 1.0 is
// 2^28, and +-8.0 fits); layout() gives those channels this scale.
inline constexpr double kFloatPlaybackScale = 1.0 / (1 << 28);

// The sample rates a recording may carry (core:sample_rate), for writer and reader alike: above
// 0 (IIO sensors sample slower than 1 Hz) and at most 1 THz.
inline constexpr double kMaxSampleRate = 1e12;
constexpr bool isValidSampleRate(double hz) noexcept
{
    return hz > 0 && hz <= kMaxSampleRate; // false for NaN
}

} // namespace dmascope

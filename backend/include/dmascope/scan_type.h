// The storage format of one IIO scan element, as sysfs describes it in bufferN/<channel>_type
// (Documentation/ABI/testing/sysfs-bus-iio): "[be|le]:[s|u]bits/storagebits[Xrepeat][>>shift]",
// e.g. "le:s12/16>>4", "be:u24/32>>0", "le:s16/16X2>>0"; and the decoder that turns the stored
// bytes into a raw integer in tight loops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dmascope {

struct ScanType
{
    bool bigEndian = false;
    bool isSigned = false;
    unsigned realBits = 0;    // significant bits of the value
    unsigned storageBits = 0; // bits one element occupies (a multiple of 8, at most 64)
    unsigned shift = 0;       // right shift applied to the storage word before masking
    unsigned repeat = 1;      // elements per scan element (e.g. 2 for I/Q pairs)

    // Parses the sysfs form. Returns std::nullopt and, when `error` is given, a sentence saying
    // what is wrong and where ("... at offset 7: expected '/' after the bit count").
    static std::optional<ScanType> parse(std::string_view text, std::string *error = nullptr);
    // The form the kernel prints (iio_show_fixed_type): the shift always, "X<repeat>" only when
    // repeat > 1. parse(toString()) gives back the same ScanType.
    std::string toString() const;
    // Whether the fields describe a format the decoder can handle (what parse() checks after
    // reading the numbers): 1 <= realBits, realBits + shift <= storageBits, storageBits a
    // multiple of 8 in 8..64, repeat >= 1. Sets *error to the reason when not.
    bool isValid(std::string *error = nullptr) const;

    std::size_t storageBytes() const noexcept { return storageBits / 8; }
    // Bytes of the whole scan element (all repeats): what the IIO core aligns it to.
    std::size_t elementBytes() const noexcept { return storageBytes() * repeat; }

    bool operator==(const ScanType &) const = default;
};

// Decodes one stored element into its raw integer: byte order, shift, mask to realBits, sign
// extension, for one sample at a time (the bulk extractors in scan_layout.h do whole blocks).
// Built once per channel so the per-sample work is a load, a shift and a mask. The type must be
// valid (ScanType::isValid).
class SampleDecoder
{
public:
    explicit SampleDecoder(const ScanType &type) noexcept
        : storageBytes_(static_cast<unsigned>(type.storageBytes())),
          bigEndian_(type.bigEndian),
          isSigned_(type.isSigned), shift_(type.shift % 64),
          mask_(type.realBits >= 64 ? ~std::uint64_t{0}
                                    : (std::uint64_t{1} << type.realBits) - 1),
          signShift_(type.realBits == 0 || type.realBits >= 64 ? 0 : 64 - type.realBits)
    {
    }

    // `p` points at the first byte of the element; no alignment required.
    std::int64_t decode(const std::uint8_t *p) const noexcept
    {
        const std::uint64_t word = load(p);
        const std::uint64_t value = (word >> shift_) & mask_;
        if (!isSigned_)
            return static_cast<std::int64_t>(value);
        // Move the sign bit to bit 63, then an arithmetic shift brings it back, extended.
        return static_cast<std::int64_t>(value << signShift_) >> signShift_;
    }

    unsigned storageBytes() const noexcept { return storageBytes_; }

private:
    // Assembled byte by byte: the width is only known at run time, and reading exactly the
    // element's bytes never touches memory past it. The bulk extractors in scan_layout.h are the
    // fast path for whole blocks.
    std::uint64_t load(const std::uint8_t *p) const noexcept
    {
        std::uint64_t v = 0;
        for (unsigned i = 0; i < storageBytes_; ++i) {
            const unsigned byte = bigEndian_ ? i : storageBytes_ - 1 - i;
            v = (v << 8) | p[byte];
        }
        return v;
    }

    unsigned storageBytes_;
    bool bigEndian_;
    bool isSigned_;
    unsigned shift_;
    std::uint64_t mask_;
    unsigned signShift_;
};

} // namespace dmascope

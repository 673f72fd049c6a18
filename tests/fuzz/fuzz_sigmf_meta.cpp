// libFuzzer target for the SigMF metadata parser: any byte string either parses or gives a
// SigmfError; nothing else may escape and nothing may crash (ASan/UBSan watch the rest). What
// parses must also survive the writer's side: layout(), and toJson() reading back the same.
#include "dmascope/record/sigmf_meta.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace dmascope;
    SigmfMeta meta;
    try {
        meta = SigmfMeta::fromJson(std::string_view(reinterpret_cast<const char *>(data), size));
    } catch (const SigmfError &) {
        return 0; // rejected with a message: fine
    }
    const ScanLayout layout = meta.layout();
    if (layout.frameBytes == 0)
        std::abort();
    const SigmfMeta again = SigmfMeta::fromJson(meta.toJson());
    if (!(again.datatype == meta.datatype) || again.numChannels != meta.numChannels ||
        again.captures.size() != meta.captures.size() ||
        again.annotations.size() != meta.annotations.size())
        std::abort();
    return 0;
}

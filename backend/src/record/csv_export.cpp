#include "dmascope/record/csv_export.h"

#include "export_file.h"

#include <algorithm>
#include <charconv>

namespace dmascope {

namespace {

constexpr std::size_t kChunkFrames = 16384;

// IIO gives voltages in millivolts (Documentation/ABI/testing/sysfs-bus-iio).
bool isVoltage(const std::string &id)
{
    return id.starts_with("voltage") || id.starts_with("altvoltage");
}

void appendNumber(std::string &out, double v)
{
    char text[32];
    const auto r = std::to_chars(text, text + sizeof text, v); // shortest round trip, C locale
    out.append(text, r.ptr);
}

} // namespace

ExportResult exportCsv(const SigmfRecording &recording, const std::string &path,
                       const ExportRange &range, const CsvOptions &options,
                       const std::atomic<bool> *cancel)
{
    const detail::ExportPlan plan = detail::planExport(recording, range, options.channels);
    const SigmfMeta &meta = recording.meta();
    // Physical values where the scale is known: dmascope's recordings and float data.
    const bool physical = !options.raw && (meta.iio || meta.datatype.isFloat);
    const double rate = meta.sampleRate;

    std::vector<double> factor; // physical value x factor = what is written
    std::string line = "sample,time_s";
    for (std::size_t c : plan.channels) {
        const ChannelLayout &ch = recording.layout()->channels[c];
        line += ',';
        line += ch.label.empty() ? ch.id : ch.label;
        if (!physical) {
            line += " (raw)";
            factor.push_back(1.0);
        } else if (meta.iio && isVoltage(ch.id)) {
            line += " (V)";
            factor.push_back(1e-3);
        } else {
            factor.push_back(1.0);
        }
    }
    line += '\n';

    ExportResult result;
    if (!(rate > 0))
        result.notes.push_back("the recording has no sample rate: time_s is left empty");
    detail::ExportFile out(path, cancel);
    out.write(line.data(), line.size());
    const std::size_t nch = plan.channels.size();
    std::vector<double> values(kChunkFrames * nch);
    for (std::uint64_t done = 0; done < plan.count;) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(kChunkFrames, plan.count - done));
        for (std::size_t k = 0; k < nch; ++k) {
            double *dst = &values[k * kChunkFrames];
            if (physical)
                recording.readPhysical(plan.channels[k], plan.first + done, n, dst);
            else
                recording.readRaw(plan.channels[k], plan.first + done, n, dst);
        }
        std::string text;
        text.reserve(n * (16 + 14 * nch));
        for (std::size_t f = 0; f < n; ++f) {
            const std::uint64_t index = plan.first + done + f;
            text += std::to_string(index);
            text += ',';
            if (rate > 0)
                appendNumber(text, static_cast<double>(index) / rate);
            for (std::size_t k = 0; k < nch; ++k) {
                text += ',';
                appendNumber(text, values[k * kChunkFrames + f] * factor[k]);
            }
            text += '\n';
        }
        out.write(text.data(), text.size());
        done += n;
    }
    out.commit();
    result.frames = plan.count;
    result.bytes = out.written();
    return result;
}

} // namespace dmascope

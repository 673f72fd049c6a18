// The Spectrum analyzer's user settings and how they turn into engine configurations and
// traces. Plain values with JSON round-tripping (saved with the session), no widgets, so the
// mapping is tested on its own.
//
// Traces: every enabled channel is one real-input trace, except the two channels of an I/Q
// pair (iChannel, qChannel both set), which together make one complex-input trace shown from
// -fs/2 to +fs/2.
#pragma once

#include "dmascope/dsp/spectrum_engine.h"
#include "dmascope/ui/spectrum_plot.h"

#include <QJsonObject>
#include <QString>

#include <cstddef>
#include <optional>
#include <vector>

namespace dmascope {
struct ScanLayout;
}

namespace dmascope::spectrum {

inline constexpr std::size_t kMinFftSize = 256;
inline constexpr std::size_t kMaxFftSize = std::size_t{16} << 20;

struct SpectrumSettings
{
    std::size_t fftSize = 65536; // clamped to kMinFftSize..kMaxFftSize
    // Kaiser 20, as dmascope-cli spectrum: its sidelobes (below -190 dB) show nothing that is
    // not in the signal, so the markers' Next Peak and SFDR find spurs, not the window's
    // sidelobes (Blackman-Harris's at -92 dBc are above a 16-bit converter's noise).
    dsp::WindowSpec window{dsp::WindowType::Kaiser, 20};
    dsp::Averaging averaging = dsp::Averaging::Exponential;
    unsigned averages = 8;
    double overlap = 0; // 0 .. 0.95
    dsp::SpectrumUnit unit = dsp::SpectrumUnit::Dbfs;
    std::vector<bool> channels; // enabled, by layout index; missing entries: enabled
    int iChannel = -1;          // I/Q pair (layout indices); -1: none
    int qChannel = -1;

    double referenceLevel = 0; // dB (for V/sqrt(Hz): dB re 1 V/sqrt(Hz))
    double dbPerDivision = 10;
    bool logFrequency = false;
    bool waterfall = true;
    double waterfallLow = -120;
    double waterfallHigh = 0;
    int waterfallTrace = 0;
    std::vector<ui::SpectrumMarker> markers;

    bool channelEnabled(std::size_t index) const
    {
        return index >= channels.size() || channels[index];
    }
    bool iqPair() const { return iChannel >= 0 && qChannel >= 0 && iChannel != qChannel; }

    QJsonObject toJson() const;
    // Unknown or malformed fields keep their defaults: old sessions always restore.
    static SpectrumSettings fromJson(const QJsonObject &json);
};

// One trace: a channel, or an I/Q pair.
struct TraceSource
{
    QString label;
    std::size_t i = 0;
    std::optional<std::size_t> q;
};

// The traces for a layout: the I/Q pair first (when set and both channels exist), then each
// enabled plain channel not in the pair (timestamps skipped).
std::vector<TraceSource> traceSources(const ScanLayout &layout, const SpectrumSettings &settings);

// The engine configuration of one trace.
dsp::SpectrumConfig engineConfig(const SpectrumSettings &settings, double sampleRate,
                                 double fullScale, bool complexInput);

// FFT sizes offered (powers of two from kMinFftSize to kMaxFftSize).
std::vector<std::size_t> fftSizes();

} // namespace dmascope::spectrum

// Recordings for the Recorder and playback tests, made the way the app makes them: the demo
// device's stream (SimStream, real time) recorded by SigmfWriter into a folder of the test's.
#pragma once

#include "dmascope/sim_stream.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <memory>

namespace rectest {

// The demo device as the app describes it (uri sim:, kind adc, every input channel).
struct SimSource
{
    std::shared_ptr<dmascope::SimStream> stream = std::make_shared<dmascope::SimStream>();
    // Starts the stream with every channel at `rate` Hz in blocks of `samplesPerBlock` frames.
    void start(std::uint32_t rate, std::size_t samplesPerBlock = 1024);
    // Channel `ch` as a DC level in millivolts (what the recording will show there).
    void setDc(unsigned ch, double millivolts);
    // Channel `ch` as a sine of `hz` with `millivolts` peak, no noise.
    void setSine(unsigned ch, double hz, double millivolts);
};

// Records `frames` frames of `source` (already started) into `folder`/`name`; `during` runs
// on the calling thread once the recording has started (change the signal, ...). Returns the
// meta path, or an empty string and a test failure message in *error.
QString record(SimSource &source, const QString &folder, const QString &name, std::uint64_t frames,
               const std::function<void()> &during = {}, QString *error = nullptr);

} // namespace rectest

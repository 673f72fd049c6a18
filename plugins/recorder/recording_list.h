// The recordings in a folder as the Recorder lists them: every NAME.sigmf-meta with what its
// metadata says (device, rate, channels, length, gaps) or, for a file the reader refuses, the
// reader's message, so a broken recording is shown with its fault instead of being hidden.
// Plain values, no widgets; the instrument shows them in a table.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace dmascope::recorder {

struct RecordingEntry
{
    QString name;       // NAME (the file name without .sigmf-meta)
    QString metaPath;   // absolute path of NAME.sigmf-meta
    QString error;      // why it cannot be read; empty when the fields below are valid
    QString device;     // iio:device, else core:hw
    QString started;    // core:datetime of the first capture (ISO 8601 UTC), may be empty
    QDateTime modified; // of the data file (of the meta file when there is no data file)
    double sampleRate = 0;
    unsigned channels = 0;
    QStringList channelNames;
    std::uint64_t frames = 0;
    std::uint64_t dataBytes = 0;
    double seconds = 0;
    std::size_t gaps = 0;          // annotated discontinuities (overruns)
    std::uint64_t lostSamples = 0; // samples those gaps lost
    QStringList warnings;          // what the reader tolerated (an unclosed recording, ...)

    bool ok() const { return error.isEmpty(); }
};

// Reads every *.sigmf-meta of `folder`, newest first. A missing folder gives an empty list.
QList<RecordingEntry> listRecordings(const QString &folder);
// One recording (NAME, NAME.sigmf-meta or NAME.sigmf-data). Never throws.
RecordingEntry describeRecording(const QString &path);

} // namespace dmascope::recorder

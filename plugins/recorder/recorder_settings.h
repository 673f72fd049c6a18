// The Recorder's user settings: which channels, where, under which name, and when to stop.
// Plain values with JSON round-tripping (saved with the session), no widgets, so the mapping to
// the writer's options is tested on its own.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace dmascope::recorder {

struct RecorderSettings
{
    QStringList channels; // channel ids to record; empty: every input scan channel
    QString folder;       // where recordings go; empty: defaultFolder()
    QString namePattern = QStringLiteral("{device}-{date}-{time}");
    double limitSeconds = 0;        // 0: no duration limit
    std::uint64_t limitBytes = 0;   // 0: no size limit (data file bytes)
    std::uint64_t limitSamples = 0; // 0: no sample-count limit (frames)

    // The folder to use: `folder`, or ~/dmascope-recordings when it is empty.
    QString effectiveFolder() const;
    static QString defaultFolder();

    QJsonObject toJson() const;
    // Unknown or malformed fields keep their defaults: old sessions always restore.
    static RecorderSettings fromJson(const QJsonObject &json);
};

} // namespace dmascope::recorder

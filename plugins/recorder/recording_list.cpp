#include "recording_list.h"

#include "dmascope/record/sigmf_recording.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <exception>

namespace dmascope::recorder {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString baseOf(const QString &path)
{
    for (const QLatin1String suffix : {QLatin1String(".sigmf-meta"), QLatin1String(".sigmf-data")})
        if (path.endsWith(suffix))
            return path.left(path.size() - suffix.size());
    return path;
}

} // namespace

RecordingEntry describeRecording(const QString &path)
{
    RecordingEntry e;
    const QString base = QFileInfo(baseOf(path)).absoluteFilePath();
    e.name = QFileInfo(base).fileName();
    e.metaPath = base + QStringLiteral(".sigmf-meta");
    const QFileInfo data(base + QStringLiteral(".sigmf-data"));
    e.modified = (data.exists() ? data : QFileInfo(e.metaPath)).lastModified();
    try {
        const auto rec = SigmfRecording::open(base.toStdString());
        const SigmfMeta &m = rec->meta();
        e.device = m.iio ? q(m.iio->device) : q(m.hw);
        if (!m.captures.empty())
            e.started = q(m.captures.front().datetime);
        e.sampleRate = m.sampleRate;
        e.channels = m.numChannels;
        for (const ChannelLayout &c : rec->layout()->channels)
            e.channelNames.append(q(c.label.empty() ? c.id : c.label));
        e.frames = rec->frameCount();
        e.dataBytes = rec->frameCount() * rec->frameBytes();
        e.seconds = rec->seconds();
        for (const SigmfAnnotation &a : m.annotations) {
            if (a.lostSamples) {
                ++e.gaps;
                e.lostSamples += *a.lostSamples;
            }
        }
        for (const std::string &w : rec->warnings())
            e.warnings.append(q(w));
    } catch (const std::exception &ex) {
        e.error = QString::fromLocal8Bit(ex.what());
    }
    return e;
}

QList<RecordingEntry> listRecordings(const QString &folder)
{
    QList<RecordingEntry> out;
    const QDir dir(folder);
    if (!dir.exists())
        return out;
    const QStringList metas =
        dir.entryList({QStringLiteral("*.sigmf-meta")}, QDir::Files | QDir::Readable);
    for (const QString &m : metas)
        out.append(describeRecording(dir.filePath(m)));
    std::stable_sort(out.begin(), out.end(), [](const RecordingEntry &a, const RecordingEntry &b) {
        return a.modified > b.modified;
    });
    return out;
}

} // namespace dmascope::recorder

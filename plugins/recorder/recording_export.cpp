#include "recording_export.h"

#include "dmascope/record/csv_export.h"
#include "dmascope/record/sigmf_recording.h"
#include "dmascope/record/wav_export.h"

#include <QStringList>

namespace dmascope::recorder {

QString exportSuffix(ExportFormat format)
{
    return format == ExportFormat::Csv ? QStringLiteral("csv") : QStringLiteral("wav");
}

QString runExport(const ExportRequest &request)
{
    const auto recording = SigmfRecording::open(request.metaPath.toStdString());
    const ExportRange range{request.firstFrame, request.frameCount};
    const std::string out = request.outPath.toStdString();
    ExportResult result;
    switch (request.format) {
    case ExportFormat::WavPcm16:
        result = exportWav(*recording, out, WavFormat::Pcm16, range, request.channels);
        break;
    case ExportFormat::WavPcm32:
        result = exportWav(*recording, out, WavFormat::Pcm32, range, request.channels);
        break;
    case ExportFormat::WavFloat32:
        result = exportWav(*recording, out, WavFormat::Float32, range, request.channels);
        break;
    case ExportFormat::Csv: {
        CsvOptions options;
        options.channels = request.channels;
        result = exportCsv(*recording, out, range, options);
        break;
    }
    }
    QString summary = QStringLiteral("Exported %1 samples (%2 bytes) to %3")
                          .arg(result.frames)
                          .arg(result.bytes)
                          .arg(request.outPath);
    QStringList notes;
    for (const std::string &note : result.notes)
        notes << QString::fromStdString(note);
    if (!notes.isEmpty())
        summary += QStringLiteral(" (%1)").arg(notes.join(QStringLiteral("; ")));
    return summary;
}

} // namespace dmascope::recorder

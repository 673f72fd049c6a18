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
    if (request.format == ExportFormat::Csv) {
        CsvOptions options;
        options.channels = request.channels;
        result = exportCsv(*recording, out, range, options);
    } else {
        const WavFormat wav = request.format == ExportFormat::WavPcm16   ? WavFormat::Pcm16
                              : request.format == ExportFormat::WavPcm32 ? WavFormat::Pcm32
                                                                         : WavFormat::Float32;
        result = exportWav(*recording, out, wav, range, request.channels);
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

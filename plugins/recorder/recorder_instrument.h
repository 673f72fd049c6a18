// The Recorder instrument: records every block of the device's stream to SigMF files (folder,
// name pattern, limits by duration / size / samples), shows the live progress (duration, size,
// MB/s, free disk, overruns) and lists the recordings in the folder, any of which it opens for
// playback through the app (InstrumentHost::openRecording).
//
// Threads: the SigmfWriter has its own thread and a lossless subscription; this widget never
// touches the writer's state. It polls RecordingProgress snapshots (a copy taken under the
// writer's lock) a few times a second on the GUI thread, and the writer's onFinished callback
// only posts an event to the GUI thread.
#pragma once

#include "recorder_settings.h"
#include "recording_export.h"
#include "recording_list.h"

#include "dmascope/plugin/instrument.h"
#include "dmascope/record/sigmf_writer.h"

#include <memory>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace dmascope {
class Stream;
}

namespace dmascope::plugin {
class InstrumentHost;
}

namespace dmascope::recorder {

class RecorderInstrument final : public plugin::Instrument
{
    Q_OBJECT

public:
    static constexpr int kProgressIntervalMs = 250; // readable, not flickering
    static constexpr std::size_t kQueueDepth = 8;   // blocks the writer may hold

    RecorderInstrument(plugin::InstrumentHost &host, const plugin::DeviceDescription &device,
                       QWidget *parent = nullptr);
    ~RecorderInstrument() override;

    QJsonObject saveState() const override;
    void restoreState(const QJsonObject &state) override;

    const RecorderSettings &settings() const noexcept { return settings_; }
    void setSettings(const RecorderSettings &settings);

    // Starts a recording with the current settings. false, with the reason shown in the
    // instrument and the status bar, when it cannot start (unwritable folder, bad name...).
    bool startRecording();
    void stopRecording();
    bool recording() const;
    QString busyWith() const override;
    // The newest snapshot the GUI has shown (state Idle before the first recording).
    const RecordingProgress &lastProgress() const noexcept { return progress_; }
    // The message shown for the last failure (empty when the last recording went well).
    QString errorText() const;

    // Re-reads the folder's recordings into the table.
    void refreshRecordings();
    const QList<RecordingEntry> &recordings() const noexcept { return entries_; }
    // Opens recordings()[row] for playback through the host.
    bool openRecording(int row);
    // Asks with an ExportDialog how to export recordings()[row], then starts it.
    void exportRecording(int row);
    // Runs `request` on a worker thread; exportFinished() tells how it went. false (with the
    // reason shown) while another export is still running.
    bool startExport(const ExportRequest &request);
    bool exporting() const noexcept { return exporting_; }

signals:
    // A recording finished (limit, stop, end of stream or failure); for tests and scripting.
    void recordingFinished();
    // An export ended: `message` is its summary or, when !ok, what went wrong.
    void exportFinished(bool ok, const QString &message);

private:
    void buildUi();
    void syncControls();
    void readControls();
    void updateProgress();
    void onFinished();
    void showError(const QString &text);

    plugin::InstrumentHost &host_;
    RecorderSettings settings_;
    std::shared_ptr<Stream> stream_;
    QString streamError_;
    std::unique_ptr<SigmfWriter> writer_; // GUI thread only; its own thread inside
    RecordingProgress progress_;          // the last snapshot shown
    QList<RecordingEntry> entries_;
    bool syncing_ = false;
    bool endShown_ = true; // the current writer's end was reported (false while it may end)
    bool exporting_ = false; // GUI thread only; the export's worker touches none of this

    QLineEdit *folder_ = nullptr;
    QLineEdit *pattern_ = nullptr;
    QDoubleSpinBox *limitSeconds_ = nullptr;
    QDoubleSpinBox *limitMegabytes_ = nullptr;
    QDoubleSpinBox *limitSamples_ = nullptr;
    QList<QCheckBox *> channelBoxes_; // one per input channel of the device, in its order
    QPushButton *record_ = nullptr;
    QLabel *state_ = nullptr;
    QLabel *duration_ = nullptr;
    QLabel *size_ = nullptr;
    QLabel *rate_ = nullptr;
    QLabel *freeDisk_ = nullptr;
    QLabel *overruns_ = nullptr;
    QLabel *file_ = nullptr;
    QLabel *error_ = nullptr;
    QTableWidget *table_ = nullptr;
    QPushButton *export_ = nullptr;
    QTimer *timer_ = nullptr;
};

} // namespace dmascope::recorder

// The Recorder's "Export…" dialog for one recording: format (WAV 16/32-bit PCM or float, CSV in
// physical units), the range (start and length in seconds, or in samples when the recording
// has no sample rate), the channels, and the file. It only builds an ExportRequest; the
// Recorder runs it off the GUI thread.
#pragma once

#include "recording_export.h"
#include "recording_list.h"

#include <QDialog>
#include <QList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace dmascope::recorder {

class ExportDialog final : public QDialog
{
    Q_OBJECT

public:
    // `entry` must be readable (entry.ok()).
    explicit ExportDialog(const RecordingEntry &entry, QWidget *parent = nullptr);

    // What the controls say now. Only meaningful while problem() is empty.
    ExportRequest request() const;
    // Why the request cannot be run (no channel, no file, empty range); empty when it can.
    QString problem() const;

private:
    void updateState();
    void browse();

    const RecordingEntry entry_;
    // Seconds per frame for the range controls; 1 (they count samples) without a known rate.
    const double unit_;
    bool pathEdited_ = false;

    QComboBox *format_ = nullptr;
    QDoubleSpinBox *start_ = nullptr;
    QDoubleSpinBox *length_ = nullptr;
    QList<QCheckBox *> channels_;
    QLineEdit *path_ = nullptr;
    QLabel *summary_ = nullptr;
    QDialogButtonBox *buttons_ = nullptr;
};

} // namespace dmascope::recorder

#include "recorder_instrument.h"

#include "export_dialog.h"

#include "dmascope/plugin/instrument_host.h"
#include "dmascope/scan_layout.h"
#include "dmascope/stream.h"
#include "dmascope/ui/engineering.h"

#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QStorageInfo>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <exception>

namespace dmascope::recorder {

namespace {

QString bytesText(double bytes)
{
    return ui::formatEngineering(bytes, QStringLiteral("B"));
}

QString secondsText(double s)
{
    if (s < 60)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 1);
    const auto total = static_cast<long long>(s);
    return QStringLiteral("%1:%2:%3")
        .arg(total / 3600)
        .arg(total / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(total % 60, 2, 10, QLatin1Char('0'));
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

constexpr auto kErrorStyle = "color: #e0531e; font-weight: bold";

enum Column
{
    ColName,
    ColStarted,
    ColDevice,
    ColRate,
    ColChannels,
    ColLength,
    ColSize,
    ColGaps,
    ColStatus,
    ColumnCount
};

} // namespace

RecorderInstrument::RecorderInstrument(plugin::InstrumentHost &host,
                                       const plugin::DeviceDescription &device, QWidget *parent)
    : Instrument(device, parent), host_(host)
{
    setObjectName(QStringLiteral("recorderInstrument"));
    buildUi();
    // The device's shared stream (the app starts it): the recorder takes every block of it
    // through its own lossless subscription while the other instruments keep their lossy ones.
    stream_ = host_.openStream(device, &streamError_);
    if (!stream_)
        showError(tr("No stream: %1").arg(streamError_));
    timer_ = new QTimer(this);
    timer_->setInterval(kProgressIntervalMs);
    connect(timer_, &QTimer::timeout, this, &RecorderInstrument::updateProgress);
    timer_->start();
    syncControls();
    refreshRecordings();
    updateProgress();
}

RecorderInstrument::~RecorderInstrument()
{
    // Finishes the files (final metadata) and joins the writer thread before the widgets go,
    // so onFinished never posts to a half-destroyed object.
    writer_.reset();
}

void RecorderInstrument::buildUi()
{
    auto *settingsBox = new QGroupBox(tr("Recording"), this);
    auto *form = new QFormLayout(settingsBox);

    folder_ = new QLineEdit(settingsBox);
    folder_->setObjectName(QStringLiteral("recorderFolder"));
    folder_->setPlaceholderText(RecorderSettings::defaultFolder());
    auto *browse = new QToolButton(settingsBox);
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose the folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Recording folder"),
                                                              settings_.effectiveFolder());
        if (!dir.isEmpty()) {
            folder_->setText(dir);
            readControls();
            refreshRecordings();
        }
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Folder"), folderRow);

    pattern_ = new QLineEdit(settingsBox);
    pattern_->setObjectName(QStringLiteral("recorderPattern"));
    pattern_->setToolTip(tr("File name; {device}, {date}, {time} and {datetime} are replaced. "
                            "An existing recording is never overwritten (NAME-1, NAME-2, …)."));
    form->addRow(tr("Name"), pattern_);

    auto limit = [settingsBox](const QString &suffix, double max, int decimals) {
        auto *s = new QDoubleSpinBox(settingsBox);
        s->setRange(0, max);
        s->setDecimals(decimals);
        s->setSuffix(suffix);
        s->setSpecialValueText(tr("no limit"));
        return s;
    };
    limitSeconds_ = limit(QStringLiteral(" s"), 1e7, 1);
    limitMegabytes_ = limit(QStringLiteral(" MB"), 1e9, 1);
    limitSamples_ = limit(QString(), 1e15, 0);
    limitSeconds_->setObjectName(QStringLiteral("recorderLimitSeconds"));
    limitMegabytes_->setObjectName(QStringLiteral("recorderLimitMegabytes"));
    limitSamples_->setObjectName(QStringLiteral("recorderLimitSamples"));
    form->addRow(tr("Stop after"), limitSeconds_);
    form->addRow(tr("or size"), limitMegabytes_);
    form->addRow(tr("or samples"), limitSamples_);

    // Every channel checked records the stream's blocks as they are (zero-copy); a subset is
    // gathered by the writer (one copy on its thread).
    auto *channelBox = new QWidget(settingsBox);
    auto *channelRow = new QHBoxLayout(channelBox);
    channelRow->setContentsMargins(0, 0, 0, 0);
    for (const plugin::ChannelDescription &c : device().inputChannels()) {
        auto *box = new QCheckBox(c.name.isEmpty() ? c.id : c.name, channelBox);
        box->setObjectName(QStringLiteral("recorderChannel_") + c.id);
        box->setProperty("channelId", c.id);
        box->setChecked(true);
        connect(box, &QCheckBox::toggled, this, [this] { readControls(); });
        channelRow->addWidget(box);
        channelBoxes_.append(box);
    }
    channelRow->addStretch(1);
    form->addRow(tr("Channels"), channelBox);

    for (QLineEdit *e : {folder_, pattern_})
        connect(e, &QLineEdit::editingFinished, this, [this] {
            readControls();
            refreshRecordings();
        });
    for (QDoubleSpinBox *s : {limitSeconds_, limitMegabytes_, limitSamples_})
        connect(s, &QDoubleSpinBox::valueChanged, this, [this] { readControls(); });

    record_ = new QPushButton(tr("Record"), this);
    record_->setObjectName(QStringLiteral("recorderRecord"));
    record_->setCheckable(true);
    connect(record_, &QPushButton::clicked, this, [this](bool on) {
        if (on)
            startRecording();
        else
            stopRecording();
    });

    auto *progressBox = new QGroupBox(tr("Progress"), this);
    auto *pform = new QFormLayout(progressBox);
    auto label = [progressBox](const char *name) {
        auto *l = new QLabel(progressBox);
        l->setObjectName(QLatin1String(name));
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return l;
    };
    state_ = label("recorderState");
    duration_ = label("recorderDuration");
    size_ = label("recorderSize");
    rate_ = label("recorderRate");
    freeDisk_ = label("recorderFreeDisk");
    overruns_ = label("recorderOverruns");
    file_ = label("recorderFile");
    file_->setWordWrap(true);
    error_ = label("recorderError");
    error_->setWordWrap(true);
    error_->setStyleSheet(QLatin1String(kErrorStyle));
    pform->addRow(tr("State"), state_);
    pform->addRow(tr("Duration"), duration_);
    pform->addRow(tr("Size"), size_);
    pform->addRow(tr("Write rate"), rate_);
    pform->addRow(tr("Free disk"), freeDisk_);
    pform->addRow(tr("Overruns"), overruns_);
    pform->addRow(tr("File"), file_);
    pform->addRow(error_);

    auto *left = new QVBoxLayout;
    left->addWidget(settingsBox);
    left->addWidget(record_);
    left->addWidget(progressBox);
    left->addStretch(1);

    auto *listBox = new QGroupBox(tr("Recordings in the folder"), this);
    auto *lv = new QVBoxLayout(listBox);
    table_ = new QTableWidget(0, ColumnCount, listBox);
    table_->setObjectName(QStringLiteral("recorderRecordings"));
    table_->setHorizontalHeaderLabels({tr("Name"), tr("Started (UTC)"), tr("Device"), tr("Rate"),
                                       tr("Channels"), tr("Length"), tr("Size"), tr("Gaps"),
                                       tr("Status")});
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    connect(table_, &QTableWidget::cellDoubleClicked, this,
            [this](int row, int) { openRecording(row); });
    auto *buttons = new QHBoxLayout;
    auto *refresh = new QPushButton(tr("Refresh"), listBox);
    connect(refresh, &QPushButton::clicked, this, &RecorderInstrument::refreshRecordings);
    auto *open = new QPushButton(tr("Open for Playback"), listBox);
    open->setObjectName(QStringLiteral("recorderOpen"));
    open->setToolTip(tr("Play the selected recording through the instruments (double-click)"));
    connect(open, &QPushButton::clicked, this, [this] { openRecording(table_->currentRow()); });
    export_ = new QPushButton(tr("Export…"), listBox);
    export_->setObjectName(QStringLiteral("recorderExport"));
    export_->setToolTip(tr("Write a range of the selected recording as WAV or CSV"));
    connect(export_, &QPushButton::clicked, this,
            [this] { exportRecording(table_->currentRow()); });
    buttons->addWidget(refresh);
    buttons->addStretch(1);
    buttons->addWidget(export_);
    buttons->addWidget(open);
    lv->addWidget(table_);
    lv->addLayout(buttons);

    auto *top = new QHBoxLayout(this);
    top->addLayout(left, 0);
    top->addWidget(listBox, 1);
}

void RecorderInstrument::syncControls()
{
    syncing_ = true;
    folder_->setText(settings_.folder);
    pattern_->setText(settings_.namePattern);
    limitSeconds_->setValue(settings_.limitSeconds);
    limitMegabytes_->setValue(static_cast<double>(settings_.limitBytes) / 1e6);
    limitSamples_->setValue(static_cast<double>(settings_.limitSamples));
    for (QCheckBox *box : std::as_const(channelBoxes_))
        box->setChecked(settings_.channels.isEmpty() ||
                        settings_.channels.contains(box->property("channelId").toString()));
    syncing_ = false;
}

void RecorderInstrument::readControls()
{
    if (syncing_)
        return;
    settings_.folder = folder_->text().trimmed();
    if (!pattern_->text().trimmed().isEmpty())
        settings_.namePattern = pattern_->text().trimmed();
    settings_.limitSeconds = limitSeconds_->value();
    settings_.limitBytes = static_cast<std::uint64_t>(std::llround(limitMegabytes_->value() * 1e6));
    settings_.limitSamples = static_cast<std::uint64_t>(std::llround(limitSamples_->value()));
    // All checked is stored as "all" (empty), so a device that gains channels records them too.
    QStringList chosen;
    for (QCheckBox *box : std::as_const(channelBoxes_))
        if (box->isChecked())
            chosen.append(box->property("channelId").toString());
    settings_.channels = chosen.size() == channelBoxes_.size() ? QStringList() : chosen;
}

void RecorderInstrument::setSettings(const RecorderSettings &settings)
{
    settings_ = settings;
    syncControls();
    refreshRecordings();
}

QJsonObject RecorderInstrument::saveState() const
{
    return settings_.toJson();
}

void RecorderInstrument::restoreState(const QJsonObject &state)
{
    setSettings(RecorderSettings::fromJson(state));
}

bool RecorderInstrument::recording() const
{
    return writer_ && progress_.state == RecordingState::Recording;
}

QString RecorderInstrument::busyWith() const
{
    return recording() ? tr("recording to %1").arg(QString::fromStdString(progress_.metaPath))
                       : QString();
}

QString RecorderInstrument::errorText() const
{
    return error_->text();
}

void RecorderInstrument::showError(const QString &text)
{
    error_->setText(text);
    if (!text.isEmpty())
        host_.showStatusMessage(tr("Recorder: %1").arg(text), 10000);
}

bool RecorderInstrument::startRecording()
{
    readControls();
    if (recording())
        return true;
    const auto refuse = [this](const QString &why) {
        showError(why);
        record_->setChecked(false);
        return false;
    };
    if (!stream_)
        return refuse(tr("No stream: %1").arg(streamError_));
    if (!channelBoxes_.isEmpty() && std::none_of(channelBoxes_.begin(), channelBoxes_.end(),
                                                 [](const QCheckBox *b) { return b->isChecked(); }))
        return refuse(tr("Choose at least one channel to record"));
    if (!(device().sampleRate > 0))
        return refuse(tr("%1 does not report its sample rate; a recording needs it")
                          .arg(device().displayName()));

    const QString folder = settings_.effectiveFolder();
    // The default folder is ours to create; a folder the user typed must exist, so a typo is
    // reported instead of silently becoming a new directory.
    if (settings_.folder.isEmpty() && !QDir().mkpath(folder))
        return refuse(tr("Cannot create the folder %1").arg(folder));

    RecordingOptions o;
    o.directory = folder.toStdString();
    o.name = settings_.namePattern.toStdString();
    o.limits.seconds = settings_.limitSeconds;
    o.limits.bytes = settings_.limitBytes;
    o.limits.samples = settings_.limitSamples;
    for (const QString &id : std::as_const(settings_.channels))
        o.channels.push_back(id.toStdString());
    o.sampleRate = device().sampleRate;
    // Half the app's pool (StreamRegistry::configFor: 16 blocks of ~10 ms): a recorder that
    // may hold every block starves the device instead of counting its overruns.
    o.queueDepth = kQueueDepth;
    o.device.device = device().displayName().toStdString();
    o.device.deviceId = device().id.toStdString();
    o.device.uri = device().uri.toStdString();
    QPointer<RecorderInstrument> self(this);
    o.onFinished = [self] {
        // Writer thread: only post. The instrument joins the writer before it is destroyed.
        QMetaObject::invokeMethod(self, &RecorderInstrument::onFinished, Qt::QueuedConnection);
    };

    auto writer = std::make_unique<SigmfWriter>(std::move(o));
    try {
        writer->start(*stream_);
    } catch (const std::exception &e) {
        return refuse(tr("Cannot start recording: %1").arg(QString::fromLocal8Bit(e.what())));
    }
    writer_ = std::move(writer);
    endShown_ = false;
    showError(QString());
    record_->setChecked(true);
    record_->setText(tr("Stop"));
    updateProgress();
    return true;
}

void RecorderInstrument::stopRecording()
{
    if (writer_)
        writer_->stop(); // writes what was delivered and the final metadata, then joins
    updateProgress();
}

void RecorderInstrument::onFinished()
{
    updateProgress();
}

void RecorderInstrument::updateProgress()
{
    if (writer_)
        progress_ = writer_->progress();
    const RecordingProgress &p = progress_;
    const bool active = p.state == RecordingState::Recording;

    switch (p.state) {
    case RecordingState::Idle:
        state_->setText(tr("Idle"));
        break;
    case RecordingState::Recording:
        state_->setText(tr("Recording"));
        break;
    case RecordingState::Finished:
        state_->setText(tr("Finished: %1").arg(q(p.stopReason)));
        break;
    case RecordingState::Failed:
        state_->setText(tr("Failed"));
        break;
    }
    duration_->setText(secondsText(p.seconds));
    size_->setText(
        tr("%1 (%2 samples)").arg(bytesText(static_cast<double>(p.bytes))).arg(p.frames));
    rate_->setText(active || p.elapsed > 0 ? tr("%1/s").arg(bytesText(p.megabytesPerSecond * 1e6))
                                           : QString());
    const double freeBytes =
        active ? static_cast<double>(p.freeDiskBytes)
               : static_cast<double>(QStorageInfo(settings_.effectiveFolder()).bytesAvailable());
    freeDisk_->setText(freeBytes >= 0 ? bytesText(freeBytes) : tr("unknown"));
    overruns_->setText(tr("%1 (%2 gaps, %3 samples lost)")
                           .arg(p.overruns)
                           .arg(p.discontinuities)
                           .arg(p.lostSamples));
    overruns_->setStyleSheet(p.overruns || p.lostSamples ? QLatin1String(kErrorStyle) : QString());
    file_->setText(q(p.dataPath));

    record_->setChecked(active);
    record_->setText(active ? tr("Stop") : tr("Record"));
    for (QWidget *w : std::initializer_list<QWidget *>{folder_, pattern_, limitSeconds_,
                                                       limitMegabytes_, limitSamples_})
        w->setEnabled(!active);
    for (QCheckBox *box : std::as_const(channelBoxes_))
        box->setEnabled(!active);

    // Once per recording, however quickly it ended (an error right at the start included).
    if (writer_ && !endShown_ &&
        (p.state == RecordingState::Finished || p.state == RecordingState::Failed)) {
        endShown_ = true;
        if (p.state == RecordingState::Failed)
            showError(q(p.error));
        else
            host_.showStatusMessage(
                tr("Recorded %1 to %2 (%3)")
                    .arg(secondsText(p.seconds), q(p.dataPath), q(p.stopReason)),
                8000);
        refreshRecordings();
        emit recordingFinished();
    }
}

void RecorderInstrument::refreshRecordings()
{
    entries_ = listRecordings(settings_.effectiveFolder());
    table_->setRowCount(static_cast<int>(entries_.size()));
    for (int row = 0; row < entries_.size(); ++row) {
        const RecordingEntry &e = entries_[row];
        const auto set = [this, row](int col, const QString &text) {
            auto *item = new QTableWidgetItem(text);
            table_->setItem(row, col, item);
            return item;
        };
        set(ColName, e.name)->setToolTip(e.metaPath);
        if (!e.ok()) {
            for (int col = ColStarted; col < ColStatus; ++col)
                set(col, QString());
            QTableWidgetItem *status = set(ColStatus, tr("unreadable: %1").arg(e.error));
            status->setToolTip(e.error);
            status->setForeground(QColor(0xe0, 0x53, 0x1e));
            continue;
        }
        set(ColStarted, e.started);
        set(ColDevice, e.device);
        set(ColRate, e.sampleRate > 0 ? ui::formatEngineering(e.sampleRate, QStringLiteral("S/s"))
                                      : tr("unknown"));
        set(ColChannels, QString::number(e.channels))->setToolTip(e.channelNames.join(", "));
        set(ColLength, secondsText(e.seconds))->setToolTip(tr("%1 samples").arg(e.frames));
        set(ColSize, bytesText(static_cast<double>(e.dataBytes)));
        set(ColGaps, e.gaps ? tr("%1 (%2 samples lost)").arg(e.gaps).arg(e.lostSamples)
                            : QStringLiteral("0"));
        QTableWidgetItem *status =
            set(ColStatus, e.warnings.isEmpty() ? tr("ok") : e.warnings.join(QStringLiteral("; ")));
        status->setToolTip(status->text());
    }
    table_->resizeColumnsToContents();
}

bool RecorderInstrument::openRecording(int row)
{
    if (row < 0 || row >= entries_.size()) {
        host_.showStatusMessage(tr("Select a recording to open"), 4000);
        return false;
    }
    const RecordingEntry &e = entries_[row];
    if (!e.ok()) {
        showError(tr("%1 cannot be played: %2").arg(e.name, e.error));
        return false;
    }
    QString why;
    if (!host_.openRecording(e.metaPath, &why)) {
        showError(tr("Cannot open %1: %2").arg(e.name, why));
        return false;
    }
    return true;
}

void RecorderInstrument::exportRecording(int row)
{
    if (row < 0 || row >= entries_.size()) {
        host_.showStatusMessage(tr("Select a recording to export"), 4000);
        return;
    }
    const RecordingEntry &e = entries_[row];
    if (!e.ok()) {
        showError(tr("%1 cannot be exported: %2").arg(e.name, e.error));
        return;
    }
    ExportDialog dialog(e, this);
    if (dialog.exec() == QDialog::Accepted)
        startExport(dialog.request());
}

bool RecorderInstrument::startExport(const ExportRequest &request)
{
    if (exporting_) {
        showError(tr("An export is still running"));
        return false;
    }
    struct Outcome
    {
        bool ok = false;
        QString message;
    };
    exporting_ = true;
    export_->setEnabled(false);
    host_.showStatusMessage(tr("Exporting to %1…").arg(request.outPath), 0);
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        exporting_ = false;
        export_->setEnabled(true);
        if (outcome.ok) {
            showError(QString());
            host_.showStatusMessage(outcome.message, 8000);
        } else {
            showError(outcome.message);
        }
        emit exportFinished(outcome.ok, outcome.message);
    });
    watcher->setFuture(QtConcurrent::run([request]() -> Outcome {
        try {
            return {true, runExport(request)};
        } catch (const std::exception &e) {
            return {false, tr("Export to %1 failed: %2")
                               .arg(request.outPath, QString::fromUtf8(e.what()))};
        }
    }));
    return true;
}

} // namespace dmascope::recorder

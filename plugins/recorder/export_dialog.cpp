#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace dmascope::recorder {

namespace {
constexpr ExportFormat kFormats[] = {ExportFormat::WavPcm16, ExportFormat::WavPcm32,
                                     ExportFormat::WavFloat32, ExportFormat::Csv};

QString formatName(ExportFormat format)
{
    switch (format) {
    case ExportFormat::WavPcm16: return QObject::tr("WAV, 16-bit PCM");
    case ExportFormat::WavPcm32: return QObject::tr("WAV, 32-bit PCM");
    case ExportFormat::WavFloat32: return QObject::tr("WAV, 32-bit float");
    case ExportFormat::Csv: return QObject::tr("CSV, physical units");
    }
    return {};
}

// Frames from a control value in the dialog's unit, rounded to the nearest frame.
std::uint64_t toFrames(double value, double unit)
{
    return static_cast<std::uint64_t>(std::llround(std::max(0.0, value) / unit));
}
} // namespace

ExportDialog::ExportDialog(const RecordingEntry &entry, QWidget *parent)
    : QDialog(parent), entry_(entry), unit_(entry.sampleRate > 0 ? 1.0 / entry.sampleRate : 1.0)
{
    setWindowTitle(tr("Export %1").arg(entry.name));
    const bool seconds = entry.sampleRate > 0;
    const double total = static_cast<double>(entry.frames) * unit_;

    format_ = new QComboBox(this);
    format_->setObjectName(QStringLiteral("exportFormat"));
    for (ExportFormat f : kFormats)
        format_->addItem(formatName(f), static_cast<int>(f));

    const auto rangeBox = [&](const QString &name, double value) {
        auto *box = new QDoubleSpinBox(this);
        box->setObjectName(name);
        box->setRange(0, total);
        box->setDecimals(seconds ? 6 : 0);
        box->setSuffix(seconds ? tr(" s") : tr(" samples"));
        box->setValue(value);
        return box;
    };
    start_ = rangeBox(QStringLiteral("exportStart"), 0);
    length_ = rangeBox(QStringLiteral("exportLength"), total);

    auto *channelRow = new QHBoxLayout;
    for (const QString &name : entry.channelNames) {
        auto *box = new QCheckBox(name, this);
        box->setChecked(true);
        channelRow->addWidget(box);
        channels_ << box;
        connect(box, &QCheckBox::toggled, this, &ExportDialog::updateState);
    }
    channelRow->addStretch(1);

    path_ = new QLineEdit(this);
    path_->setObjectName(QStringLiteral("exportPath"));
    const QString dir = QFileInfo(entry.metaPath).absolutePath();
    path_->setText(QDir(dir).filePath(entry.name + QLatin1Char('.') +
                                      exportSuffix(ExportFormat::WavPcm16)));
    auto *browse = new QPushButton(tr("Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browse);

    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("exportSummary"));
    summary_->setWordWrap(true);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Export"));

    auto *form = new QFormLayout;
    form->addRow(tr("Format"), format_);
    form->addRow(tr("From"), start_);
    form->addRow(tr("Length"), length_);
    form->addRow(tr("Channels"), channelRow);
    form->addRow(tr("File"), pathRow);
    auto *top = new QVBoxLayout(this);
    top->addLayout(form);
    top->addWidget(summary_);
    top->addWidget(buttons_);

    connect(format_, &QComboBox::currentIndexChanged, this, [this] {
        // Follow the format with the suffix unless the user typed a name of their own.
        if (!pathEdited_) {
            const QFileInfo info(path_->text());
            path_->setText(info.dir().filePath(info.completeBaseName() + QLatin1Char('.') +
                                               exportSuffix(request().format)));
        }
        updateState();
    });
    connect(path_, &QLineEdit::textEdited, this, [this] {
        pathEdited_ = true;
        updateState();
    });
    connect(start_, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateState);
    connect(length_, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateState);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateState();
}

ExportRequest ExportDialog::request() const
{
    ExportRequest r;
    r.metaPath = entry_.metaPath;
    r.outPath = path_->text().trimmed();
    r.format = static_cast<ExportFormat>(format_->currentData().toInt());
    r.firstFrame = std::min(toFrames(start_->value(), unit_), entry_.frames);
    r.frameCount = std::min(toFrames(length_->value(), unit_), entry_.frames - r.firstFrame);
    for (int i = 0; i < channels_.size(); ++i)
        if (channels_[i]->isChecked())
            r.channels.push_back(static_cast<std::size_t>(i));
    return r;
}

QString ExportDialog::problem() const
{
    const ExportRequest r = request();
    if (r.channels.empty())
        return tr("Choose at least one channel.");
    if (r.frameCount == 0)
        return tr("The range is empty: the length must be at least one sample.");
    if (r.outPath.isEmpty())
        return tr("Choose the file to write.");
    if (QFileInfo(r.outPath).absoluteFilePath() ==
        QFileInfo(entry_.metaPath).absolutePath() + QLatin1Char('/') + entry_.name +
            QStringLiteral(".sigmf-data"))
        return tr("That is the recording's own data file.");
    return {};
}

void ExportDialog::updateState()
{
    const QString why = problem();
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
    if (!why.isEmpty()) {
        summary_->setText(why);
        return;
    }
    const ExportRequest r = request();
    summary_->setText(tr("%1 samples of %2 channel(s) from sample %3%4")
                          .arg(r.frameCount)
                          .arg(r.channels.size())
                          .arg(r.firstFrame)
                          .arg(QFileInfo::exists(r.outPath) ? tr("; the file exists and will be "
                                                                 "replaced")
                                                            : QString()));
}

void ExportDialog::browse()
{
    const QString suffix = exportSuffix(request().format);
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Export to"), path_->text(),
        suffix == QLatin1String("csv") ? tr("CSV files (*.csv)") : tr("WAV files (*.wav)"));
    if (chosen.isEmpty())
        return;
    path_->setText(chosen);
    pathEdited_ = true;
    updateState();
}

} // namespace dmascope::recorder

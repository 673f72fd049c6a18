#include "spectrum_instrument.h"

#include "spectrum_csv.h"

#include "dmascope/plugin/instrument_host.h"
#include "dmascope/scan_layout.h"
#include "dmascope/stream.h"
#include "dmascope/ui/engineering.h"
#include "dmascope/ui/frame_pacer.h"
#include "dmascope/ui/spectrum_plot.h"
#include "dmascope/ui/waterfall.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTextStream>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <cmath>

namespace dmascope::spectrum {

namespace {

QString sizeText(std::size_t n)
{
    if (n >= (1u << 20))
        return QStringLiteral("%1 M").arg(n >> 20);
    if (n >= 1024)
        return QStringLiteral("%1 k").arg(n >> 10);
    return QString::number(n);
}

const dsp::WindowType kWindows[] = {dsp::WindowType::Rectangular, dsp::WindowType::Hann,
                                    dsp::WindowType::Hamming, dsp::WindowType::Blackman,
                                    dsp::WindowType::BlackmanHarris, dsp::WindowType::FlatTop,
                                    dsp::WindowType::Kaiser};
const char *const kWindowNames[] = {"Rectangular", "Hann", "Hamming", "Blackman",
                                    "Blackman-Harris", "Flat-top", "Kaiser"};
const dsp::Averaging kAveraging[] = {dsp::Averaging::None, dsp::Averaging::Linear,
                                     dsp::Averaging::Exponential, dsp::Averaging::PeakHold,
                                     dsp::Averaging::MinHold};
const char *const kAveragingNames[] = {"None", "Linear", "Exponential", "Peak hold", "Min hold"};
const dsp::SpectrumUnit kUnits[] = {dsp::SpectrumUnit::Dbfs, dsp::SpectrumUnit::Dbv,
                                    dsp::SpectrumUnit::VoltsPerRootHz};

QString dbText(double db)
{
    return QStringLiteral("%1 dB").arg(db, 0, 'f', 1);
}

void setCell(QTableWidget *table, int row, int col, const QString &text)
{
    QTableWidgetItem *item = table->item(row, col);
    if (!item) {
        item = new QTableWidgetItem;
        table->setItem(row, col, item);
    }
    item->setText(text);
    item->setToolTip(text); // what a narrow column cuts off
}

} // namespace

SpectrumInstrument::SpectrumInstrument(plugin::InstrumentHost &host,
                                       const plugin::DeviceDescription &device, QWidget *parent)
    : Instrument(device, parent), host_(host)
{
    setObjectName(QStringLiteral("spectrumInstrument"));
    buildUi();
    syncControls();
    applyDisplay();

    QString error;
    stream_ = host_.openStream(device, &error);
    if (!stream_) {
        status_->setText(tr("No stream: %1").arg(error));
        host_.showStatusMessage(tr("%1: %2").arg(device.displayName(), error), 10000);
        return;
    }
    subscription_ = stream_->subscribe(SubscriptionKind::Lossy);
    feeder_ = std::make_unique<SpectrumFeeder>(subscription_);
    pacer_ = new ui::FramePacer([this] { return deliver(); }, plot_, this);
    feeder_->setSnapshotInterval(pacer_->frameInterval());
    connect(feeder_.get(), &SpectrumFeeder::spectrumReady, pacer_, &ui::FramePacer::notify,
            Qt::QueuedConnection);
    connect(feeder_.get(), &SpectrumFeeder::layoutChanged, this, &SpectrumInstrument::onLayout);
    connect(feeder_.get(), &SpectrumFeeder::measured, this, &SpectrumInstrument::onMeasured);
    connect(feeder_.get(), &SpectrumFeeder::configFailed, this, [this](const QString &why) {
        status_->setText(tr("Cannot analyse: %1").arg(why));
    });
    connect(feeder_.get(), &SpectrumFeeder::ended, this, [this](const QString &reason) {
        status_->setText(reason.isEmpty() ? tr("Stream stopped")
                                          : tr("Stream ended: %1").arg(reason));
    });
    feeder_->start();

    // When the device does not say its rate, the stream's measured one.
    auto *timer = new QTimer(this);
    timer->setInterval(500);
    connect(timer, &QTimer::timeout, this, [this] {
        if (this->device().sampleRate > 0 || !stream_)
            return;
        const double r = stream_->stats().samplesPerSecond;
        if (r > 0 && std::abs(r - measuredRate_) > 0.01 * r) {
            measuredRate_ = r;
            applyConfig();
        }
    });
    timer->start();
}

SpectrumInstrument::~SpectrumInstrument()
{
    if (feeder_)
        feeder_->stop();
    if (subscription_)
        subscription_->unsubscribe();
}

double SpectrumInstrument::sampleRate() const
{
    return device().sampleRate > 0 ? device().sampleRate : measuredRate_;
}

void SpectrumInstrument::buildUi()
{
    auto *top = new QVBoxLayout(this);
    top->setContentsMargins(0, 0, 0, 0);
    top->setSpacing(0);
    auto *bar = new QToolBar(this);
    bar->setIconSize(QSize(20, 20));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    top->addWidget(bar);

    runAction_ = bar->addAction(QIcon(QStringLiteral(":/icons/stop.svg")), tr("Stop"));
    runAction_->setObjectName(QStringLiteral("actionRunStop"));
    runAction_->setShortcut(QKeySequence(Qt::Key_F5 | Qt::SHIFT));
    runAction_->setToolTip(tr("Run/Stop the analysis (Shift+F5)"));
    connect(runAction_, &QAction::triggered, this, [this] { setRunning(!running()); });
    bar->addAction(tr("Reset average"), this, [this] {
        if (feeder_)
            feeder_->resetAverage();
    });
    bar->addSeparator();
    QAction *csv = bar->addAction(QIcon(QStringLiteral(":/icons/export.svg")), tr("Export CSV…"),
                                  this, [this] {
                                      const QString path = QFileDialog::getSaveFileName(
                                          this, tr("Export spectrum"),
                                          QStringLiteral("spectrum.csv"), tr("CSV (*.csv)"));
                                      if (!path.isEmpty())
                                          exportCsv(path);
                                  });
    csv->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    bar->addAction(tr("Export PNG/SVG…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export view"),
                                                          QStringLiteral("spectrum.png"),
                                                          tr("PNG (*.png);;SVG (*.svg)"));
        if (path.isEmpty())
            return;
        const bool ok = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)
                            ? plot_->exportSvg(path)
                            : plot_->exportPng(path);
        host_.showStatusMessage(ok ? tr("Saved %1").arg(path) : tr("Could not write %1").arg(path));
    });
    // The shortcuts act wherever the focus is in this instrument (plot, panel, ...), not only on
    // the toolbar, which never takes focus; and not in another instrument's tab.
    for (QAction *a : bar->actions())
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addActions(bar->actions());
    bar->addSeparator();
    status_ = new QLabel(tr("Waiting for data…"), this);
    status_->setObjectName(QStringLiteral("spectrumStatus"));
    bar->addWidget(status_);

    auto *split = new QSplitter(Qt::Horizontal, this);
    top->addWidget(split, 1);
    auto *views = new QSplitter(Qt::Vertical, split);
    plot_ = new ui::SpectrumPlot(views);
    plot_->setObjectName(QStringLiteral("spectrumPlot"));
    waterfall_ = new ui::Waterfall(views);
    waterfall_->setObjectName(QStringLiteral("waterfall"));
    views->addWidget(plot_);
    views->addWidget(waterfall_);
    views->setStretchFactor(0, 3);
    views->setStretchFactor(1, 2);
    split->addWidget(views);
    // The waterfall follows the plot's frequency span so its columns line up under the trace.
    connect(plot_, &ui::SpectrumPlot::frequencyRangeChanged, waterfall_,
            &ui::Waterfall::setFrequencyRange);
    connect(plot_, &ui::SpectrumPlot::levelRangeChanged, this, [this](double ref, double div) {
        settings_.referenceLevel = ref;
        settings_.dbPerDivision = div;
        syncControls();
    });
    connect(plot_, &ui::SpectrumPlot::markersChanged, this, [this] {
        settings_.markers = plot_->markers();
        updateMarkerTable();
    });

    auto *panel = new QWidget;
    auto *panelLayout = new QVBoxLayout(panel);
    panelLayout->addWidget(buildFftGroup());
    auto *channels = new QGroupBox(tr("Channels"));
    channelGrid_ = new QGridLayout(channels);
    channelGrid_->addWidget(new QLabel(tr("Waiting for the stream's channels…")), 0, 0);
    panelLayout->addWidget(channels);
    panelLayout->addWidget(buildDisplayGroup());
    panelLayout->addWidget(buildMarkerGroup());
    panelLayout->addWidget(buildMeasurementGroup(), 1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(390);
    split->addWidget(scroll);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
}

QWidget *SpectrumInstrument::buildFftGroup()
{
    auto *box = new QGroupBox(tr("FFT"));
    auto *form = new QFormLayout(box);
    fftSize_ = new QComboBox;
    fftSize_->setObjectName(QStringLiteral("fftSize"));
    for (std::size_t n : fftSizes())
        fftSize_->addItem(sizeText(n), QVariant::fromValue<qulonglong>(n));
    window_ = new QComboBox;
    window_->setObjectName(QStringLiteral("window"));
    for (std::size_t i = 0; i < std::size(kWindows); ++i)
        window_->addItem(tr(kWindowNames[i]), int(kWindows[i]));
    kaiserBeta_ = new QDoubleSpinBox;
    kaiserBeta_->setRange(0, 40);
    kaiserBeta_->setDecimals(1);
    kaiserBeta_->setPrefix(QStringLiteral("β "));
    averaging_ = new QComboBox;
    averaging_->setObjectName(QStringLiteral("averaging"));
    for (std::size_t i = 0; i < std::size(kAveraging); ++i)
        averaging_->addItem(tr(kAveragingNames[i]), int(kAveraging[i]));
    averages_ = new QSpinBox;
    averages_->setRange(1, 10000);
    overlap_ = new QSpinBox;
    overlap_->setRange(0, 95);
    overlap_->setSuffix(QStringLiteral(" %"));
    unit_ = new QComboBox;
    unit_->setObjectName(QStringLiteral("unit"));
    for (dsp::SpectrumUnit u : kUnits)
        unit_->addItem(QString::fromUtf8(dsp::unitLabel(u)), int(u));
    auto *windowRow = new QHBoxLayout;
    windowRow->addWidget(window_, 1);
    windowRow->addWidget(kaiserBeta_);
    form->addRow(tr("Size"), fftSize_);
    form->addRow(tr("Window"), windowRow);
    form->addRow(tr("Averaging"), averaging_);
    form->addRow(tr("Count"), averages_);
    form->addRow(tr("Overlap"), overlap_);
    form->addRow(tr("Unit"), unit_);
    const auto changed = [this] {
        if (syncing_)
            return;
        readFftControls();
        applyConfig();
    };
    for (QComboBox *c : {fftSize_, window_, averaging_, unit_})
        connect(c, &QComboBox::currentIndexChanged, this, changed);
    connect(kaiserBeta_, &QDoubleSpinBox::valueChanged, this, changed);
    for (QSpinBox *s : {averages_, overlap_})
        connect(s, &QSpinBox::valueChanged, this, changed);
    return box;
}

void SpectrumInstrument::readFftControls()
{
    settings_.fftSize = fftSize_->currentData().toULongLong();
    settings_.window.type = dsp::WindowType(window_->currentData().toInt());
    settings_.window.kaiserBeta = kaiserBeta_->value();
    settings_.averaging = dsp::Averaging(averaging_->currentData().toInt());
    settings_.averages = unsigned(averages_->value());
    settings_.overlap = overlap_->value() / 100.0;
    const auto unit = dsp::SpectrumUnit(unit_->currentData().toInt());
    if (unit != settings_.unit) {
        // A useful starting view for the new unit: the top at 0 dB (dBFS) or at typical
        // levels (dBV), or 1 mV/sqrt(Hz) for densities.
        settings_.referenceLevel = unit == dsp::SpectrumUnit::Dbv               ? 10
                                   : unit == dsp::SpectrumUnit::VoltsPerRootHz ? -60
                                                                               : 0;
        settings_.waterfallHigh = settings_.referenceLevel;
        settings_.waterfallLow = settings_.referenceLevel - 120;
        settings_.unit = unit;
        syncControls();
        applyDisplay();
    }
    kaiserBeta_->setEnabled(settings_.window.type == dsp::WindowType::Kaiser);
    averages_->setEnabled(settings_.averaging == dsp::Averaging::Linear
                          || settings_.averaging == dsp::Averaging::Exponential);
}

QWidget *SpectrumInstrument::buildDisplayGroup()
{
    auto *box = new QGroupBox(tr("Display"));
    auto *form = new QFormLayout(box);
    refLevel_ = new QDoubleSpinBox;
    refLevel_->setObjectName(QStringLiteral("referenceLevel"));
    refLevel_->setRange(-300, 300);
    refLevel_->setDecimals(1);
    refLevel_->setSuffix(QStringLiteral(" dB"));
    dbPerDiv_ = new QComboBox;
    for (double d : {1.0, 2.0, 5.0, 10.0, 20.0})
        dbPerDiv_->addItem(QStringLiteral("%1 dB/div").arg(d), d);
    logFrequency_ = new QCheckBox(tr("Logarithmic frequency"));
    waterfallOn_ = new QCheckBox(tr("Waterfall"));
    waterfallLow_ = new QDoubleSpinBox;
    waterfallHigh_ = new QDoubleSpinBox;
    for (QDoubleSpinBox *s : {waterfallLow_, waterfallHigh_}) {
        s->setRange(-300, 300);
        s->setDecimals(0);
        s->setSuffix(QStringLiteral(" dB"));
    }
    auto *range = new QHBoxLayout;
    range->addWidget(waterfallLow_);
    range->addWidget(new QLabel(QStringLiteral("…")));
    range->addWidget(waterfallHigh_);
    form->addRow(tr("Reference"), refLevel_);
    form->addRow(tr("Scale"), dbPerDiv_);
    form->addRow(logFrequency_);
    form->addRow(waterfallOn_);
    form->addRow(tr("Colour range"), range);
    const auto changed = [this] {
        if (syncing_)
            return;
        settings_.referenceLevel = refLevel_->value();
        settings_.dbPerDivision = dbPerDiv_->currentData().toDouble();
        settings_.logFrequency = logFrequency_->isChecked();
        settings_.waterfall = waterfallOn_->isChecked();
        settings_.waterfallLow = waterfallLow_->value();
        settings_.waterfallHigh = waterfallHigh_->value();
        applyDisplay();
    };
    connect(refLevel_, &QDoubleSpinBox::valueChanged, this, changed);
    connect(dbPerDiv_, &QComboBox::currentIndexChanged, this, changed);
    for (QCheckBox *c : {logFrequency_, waterfallOn_})
        connect(c, &QCheckBox::toggled, this, changed);
    for (QDoubleSpinBox *s : {waterfallLow_, waterfallHigh_})
        connect(s, &QDoubleSpinBox::valueChanged, this, changed);
    return box;
}

QWidget *SpectrumInstrument::buildMarkerGroup()
{
    auto *box = new QGroupBox(tr("Markers"));
    auto *layout = new QVBoxLayout(box);
    auto *row = new QHBoxLayout;
    markerType_ = new QComboBox;
    for (ui::MarkerType t : {ui::MarkerType::Peak, ui::MarkerType::NextPeak,
                             ui::MarkerType::Fixed, ui::MarkerType::Delta})
        markerType_->addItem(ui::markerTypeName(t), int(t));
    auto *add = new QPushButton(tr("Add"));
    add->setObjectName(QStringLiteral("addMarker"));
    auto *remove = new QPushButton(tr("Remove last"));
    row->addWidget(markerType_, 1);
    row->addWidget(add);
    row->addWidget(remove);
    layout->addLayout(row);
    markerTable_ = new QTableWidget(0, 4);
    markerTable_->setObjectName(QStringLiteral("markerTable"));
    markerTable_->setHorizontalHeaderLabels({tr("Marker"), tr("Type"), tr("Frequency"), tr("Level")});
    markerTable_->verticalHeader()->hide();
    markerTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    markerTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    markerTable_->setMinimumHeight(120);
    layout->addWidget(markerTable_);
    layout->addWidget(new QLabel(tr("Double-click the plot to place marker 1.")));
    connect(add, &QPushButton::clicked, this, [this] {
        std::vector<ui::SpectrumMarker> m = plot_->markers();
        if (int(m.size()) >= ui::SpectrumPlot::kMaxMarkers)
            return;
        ui::SpectrumMarker marker;
        marker.type = ui::MarkerType(markerType_->currentData().toInt());
        marker.trace = std::max(0, settings_.waterfallTrace);
        // Fixed and Delta start where the highest peak in view is now.
        const QList<ui::MarkerReadout> r = plot_->markerReadouts();
        const auto snap = plot_->snapshot();
        marker.frequency = 0.5 * (plot_->frequencyStart() + plot_->frequencyStop());
        if (snap && !r.isEmpty() && r.front().valid)
            marker.frequency = r.front().frequency;
        plot_->setMarkers([&] {
            m.push_back(marker);
            return m;
        }());
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        std::vector<ui::SpectrumMarker> m = plot_->markers();
        if (!m.empty())
            m.pop_back();
        plot_->setMarkers(m);
    });
    return box;
}

QWidget *SpectrumInstrument::buildMeasurementGroup()
{
    auto *box = new QGroupBox(tr("Single-tone measurements"));
    auto *layout = new QVBoxLayout(box);
    measurements_ = new QTableWidget(0, 2);
    measurements_->setObjectName(QStringLiteral("measurements"));
    measurements_->setHorizontalHeaderLabels({tr("Quantity"), tr("Value")});
    measurements_->verticalHeader()->hide();
    measurements_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    measurements_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    measurements_->setMinimumHeight(200);
    layout->addWidget(measurements_);
    return box;
}

void SpectrumInstrument::onLayout(std::shared_ptr<const ScanLayout> layout)
{
    layout_ = std::move(layout);
    if (!layout_)
        return;
    rebuildChannelRows();
    applyConfig();
}

void SpectrumInstrument::rebuildChannelRows()
{
    while (QLayoutItem *item = channelGrid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    iChannel_ = new QComboBox;
    iChannel_->setObjectName(QStringLiteral("iChannel"));
    qChannel_ = new QComboBox;
    qChannel_->setObjectName(QStringLiteral("qChannel"));
    iChannel_->addItem(tr("none"), -1);
    qChannel_->addItem(tr("none"), -1);
    int row = 0;
    for (std::size_t i = 0; i < layout_->channels.size(); ++i) {
        const ChannelLayout &ch = layout_->channels[i];
        if (ch.type.storageBits > 32 || ch.type.repeat != 1)
            continue;
        const QString name = QStringLiteral("CH%1 %2").arg(i + 1).arg(
            QString::fromStdString(ch.label.empty() ? ch.id : ch.label));
        auto *enabled = new QCheckBox(name);
        enabled->setObjectName(QStringLiteral("channelEnabled%1").arg(i));
        enabled->setChecked(settings_.channelEnabled(i));
        connect(enabled, &QCheckBox::toggled, this, [this, i](bool on) {
            if (settings_.channels.size() <= i)
                settings_.channels.resize(i + 1, true);
            settings_.channels[i] = on;
            applyConfig();
        });
        channelGrid_->addWidget(enabled, row++, 0, 1, 2);
        iChannel_->addItem(name, int(i));
        qChannel_->addItem(name, int(i));
    }
    channelGrid_->addWidget(new QLabel(tr("I/Q pair: I")), row, 0);
    channelGrid_->addWidget(iChannel_, row++, 1);
    channelGrid_->addWidget(new QLabel(tr("Q")), row, 0);
    channelGrid_->addWidget(qChannel_, row++, 1);
    const auto pairChanged = [this] {
        if (syncing_)
            return;
        settings_.iChannel = iChannel_->currentData().toInt();
        settings_.qChannel = qChannel_->currentData().toInt();
        applyConfig();
    };
    connect(iChannel_, &QComboBox::currentIndexChanged, this, pairChanged);
    connect(qChannel_, &QComboBox::currentIndexChanged, this, pairChanged);
    syncControls();
}

void SpectrumInstrument::syncControls()
{
    syncing_ = true;
    const auto select = [](QComboBox *box, const QVariant &v) {
        if (!box)
            return;
        const int i = box->findData(v);
        if (i >= 0)
            box->setCurrentIndex(i);
    };
    select(fftSize_, QVariant::fromValue<qulonglong>(settings_.fftSize));
    select(window_, int(settings_.window.type));
    kaiserBeta_->setValue(settings_.window.kaiserBeta);
    kaiserBeta_->setEnabled(settings_.window.type == dsp::WindowType::Kaiser);
    select(averaging_, int(settings_.averaging));
    averages_->setValue(int(settings_.averages));
    overlap_->setValue(int(std::lround(settings_.overlap * 100)));
    select(unit_, int(settings_.unit));
    select(iChannel_, settings_.iChannel);
    select(qChannel_, settings_.qChannel);
    refLevel_->setValue(settings_.referenceLevel);
    select(dbPerDiv_, settings_.dbPerDivision);
    logFrequency_->setChecked(settings_.logFrequency);
    waterfallOn_->setChecked(settings_.waterfall);
    waterfallLow_->setValue(settings_.waterfallLow);
    waterfallHigh_->setValue(settings_.waterfallHigh);
    syncing_ = false;
}

void SpectrumInstrument::applyDisplay()
{
    plot_->setReferenceLevel(settings_.referenceLevel);
    plot_->setDbPerDivision(settings_.dbPerDivision);
    plot_->setLogFrequency(settings_.logFrequency);
    waterfall_->setLogFrequency(settings_.logFrequency);
    waterfall_->setFrequencyRange(plot_->frequencyStart(), plot_->frequencyStop());
    waterfall_->setLevelRange(settings_.waterfallLow, settings_.waterfallHigh);
    waterfall_->setVisible(settings_.waterfall);
    if (plot_->markers().size() != settings_.markers.size())
        plot_->setMarkers(settings_.markers);
}

void SpectrumInstrument::applyConfig()
{
    if (!layout_ || !feeder_)
        return;
    traces_ = traceSources(*layout_, settings_);
    if (traces_.empty()) {
        status_->setText(tr("No channel selected"));
        return;
    }
    FeederConfig config;
    config.layout = layout_;
    config.sampleRate = sampleRate();
    config.traces = traces_;
    config.settings = settings_;
    feeder_->configure(std::move(config));
    const std::size_t bins = traces_.front().q ? settings_.fftSize : settings_.fftSize / 2 + 1;
    const double df = sampleRate() / double(settings_.fftSize);
    configText_ = tr("%1 points, %2 bins of %3")
                      .arg(sizeText(settings_.fftSize))
                      .arg(bins)
                      .arg(ui::formatEngineering(df, QStringLiteral("Hz")));
    // Until the first spectrum of a new size arrives the plot still shows the old one: say so
    // (16 M points at 1 MS/s take 17 s to gather).
    const auto shown = plot_->snapshot();
    acquiringNewSpan_ = shown && (shown->bins != bins || shown->df != df);
    status_->setText(acquiringNewSpan_ ? tr("%1: acquiring the first spectrum (%2 of samples)…")
                                             .arg(configText_, ui::formatEngineering(
                                                                   1.0 / df, QStringLiteral("s")))
                                       : configText_);
}

bool SpectrumInstrument::deliver()
{
    if (!feeder_)
        return false;
    auto snap = feeder_->takeLatest();
    if (!snap)
        return false;
    const auto previous = plot_->snapshot();
    // A new span (size, rate, I/Q): show all of it.
    const bool newSpan = !previous || previous->bins != snap->bins || previous->df != snap->df
                         || previous->f0 != snap->f0;
    plot_->setSnapshot(snap);
    if (newSpan)
        plot_->fit();
    if (acquiringNewSpan_ && newSpan) {
        acquiringNewSpan_ = false;
        status_->setText(configText_);
    }
    if (settings_.waterfall)
        waterfall_->addSpectrum(*snap, std::min<int>(settings_.waterfallTrace,
                                                     int(snap->traces.size()) - 1));
    updateMarkerTable();
    return true;
}

void SpectrumInstrument::updateMarkerTable()
{
    const QList<ui::MarkerReadout> readouts = plot_->markerReadouts();
    markerTable_->setRowCount(int(readouts.size()));
    const auto snap = plot_->snapshot();
    const QString unit = snap ? snap->unit : QString();
    for (int row = 0; row < readouts.size(); ++row) {
        const ui::MarkerReadout &r = readouts[row];
        const bool delta = r.type == ui::MarkerType::Delta;
        setCell(markerTable_, row, 0, QStringLiteral("%1%2").arg(delta ? "D" : "M").arg(row + 1));
        setCell(markerTable_, row, 1, ui::markerTypeName(r.type));
        if (!r.valid) {
            setCell(markerTable_, row, 2, QStringLiteral("—"));
            setCell(markerTable_, row, 3, QStringLiteral("—"));
            continue;
        }
        setCell(markerTable_, row, 2,
                (delta ? QStringLiteral("Δ ") : QString())
                    + ui::formatEngineering(delta ? r.deltaFrequency : r.frequency,
                                            QStringLiteral("Hz"), 6));
        const bool decibels = !snap || snap->decibels;
        setCell(markerTable_, row, 3,
                delta ? QStringLiteral("Δ %1 dB").arg(r.deltaLevel, 0, 'f', 2)
                : decibels ? QStringLiteral("%1 %2").arg(r.level, 0, 'f', 2).arg(unit)
                           : ui::formatEngineering(r.value, unit));
    }
}

void SpectrumInstrument::onMeasured(const std::vector<TraceMetrics> &results)
{
    metrics_ = results;
    int rows = 0;
    const auto add = [&](const QString &name, const QString &value) {
        measurements_->setRowCount(rows + 1);
        setCell(measurements_, rows, 0, name);
        setCell(measurements_, rows, 1, value);
        ++rows;
    };
    for (const TraceMetrics &r : results) {
        const QString label = r.trace < traces_.size() ? traces_[r.trace].label
                                                       : QStringLiteral("trace %1").arg(r.trace + 1);
        if (!r.metrics) {
            add(label, r.error);
            continue;
        }
        const dsp::ToneMetrics &m = *r.metrics;
        add(label, ui::formatEngineering(m.fundamentalHz, QStringLiteral("Hz"), 6)
                       + QStringLiteral("  %1 dBFS").arg(m.fundamentalDbfs, 0, 'f', 2));
        add(tr("SNR"), dbText(m.snrDb));
        add(tr("SFDR"), QStringLiteral("%1 dBc").arg(m.sfdrDbc, 0, 'f', 1));
        add(tr("THD"), QStringLiteral("%1 dBc").arg(m.thdDbc, 0, 'f', 1));
        add(tr("SINAD"), dbText(m.sinadDb));
        add(tr("ENOB"), QStringLiteral("%1 bits").arg(m.enob, 0, 'f', 2));
        add(tr("Noise floor"), QStringLiteral("%1 dBFS/bin").arg(m.noiseFloorDbfs, 0, 'f', 1));
        if (m.windowLimited)
            add(tr("Window limit"), tr("SNR %1 dB, SFDR %2 dBc at most: use Kaiser β ≥ 16")
                                        .arg(m.windowCeiling.snrDb, 0, 'f', 1)
                                        .arg(m.windowCeiling.sfdrDbc, 0, 'f', 1));
    }
    measurements_->setRowCount(rows);
}

bool SpectrumInstrument::running() const
{
    return feeder_ && !feeder_->paused();
}

void SpectrumInstrument::setRunning(bool run)
{
    if (!feeder_)
        return;
    feeder_->setPaused(!run);
    runAction_->setText(run ? tr("Stop") : tr("Run"));
    runAction_->setIcon(QIcon(run ? QStringLiteral(":/icons/stop.svg")
                                  : QStringLiteral(":/icons/run.svg")));
}

void SpectrumInstrument::setSettings(const SpectrumSettings &settings)
{
    settings_ = settings;
    if (layout_)
        rebuildChannelRows();
    syncControls();
    plot_->setMarkers(settings_.markers);
    applyDisplay();
    applyConfig();
}

bool SpectrumInstrument::exportCsv(const QString &path)
{
    const auto snap = plot_->snapshot();
    if (!snap || snap->traces.empty()) {
        host_.showStatusMessage(tr("No spectrum yet"));
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        host_.showStatusMessage(tr("Could not write %1: %2").arg(path, file.errorString()));
        return false;
    }
    QTextStream out(&file);
    // The bins in view (the whole spectrum when not zoomed).
    const std::size_t rows = writeSpectrumCsv(*snap, out, snap->binAt(plot_->frequencyStart()),
                                              snap->binAt(plot_->frequencyStop()));
    out.flush();
    if (file.error() != QFileDevice::NoError) {
        host_.showStatusMessage(tr("Could not write %1: %2").arg(path, file.errorString()));
        return false;
    }
    host_.showStatusMessage(tr("Exported %1 bins to %2").arg(rows).arg(path));
    return true;
}

QJsonObject SpectrumInstrument::saveState() const
{
    QJsonObject o = settings_.toJson();
    o.insert(QStringLiteral("running"), running());
    return o;
}

void SpectrumInstrument::restoreState(const QJsonObject &state)
{
    setSettings(SpectrumSettings::fromJson(state));
    setRunning(state.value(QLatin1String("running")).toBool(true));
}

} // namespace dmascope::spectrum

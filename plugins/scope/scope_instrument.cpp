#include "scope_instrument.h"

#include "scope_csv.h"
#include "scope_feeder.h"

#include "dmascope/plugin/instrument_host.h"
#include "dmascope/scan_layout.h"
#include "dmascope/stream.h"
#include "dmascope/ui/engineering.h"
#include "dmascope/ui/frame_pacer.h"
#include "dmascope/ui/snapshot_producer.h"
#include "dmascope/ui/time_plot.h"

#include <QAction>
#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
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
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace dmascope::scope {

namespace {

// 1-2-5 timebase steps from 100 ns/div to 1 s/div.
std::vector<double> timebaseSteps()
{
    std::vector<double> out;
    for (double decade = 1e-7; decade < 2; decade *= 10)
        for (double m : {1.0, 2.0, 5.0})
            if (m * decade <= 1.0 + 1e-12)
                out.push_back(m * decade);
    return out;
}

const std::size_t kRecordLengths[] = {0, 1000, 10'000, 100'000, 1'000'000, 4u << 20, 16u << 20};

QString timeText(double s)
{
    return ui::formatEngineering(s, QStringLiteral("s"));
}

QString recordText(std::size_t n)
{
    if (n == 0)
        return QObject::tr("Auto (screen)");
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        return QStringLiteral("%1 M").arg(n >> 20);
    return ui::formatEngineering(static_cast<double>(n), QString());
}

// The measurements shown per channel, in table order.
struct Quantity
{
    const char *name;
    const char *unit;
    std::optional<double> (*value)(const dsp::Measurements &);
    const dsp::RunningStats &(*stats)(const dsp::MeasurementStats &);
};

const Quantity kQuantities[] = {
    {"Frequency", "Hz", [](const dsp::Measurements &m) { return m.frequency; },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.frequency; }},
    {"Period", "s", [](const dsp::Measurements &m) { return m.period; },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.period; }},
    {"Min", "V", [](const dsp::Measurements &m) { return std::optional(m.min); },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.min; }},
    {"Max", "V", [](const dsp::Measurements &m) { return std::optional(m.max); },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.max; }},
    {"Pk-Pk", "V", [](const dsp::Measurements &m) { return std::optional(m.peakToPeak); },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.peakToPeak; }},
    {"Mean", "V", [](const dsp::Measurements &m) { return std::optional(m.mean); },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.mean; }},
    {"RMS", "V", [](const dsp::Measurements &m) { return std::optional(m.rms); },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.rms; }},
    {"Duty", "%", [](const dsp::Measurements &m) {
         return m.dutyCycle ? std::optional(*m.dutyCycle * 100) : std::nullopt; },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.dutyCycle; }},
    {"Rise", "s", [](const dsp::Measurements &m) { return m.riseTime; },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.riseTime; }},
    {"Fall", "s", [](const dsp::Measurements &m) { return m.fallTime; },
     [](const dsp::MeasurementStats &s) -> const dsp::RunningStats & { return s.fallTime; }},
};

} // namespace

ScopeInstrument::ScopeInstrument(plugin::InstrumentHost &host,
                                 const plugin::DeviceDescription &device, QWidget *parent)
    : Instrument(device, parent), host_(host)
{
    setObjectName(QStringLiteral("scopeInstrument"));
    producer_ = new ui::SnapshotProducer(this);
    buildUi();
    pacer_ = new ui::FramePacer(producer_, plot_, plot_);

    QString error;
    stream_ = host_.openStream(device, &error);
    if (!stream_) {
        triggerStatus_->setText(tr("No stream: %1").arg(error));
        host_.showStatusMessage(tr("%1: %2").arg(device.displayName(), error), 10000);
        return;
    }
    subscription_ = stream_->subscribe(SubscriptionKind::Lossy);
    feeder_ = std::make_unique<ScopeFeeder>(subscription_, producer_);
    connect(feeder_.get(), &ScopeFeeder::layoutChanged, this, &ScopeInstrument::onLayout);
    connect(feeder_.get(), &ScopeFeeder::ended, this, [this](const QString &reason) {
        triggerStatus_->setText(reason.isEmpty() ? tr("Stream stopped")
                                                 : tr("Stream ended: %1").arg(reason));
    });
    feeder_->start();

    // The trigger status, the newest measured capture, the cursor panel and, when the device did
    // not say, the stream's measured rate.
    auto *timer = new QTimer(this);
    timer->setInterval(200);
    connect(timer, &QTimer::timeout, this, [this] {
        if (!(this->device().sampleRate > 0) && stream_) {
            const double r = stream_->stats().samplesPerSecond;
            if (r > 0 && std::abs(r - measuredRate_) > 0.01 * r) {
                measuredRate_ = r;
                applyConfig();
            }
        }
        updateTriggerStatus();
        const ui::RecordMeasurements m = producer_->measurements();
        if (m.sequence != 0 && m.sequence != measuredSequence_) {
            measuredSequence_ = m.sequence;
            onMeasured(m);
        }
        updateCursorPanel();
    });
    timer->start();
}

ScopeInstrument::~ScopeInstrument()
{
    // The feeder thread submits to producer_; stop it before the producer (a child) goes.
    if (feeder_)
        feeder_->stop();
    if (subscription_)
        subscription_->unsubscribe();
}

double ScopeInstrument::sampleRate() const
{
    return device().sampleRate > 0 ? device().sampleRate : measuredRate_;
}

void ScopeInstrument::buildUi()
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
    runAction_->setToolTip(tr("Run/Stop acquisition display (Shift+F5)"));
    connect(runAction_, &QAction::triggered, this, [this] {
        if (running() && !singleCaptured()) {
            setRunning(false);
            return;
        }
        // Run after a single capture (or a stop while waiting for one) acquires again in the
        // mode used before Single.
        if (settings_.mode == dsp::TriggerMode::Single) {
            settings_.mode = modeBeforeSingle_;
            syncControls();
            applyConfig();
        }
        setRunning(true);
    });
    QAction *singleAction = bar->addAction(QIcon(QStringLiteral(":/icons/single.svg")),
                                           tr("Single"), this, &ScopeInstrument::single);
    singleAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    singleAction->setToolTip(tr("Capture the next trigger, then stop (Ctrl+G)"));
    bar->addSeparator();
    QAction *csv = bar->addAction(QIcon(QStringLiteral(":/icons/export.svg")), tr("Export CSV…"),
                                  this, [this] {
                                      const QString path = QFileDialog::getSaveFileName(
                                          this, tr("Export visible capture"),
                                          QStringLiteral("capture.csv"), tr("CSV (*.csv)"));
                                      if (!path.isEmpty())
                                          exportCsv(path);
                                  });
    csv->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    bar->addAction(tr("Export PNG…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"),
                                                          QStringLiteral("capture.png"),
                                                          tr("PNG (*.png);;SVG (*.svg)"));
        if (path.isEmpty())
            return;
        const bool ok = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)
                            ? plot_->exportSvg(path)
                            : plot_->exportPng(path);
        host_.showStatusMessage(ok ? tr("Saved %1").arg(path) : tr("Could not write %1").arg(path));
    });
    bar->addSeparator();
    persistenceAction_ = bar->addAction(tr("Persistence"));
    persistenceAction_->setObjectName(QStringLiteral("actionPersistence"));
    persistenceAction_->setCheckable(true);
    persistenceAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    persistenceAction_->setToolTip(tr("Intensity-graded persistence (Ctrl+Shift+P)"));
    timeCursorsAction_ = bar->addAction(tr("Time cursors"));
    timeCursorsAction_->setObjectName(QStringLiteral("actionTimeCursors"));
    timeCursorsAction_->setCheckable(true);
    timeCursorsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    timeCursorsAction_->setToolTip(tr("Two time cursors with Δt and 1/Δt (Ctrl+Shift+T)"));
    valueCursorsAction_ = bar->addAction(tr("Value cursors"));
    valueCursorsAction_->setObjectName(QStringLiteral("actionValueCursors"));
    valueCursorsAction_->setCheckable(true);
    valueCursorsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    valueCursorsAction_->setToolTip(tr("Two voltage cursors with ΔV (Ctrl+Shift+V)"));
    QAction *autoscale = bar->addAction(tr("Autoscale"), this, [this] {
        if (!autoscaleNow())
            host_.showStatusMessage(tr("Autoscale: nothing measured yet"));
    });
    autoscale->setObjectName(QStringLiteral("actionAutoscale"));
    autoscale->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    autoscale->setToolTip(tr("V/div, offset and timebase from the signal (Ctrl+Shift+A)"));
    followAction_ = new QAction(tr("Follow signal"), this);
    followAction_->setObjectName(QStringLiteral("actionFollow"));
    followAction_->setCheckable(true);
    followAction_->setToolTip(tr("Autoscale V/div whenever the signal leaves or underuses the screen"));
    connect(persistenceAction_, &QAction::toggled, this, [this](bool on) {
        settings_.persistence = on;
        applyDisplay();
    });
    connect(followAction_, &QAction::toggled, this, [this](bool on) {
        settings_.autoscale = on;
        if (on)
            autoscaleChannels(false);
    });
    connect(timeCursorsAction_, &QAction::toggled, this, [this](bool on) {
        settings_.timeCursors = on;
        if (on && settings_.timeCursor1 == settings_.timeCursor2) { // first use: 2nd and 8th division
            const ui::ViewRange v = plot_->view();
            settings_.timeCursor1 = v.t0 + 0.2 * (v.t1 - v.t0);
            settings_.timeCursor2 = v.t0 + 0.8 * (v.t1 - v.t0);
        }
        applyDisplay();
    });
    connect(valueCursorsAction_, &QAction::toggled, this, [this](bool on) {
        settings_.valueCursors = on;
        if (on && settings_.valueCursor1 == settings_.valueCursor2) {
            const ui::ViewRange v = plot_->view();
            settings_.valueCursor1 = v.v0 + 0.25 * (v.v1 - v.v0);
            settings_.valueCursor2 = v.v0 + 0.75 * (v.v1 - v.v0);
        }
        applyDisplay();
    });
    // The shortcuts act wherever the focus is in this instrument (plot, panel, ...), not only on
    // the toolbar, which never takes focus; and not in another instrument's tab.
    for (QAction *a : bar->actions())
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addActions(bar->actions());
    bar->addSeparator();
    triggerStatus_ = new QLabel(tr("Waiting for data…"), this);
    triggerStatus_->setObjectName(QStringLiteral("triggerStatus"));
    bar->addWidget(triggerStatus_);

    // Plot with the measurements under it (as on a bench scope), controls on the right.
    auto *split = new QSplitter(Qt::Horizontal, this);
    top->addWidget(split, 1);
    auto *left = new QSplitter(Qt::Vertical, split);
    plot_ = new ui::TimePlot(left);
    plot_->setObjectName(QStringLiteral("timePlot"));
    plot_->setView(viewFor(settings_));
    left->addWidget(plot_);
    split->addWidget(left);
    connect(plot_, &ui::TimePlot::cursorsChanged, this, [this] {
        if (syncing_)
            return;
        const ui::CursorReadout r = plot_->cursorReadout();
        settings_.timeCursor1 = r.t1;
        settings_.timeCursor2 = r.t2;
        settings_.valueCursor1 = r.v1;
        settings_.valueCursor2 = r.v2;
        updateCursorPanel();
    });

    auto *panel = new QWidget;
    auto *panelLayout = new QVBoxLayout(panel);
    panelLayout->addWidget(buildHorizontalGroup());
    auto *channels = new QGroupBox(tr("Channels"));
    channelBox_ = channels;
    channelGrid_ = new QGridLayout(channels);
    channelGrid_->addWidget(new QLabel(tr("Waiting for the stream's channels…")), 0, 0);
    panelLayout->addWidget(channels);
    panelLayout->addWidget(buildTriggerGroup());
    panelLayout->addWidget(buildDisplayGroup());
    panelLayout->addStretch(1);
    left->addWidget(buildMeasurementGroup());
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(390);
    split->addWidget(scroll);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
}

QWidget *ScopeInstrument::buildHorizontalGroup()
{
    auto *box = new QGroupBox(tr("Horizontal"));
    auto *form = new QFormLayout(box);
    timebase_ = new QComboBox;
    timebase_->setObjectName(QStringLiteral("timebase"));
    for (double s : timebaseSteps())
        timebase_->addItem(timeText(s) + tr("/div"), s);
    recordLength_ = new QComboBox;
    recordLength_->setObjectName(QStringLiteral("recordLength"));
    for (std::size_t n : kRecordLengths)
        recordLength_->addItem(recordText(n), QVariant::fromValue<qulonglong>(n));
    triggerPosition_ = new QSpinBox;
    triggerPosition_->setRange(0, 100);
    triggerPosition_->setSuffix(tr(" % pre-trigger"));
    form->addRow(tr("Timebase"), timebase_);
    form->addRow(tr("Record length"), recordLength_);
    form->addRow(tr("Trigger position"), triggerPosition_);

    connect(timebase_, &QComboBox::currentIndexChanged, this, [this] {
        if (syncing_)
            return;
        settings_.timePerDiv = timebase_->currentData().toDouble();
        applyConfig();
    });
    connect(recordLength_, &QComboBox::currentIndexChanged, this, [this] {
        if (syncing_)
            return;
        settings_.recordLength = recordLength_->currentData().toULongLong();
        applyConfig();
    });
    connect(triggerPosition_, &QSpinBox::valueChanged, this, [this](int v) {
        if (syncing_)
            return;
        settings_.triggerPosition = v / 100.0;
        applyConfig();
    });
    return box;
}

QWidget *ScopeInstrument::buildTriggerGroup()
{
    auto *box = new QGroupBox(tr("Trigger"));
    auto *form = new QFormLayout(box);
    mode_ = new QComboBox;
    mode_->setObjectName(QStringLiteral("triggerMode"));
    mode_->addItem(tr("Auto"), static_cast<int>(dsp::TriggerMode::Auto));
    mode_->addItem(tr("Normal"), static_cast<int>(dsp::TriggerMode::Normal));
    mode_->addItem(tr("Single"), static_cast<int>(dsp::TriggerMode::Single));
    triggerSource_ = new QComboBox;
    triggerSource_->setObjectName(QStringLiteral("triggerSource"));
    edge_ = new QComboBox;
    edge_->addItem(tr("Rising"), static_cast<int>(dsp::Edge::Rising));
    edge_->addItem(tr("Falling"), static_cast<int>(dsp::Edge::Falling));
    edge_->addItem(tr("Either"), static_cast<int>(dsp::Edge::Either));
    level_ = new QDoubleSpinBox;
    level_->setObjectName(QStringLiteral("triggerLevel"));
    level_->setRange(-1000, 1000);
    level_->setDecimals(4);
    level_->setSingleStep(0.01);
    level_->setSuffix(QStringLiteral(" V"));
    hysteresis_ = new QDoubleSpinBox;
    hysteresis_->setRange(0, 1000);
    hysteresis_->setDecimals(4);
    hysteresis_->setSingleStep(0.005);
    hysteresis_->setSuffix(QStringLiteral(" V"));
    holdoff_ = new QDoubleSpinBox;
    holdoff_->setRange(0, 10);
    holdoff_->setDecimals(6);
    holdoff_->setSingleStep(1e-4);
    holdoff_->setSuffix(QStringLiteral(" s"));
    form->addRow(tr("Mode"), mode_);
    form->addRow(tr("Source"), triggerSource_);
    form->addRow(tr("Edge"), edge_);
    form->addRow(tr("Level"), level_);
    form->addRow(tr("Hysteresis"), hysteresis_);
    form->addRow(tr("Holdoff"), holdoff_);

    const auto changed = [this] {
        if (syncing_)
            return;
        settings_.mode = static_cast<dsp::TriggerMode>(mode_->currentData().toInt());
        settings_.triggerChannel = std::max(0, triggerSource_->currentData().toInt());
        settings_.edge = static_cast<dsp::Edge>(edge_->currentData().toInt());
        settings_.triggerLevel = level_->value();
        settings_.hysteresis = hysteresis_->value();
        settings_.holdoff = holdoff_->value();
        applyConfig();
    };
    for (QComboBox *c : {mode_, triggerSource_, edge_})
        connect(c, &QComboBox::currentIndexChanged, this, changed);
    for (QDoubleSpinBox *s : {level_, hysteresis_, holdoff_})
        connect(s, &QDoubleSpinBox::valueChanged, this, changed);
    return box;
}

QWidget *ScopeInstrument::buildMeasurementGroup()
{
    auto *box = new QGroupBox(tr("Measurements"));
    auto *layout = new QVBoxLayout(box);
    measurements_ = new QTableWidget(0, 7);
    measurements_->setObjectName(QStringLiteral("measurements"));
    measurements_->setHorizontalHeaderLabels(
        {tr("Ch"), tr("Quantity"), tr("Value"), tr("Mean"), tr("Min"), tr("Max"), tr("σ")});
    measurements_->verticalHeader()->hide();
    measurements_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    measurements_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    measurements_->horizontalHeader()->setStretchLastSection(true);
    measurements_->setMinimumHeight(160);
    measuredSpan_ = new QLabel(tr("Measured over the whole record"));
    measuredSpan_->setObjectName(QStringLiteral("measuredSpan"));
    measuredSpan_->setWordWrap(true);
    layout->addWidget(measuredSpan_);
    layout->addWidget(measurements_);
    auto *reset = new QPushButton(tr("Reset statistics"));
    reset->setObjectName(QStringLiteral("resetStatistics"));
    connect(reset, &QPushButton::clicked, this, [this] {
        for (dsp::MeasurementStats &s : stats_)
            s.reset();
    });
    layout->addWidget(reset);
    return box;
}

// Persistence (with its decay), autoscale following the signal, and the cursor readout. The
// check boxes are the toolbar's actions, so the shortcuts and the panel stay in step.
QWidget *ScopeInstrument::buildDisplayGroup()
{
    auto *box = new QGroupBox(tr("Display"));
    auto *form = new QFormLayout(box);
    const auto checkFor = [box](QAction *action) {
        auto *check = new QCheckBox(action->text(), box);
        check->setObjectName(action->objectName() + QStringLiteral("Check"));
        check->setToolTip(action->toolTip());
        QObject::connect(check, &QCheckBox::toggled, action, &QAction::setChecked);
        QObject::connect(action, &QAction::toggled, check, &QCheckBox::setChecked);
        return check;
    };
    decay_ = new QDoubleSpinBox;
    decay_->setObjectName(QStringLiteral("persistenceDecay"));
    decay_->setRange(0.0, 0.99);
    decay_->setDecimals(2);
    decay_->setSingleStep(0.05);
    decay_->setToolTip(tr("Fraction of the image kept per capture: higher keeps rare traces longer"));
    auto *persistenceRow = new QHBoxLayout;
    persistenceRow->addWidget(checkFor(persistenceAction_));
    persistenceRow->addWidget(new QLabel(tr("decay")));
    persistenceRow->addWidget(decay_);
    auto *clear = new QPushButton(tr("Clear"));
    connect(clear, &QPushButton::clicked, plot_, &ui::TimePlot::clearPersistence);
    persistenceRow->addWidget(clear);
    form->addRow(persistenceRow);
    form->addRow(checkFor(followAction_));
    auto *cursors = new QHBoxLayout;
    cursors->addWidget(checkFor(timeCursorsAction_));
    cursors->addWidget(checkFor(valueCursorsAction_));
    form->addRow(cursors);
    cursorPanel_ = new QLabel;
    cursorPanel_->setObjectName(QStringLiteral("cursorReadout"));
    cursorPanel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cursorPanel_->setWordWrap(true);
    form->addRow(cursorPanel_);
    connect(decay_, &QDoubleSpinBox::valueChanged, this, [this](double d) {
        if (syncing_)
            return;
        settings_.persistenceDecay = d;
        applyDisplay();
    });
    return box;
}

// Pushes the display settings into the plot (without echoing the plot's cursorsChanged back).
void ScopeInstrument::applyDisplay()
{
    const bool wasSyncing = std::exchange(syncing_, true);
    if (plot_->persistence() != settings_.persistence)
        plot_->setPersistence(settings_.persistence, settings_.persistenceDecay);
    else if (settings_.persistence)
        plot_->setPersistence(true, settings_.persistenceDecay);
    plot_->setTimeCursors(settings_.timeCursors, settings_.timeCursor1, settings_.timeCursor2);
    plot_->setValueCursors(settings_.valueCursors, settings_.valueCursor1, settings_.valueCursor2);
    syncing_ = wasSyncing;
    updateCursorPanel();
}

QString ScopeInstrument::cursorText() const
{
    const ui::CursorReadout r = plot_->cursorReadout();
    QStringList lines;
    const auto t = [](double s) { return ui::formatEngineering(s, QStringLiteral("s")); };
    const auto v = [](double x) { return ui::formatEngineering(x, QStringLiteral("V")); };
    if (settings_.timeCursors) {
        QString line = tr("t1 %1   t2 %2   Δt %3").arg(t(r.t1), t(r.t2), t(r.deltaT));
        if (r.inverseDeltaT)
            line += tr("   1/Δt %1").arg(ui::formatEngineering(*r.inverseDeltaT, QStringLiteral("Hz")));
        lines << line;
        for (int k = 0; k < r.atT1.size() && k < static_cast<int>(shown_.size()); ++k) {
            const double a = r.atT1[k];
            const double b = r.atT2[k];
            if (std::isnan(a) && std::isnan(b))
                continue;
            lines << tr("CH%1: %2 → %3   Δ %4")
                         .arg(shown_[static_cast<std::size_t>(k)] + 1)
                         .arg(std::isnan(a) ? QStringLiteral("—") : v(a),
                              std::isnan(b) ? QStringLiteral("—") : v(b),
                              std::isnan(a) || std::isnan(b) ? QStringLiteral("—") : v(b - a));
        }
    }
    if (settings_.valueCursors)
        lines << tr("CH%1 cursors: v1 %2   v2 %3   ΔV %4")
                     .arg(reference_ + 1)
                     .arg(v(r.v1), v(r.v2), v(r.deltaV));
    return lines.join(QLatin1Char('\n'));
}

void ScopeInstrument::updateCursorPanel()
{
    if (!cursorPanel_)
        return;
    const QString text = cursorText();
    cursorPanel_->setVisible(!text.isEmpty());
    if (cursorPanel_->text() != text)
        cursorPanel_->setText(text);
}

const dsp::MeasurementStats *ScopeInstrument::statistics(std::size_t channel) const
{
    return channel < stats_.size() ? &stats_[channel] : nullptr;
}

bool ScopeInstrument::autoscaleChannels(bool force)
{
    bool changed = false;
    for (std::size_t i : shown_) {
        if (i >= latest_.size() || !latest_[i] || !settings_.channel(i).enabled)
            continue;
        if (settings_.channels.size() <= i)
            settings_.channels.resize(i + 1);
        changed |= autoscaleChannel(&settings_.channels[i], latest_[i]->min, latest_[i]->max, force);
    }
    if (changed) {
        if (layout_)
            rebuildChannelRows();
        syncControls();
        applyConfig();
    }
    return changed;
}

bool ScopeInstrument::autoscaleNow()
{
    const auto trigger = static_cast<std::size_t>(std::max(settings_.triggerChannel, 0));
    if (trigger >= latest_.size() || !latest_[trigger])
        return false;
    // The trigger level to the middle of the signal, so that it keeps triggering.
    const dsp::Measurements &m = *latest_[trigger];
    settings_.triggerLevel = 0.5 * (m.min + m.max);
    if (m.frequency && *m.frequency > 0)
        settings_.timePerDiv = timebaseForFrequency(*m.frequency);
    if (!autoscaleChannels(true)) {
        syncControls();
        applyConfig();
    }
    return true;
}

void ScopeInstrument::changeEvent(QEvent *event)
{
    Instrument::changeEvent(event);
    // Default trace colours depend on the theme: repaint swatches and traces with the new ones.
    if (event->type() == QEvent::PaletteChange && layout_) {
        rebuildChannelRows();
        syncControls();
        applyConfig();
    }
}

QColor ScopeInstrument::channelColor(std::size_t index) const
{
    const ChannelSettings c = settings_.channel(index);
    if (c.color.isValid())
        return c.color;
    const QList<QColor> defaults = ui::TimePlot::defaultColors(palette());
    return defaults.isEmpty() ? QColor(Qt::yellow)
                              : defaults[static_cast<int>(index % defaults.size())];
}

QString ScopeInstrument::channelName(std::size_t index) const
{
    if (!layout_ || index >= layout_->channels.size())
        return QStringLiteral("CH%1").arg(index + 1);
    const ChannelLayout &ch = layout_->channels[index];
    return QStringLiteral("CH%1 %2")
        .arg(index + 1)
        .arg(QString::fromStdString(ch.label.empty() ? ch.id : ch.label));
}

void ScopeInstrument::onLayout(std::shared_ptr<const ScanLayout> layout)
{
    layout_ = std::move(layout);
    if (!layout_)
        return;
    if (settings_.channels.size() < layout_->channels.size())
        settings_.channels.resize(layout_->channels.size());
    stats_.assign(layout_->channels.size(), {});
    latest_.assign(layout_->channels.size(), std::nullopt);
    rebuildChannelRows();
    syncControls();
    applyConfig();
}

void ScopeInstrument::rebuildChannelRows()
{
    while (QLayoutItem *item = channelGrid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    triggerSource_->blockSignals(true);
    triggerSource_->clear();
    channelGrid_->addWidget(new QLabel(tr("On")), 0, 0);
    channelGrid_->addWidget(new QLabel(tr("V/div")), 0, 2);
    channelGrid_->addWidget(new QLabel(tr("Offset")), 0, 3);
    for (std::size_t i = 0; i < layout_->channels.size(); ++i) {
        const ChannelLayout &ch = layout_->channels[i];
        if (ch.type.storageBits > 32 || ch.type.repeat != 1)
            continue; // timestamps are not signals
        const int row = static_cast<int>(i) + 1;
        auto *enabled = new QCheckBox(channelName(i));
        enabled->setObjectName(QStringLiteral("channelEnabled%1").arg(i));
        auto *color = new QToolButton;
        color->setAutoRaise(true);
        color->setToolTip(tr("Trace colour"));
        auto *vdiv = new QDoubleSpinBox;
        vdiv->setRange(1e-4, 1000);
        vdiv->setDecimals(4);
        vdiv->setSingleStep(0.1);
        vdiv->setSuffix(QStringLiteral(" V"));
        auto *offset = new QDoubleSpinBox;
        offset->setRange(-4, 4);
        offset->setDecimals(2);
        offset->setSingleStep(0.1);
        offset->setSuffix(tr(" div"));
        const ChannelSettings cs = settings_.channel(i);
        enabled->setChecked(cs.enabled);
        vdiv->setValue(cs.voltsPerDiv);
        offset->setValue(cs.offsetDivs);
        const auto paint = [this, color, i] {
            QPixmap pm(16, 16);
            pm.fill(channelColor(i));
            color->setIcon(QIcon(pm));
        };
        paint();
        channelGrid_->addWidget(enabled, row, 0);
        channelGrid_->addWidget(color, row, 1);
        channelGrid_->addWidget(vdiv, row, 2);
        channelGrid_->addWidget(offset, row, 3);
        connect(enabled, &QCheckBox::toggled, this, [this, i](bool on) {
            settings_.channels[i].enabled = on;
            applyConfig();
        });
        connect(vdiv, &QDoubleSpinBox::valueChanged, this, [this, i](double v) {
            settings_.channels[i].voltsPerDiv = v;
            applyConfig();
        });
        connect(offset, &QDoubleSpinBox::valueChanged, this, [this, i](double v) {
            settings_.channels[i].offsetDivs = v;
            applyConfig();
        });
        connect(color, &QToolButton::clicked, this, [this, i, paint] {
            const QColor c = QColorDialog::getColor(channelColor(i), this, tr("Trace colour"));
            if (!c.isValid())
                return;
            settings_.channels[i].color = c;
            paint();
            applyConfig();
        });
        triggerSource_->addItem(channelName(i), static_cast<int>(i));
    }
    triggerSource_->blockSignals(false);
}

void ScopeInstrument::syncControls()
{
    syncing_ = true;
    const auto selectData = [](QComboBox *box, const QVariant &v) {
        const int i = box->findData(v);
        if (i >= 0)
            box->setCurrentIndex(i);
    };
    // The nearest timebase step (a restored session may hold any value).
    int best = 0;
    for (int i = 0; i < timebase_->count(); ++i)
        if (std::abs(std::log(timebase_->itemData(i).toDouble() / settings_.timePerDiv))
            < std::abs(std::log(timebase_->itemData(best).toDouble() / settings_.timePerDiv)))
            best = i;
    timebase_->setCurrentIndex(best);
    settings_.timePerDiv = timebase_->currentData().toDouble();
    selectData(recordLength_, QVariant::fromValue<qulonglong>(settings_.recordLength));
    triggerPosition_->setValue(static_cast<int>(std::lround(settings_.triggerPosition * 100)));
    selectData(mode_, static_cast<int>(settings_.mode));
    selectData(triggerSource_, settings_.triggerChannel);
    selectData(edge_, static_cast<int>(settings_.edge));
    level_->setValue(settings_.triggerLevel);
    hysteresis_->setValue(settings_.hysteresis);
    holdoff_->setValue(settings_.holdoff);
    decay_->setValue(settings_.persistenceDecay);
    persistenceAction_->setChecked(settings_.persistence);
    followAction_->setChecked(settings_.autoscale);
    timeCursorsAction_->setChecked(settings_.timeCursors);
    valueCursorsAction_->setChecked(settings_.valueCursors);
    syncing_ = false;
    applyDisplay();
}

void ScopeInstrument::applyConfig()
{
    reference_ = layout_ ? referenceChannel(*layout_, settings_) : 0;
    plot_->setView(viewFor(settings_, reference_));
    if (!layout_ || !feeder_)
        return;
    ui::ProducerConfig config;
    if (!makeProducerConfig(*layout_, sampleRate(), settings_, &config, &shown_)
        || !producer_->configure(config)) {
        triggerStatus_->setText(tr("Cannot display this stream's format"));
        feeder_->setConfiguredLayout(nullptr);
        return;
    }
    QList<QColor> colors;
    QList<ui::TraceAxis> axes;
    int axisTrace = 0;
    for (std::size_t k = 0; k < shown_.size(); ++k) {
        colors.append(channelColor(shown_[k]));
        axes.append(traceAxisFor(settings_, shown_[k], reference_));
        if (shown_[k] == reference_)
            axisTrace = static_cast<int>(k);
    }
    plot_->setChannelColors(colors);
    plot_->setTraceAxes(axes, axisTrace);
    feeder_->setConfiguredLayout(layout_);
    // Statistics are of one acquisition set-up, as on a bench scope: a new one starts them again
    // (a 1 kHz mean would otherwise stand next to a timebase too short to measure it).
    for (dsp::MeasurementStats &s : stats_)
        s.reset();
    if (settings_.mode == dsp::TriggerMode::Single) {
        const auto snap = plot_->snapshot();
        singleArmedAfter_ = snap ? snap->sequence : 0;
        producer_->arm();
    }
}

void ScopeInstrument::setSettings(const ScopeSettings &settings)
{
    settings_ = settings;
    if (layout_ && settings_.channels.size() < layout_->channels.size())
        settings_.channels.resize(layout_->channels.size());
    if (layout_)
        rebuildChannelRows();
    syncControls();
    applyConfig();
}

bool ScopeInstrument::running() const
{
    return feeder_ && !feeder_->paused();
}

bool ScopeInstrument::singleCaptured() const
{
    if (settings_.mode != dsp::TriggerMode::Single)
        return false;
    const auto snap = plot_->snapshot();
    return snap && snap->sequence > singleArmedAfter_;
}

void ScopeInstrument::setRunning(bool run)
{
    if (!feeder_)
        return;
    feeder_->setPaused(!run);
    updateTriggerStatus();
}

void ScopeInstrument::single()
{
    if (settings_.mode != dsp::TriggerMode::Single)
        modeBeforeSingle_ = settings_.mode;
    settings_.mode = dsp::TriggerMode::Single;
    syncControls();
    applyConfig(); // arms
    setRunning(true);
}

void ScopeInstrument::updateTriggerStatus()
{
    if (!feeder_)
        return;
    // The button offers what a click does: Stop while acquiring (or waiting for the single
    // trigger), Run when stopped or once the single capture is there.
    const bool acquiring = running() && !singleCaptured();
    if (runAction_->text() != (acquiring ? tr("Stop") : tr("Run"))) {
        runAction_->setText(acquiring ? tr("Stop") : tr("Run"));
        runAction_->setIcon(QIcon(acquiring ? QStringLiteral(":/icons/stop.svg")
                                            : QStringLiteral(":/icons/run.svg")));
    }
    if (!running()) {
        triggerStatus_->setText(tr("Stopped"));
        return;
    }
    if (singleCaptured()) {
        triggerStatus_->setText(tr("Stopped (single capture)"));
        return;
    }
    if (!layout_)
        return;
    const auto snap = plot_->snapshot();
    if (!snap)
        triggerStatus_->setText(settings_.mode == dsp::TriggerMode::Auto ? tr("Auto")
                                                                         : tr("Waiting for trigger"));
    else
        triggerStatus_->setText(snap->forced ? tr("Auto (no trigger)") : tr("Triggered"));
}

void ScopeInstrument::onMeasured(const ui::RecordMeasurements &results)
{
    // Producer channel k is layout channel shown_[k] (the configuration they were made with).
    if (results.channels.size() != shown_.size())
        return;
    measuredSpan_->setText(results.samples >= results.recordLength
                               ? tr("Measured over the whole record (%1 samples per channel)")
                                     .arg(results.samples)
                               : tr("Measured over %1 of the record's %2 samples per channel, "
                                    "around the trigger")
                                     .arg(results.samples)
                                     .arg(results.recordLength));
    int rows = 0;
    for (std::size_t k = 0; k < shown_.size(); ++k)
        if (settings_.channel(shown_[k]).enabled)
            rows += static_cast<int>(std::size(kQuantities));
    measurements_->setRowCount(rows);
    int row = 0;
    const auto set = [this](int row, int col, const QString &text) {
        QTableWidgetItem *item = measurements_->item(row, col);
        if (!item) {
            item = new QTableWidgetItem;
            measurements_->setItem(row, col, item);
        }
        item->setText(text);
    };
    for (std::size_t k = 0; k < shown_.size(); ++k) {
        const std::size_t channel = shown_[k];
        if (channel >= stats_.size())
            continue;
        const dsp::Measurements &values = results.channels[k];
        latest_[channel] = values;
        if (!settings_.channel(channel).enabled)
            continue;
        dsp::MeasurementStats &st = stats_[channel];
        st.add(values);
        for (const Quantity &q : kQuantities) {
            const std::optional<double> v = q.value(values);
            const dsp::RunningStats &rs = q.stats(st);
            const double k100 = std::string_view(q.unit) == "%" ? 100.0 : 1.0;
            const QString unit = QString::fromLatin1(q.unit);
            const auto fmt = [&](double x) {
                return unit == QLatin1String("%") ? QString::number(x, 'f', 1) + QStringLiteral(" %")
                                                  : ui::formatEngineering(x, unit);
            };
            set(row, 0, QStringLiteral("CH%1").arg(channel + 1));
            set(row, 1, tr(q.name));
            set(row, 2, v ? fmt(*v) : QStringLiteral("—"));
            const bool have = rs.count() > 0;
            set(row, 3, have ? fmt(rs.mean() * k100) : QString());
            set(row, 4, have ? fmt(rs.min() * k100) : QString());
            set(row, 5, have ? fmt(rs.max() * k100) : QString());
            set(row, 6, have ? fmt(rs.stddev() * k100) : QString());
            measurements_->item(row, 0)->setForeground(channelColor(channel));
            ++row;
        }
    }
    if (settings_.autoscale)
        autoscaleChannels(false);
}

bool ScopeInstrument::exportCsv(const QString &path)
{
    const auto snap = plot_->snapshot();
    if (!snap || snap->traces.empty()) {
        host_.showStatusMessage(tr("Nothing captured yet"));
        return false;
    }
    std::vector<CsvChannel> channels; // the snapshot holds volts already
    for (std::size_t i : shown_)
        channels.push_back({QStringLiteral("CH%1").arg(i + 1), QStringLiteral("V")});
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        host_.showStatusMessage(tr("Could not write %1: %2").arg(path, file.errorString()));
        return false;
    }
    QTextStream out(&file);
    const std::size_t rows = writeCsv(*snap, channels, out);
    out.flush();
    host_.showStatusMessage(tr("Exported %1 rows to %2").arg(rows).arg(path));
    return file.error() == QFileDevice::NoError;
}

QJsonObject ScopeInstrument::saveState() const
{
    QJsonObject o = settings_.toJson();
    o.insert(QStringLiteral("running"), running());
    return o;
}

void ScopeInstrument::restoreState(const QJsonObject &state)
{
    setSettings(ScopeSettings::fromJson(state));
    setRunning(state.value(QLatin1String("running")).toBool(true));
}

} // namespace dmascope::scope

#include "main_window.h"

#include "acquisition_status.h"
#include "device_browser.h"
#include "playback_bar.h"
#include "plugin_manager.h"
#include "plugins_dialog.h"

#include "dmascope/context.h"
#include "dmascope/playback_stream.h"
#include "dmascope/plugin/instrument.h"
#include "dmascope/plugin/instrument_plugin.h"
#include "dmascope/stream.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <exception>
#include <stdexcept>

// Q_INIT_RESOURCE must be used outside any namespace. The icons live in libdmascope-ui, which
// registers them when it loads; naming them here makes the app load it before any plugin.
static void initResources()
{
    Q_INIT_RESOURCE(dmascope);
}

namespace dmascope::app {

using plugin::DeviceDescription;
using plugin::Instrument;

namespace {

constexpr auto kPluginIdProperty = "dmascope.pluginId";
constexpr int kStatusIntervalMs = 250; // a few updates a second: readable, not flickering

bool isBuiltInUri(const QString &uri)
{
    return uri == QLatin1String("sim:") || uri == QLatin1String("local:");
}

// A recording as the plugins see a device: an ADC with the recorded channels and rate.
DeviceDescription describeRecording(const SigmfRecording &rec)
{
    DeviceDescription d;
    d.uri = QLatin1String(plugin::kRecordingUri);
    d.id = QString::fromStdString(rec.metaPath());
    d.name = QFileInfo(d.id).completeBaseName();
    d.kind = QStringLiteral("adc");
    d.transport = DeviceDescription::Transport::Playback;
    d.sampleRate = rec.meta().sampleRate;
    for (const ChannelLayout &c : rec.layout()->channels) {
        plugin::ChannelDescription ch;
        ch.id = QString::fromStdString(c.id);
        ch.name = QString::fromStdString(c.label.empty() ? c.id : c.label);
        d.channels.append(ch);
    }
    return d;
}

} // namespace

MainWindow::MainWindow(const PluginManager &plugins, const MainWindowOptions &options,
                       QWidget *parent)
    : QMainWindow(parent),
      plugins_(plugins),
      streams_([this](const DeviceDescription &device) { return createStream(device); }),
      options_(options),
      settings_(options.settingsFile.isEmpty()
                    ? std::make_unique<QSettings>()
                    : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat))
{
    initResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("dmascope"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/dmascope.svg")));
    resize(1280, 800);

    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("instrumentTabs"));
    tabs_->setTabsClosable(true);
    tabs_->setMovable(true);
    tabs_->setDocumentMode(true);
    setCentralWidget(tabs_);
    connect(tabs_, &QTabWidget::tabCloseRequested, this, &MainWindow::closeInstrument);
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::updateStatus);

    browser_ = new DeviceBrowser(this);
    auto *dock = new QDockWidget(tr("Devices"), this);
    dock->setObjectName(QStringLiteral("deviceDock"));
    dock->setWidget(browser_);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    connect(browser_, &DeviceBrowser::activated, this, &MainWindow::openDefaultOn);
    connect(browser_, &DeviceBrowser::contextMenuRequested, this,
            [this](const DeviceDescription &device, const QPoint &pos) {
                QMenu menu;
                fillNewInstrumentMenu(&menu, device);
                menu.exec(pos);
            });

    connect(&streams_, &StreamRegistry::startFailed, this,
            [this](const QString &key, const QString &error) {
                showStatusMessage(tr("%1: %2").arg(key, error), 10000);
                updateStatus();
            });

    playback_ = new PlaybackBar(this);
    addToolBar(Qt::BottomToolBarArea, playback_);

    buildMenus();
    buildStatusBar();
    restoreSettings();
}

MainWindow::~MainWindow()
{
    // Instruments hold streams from streams_; close them before the registry goes.
    while (tabs_->count() > 0) {
        QWidget *w = tabs_->widget(0);
        tabs_->removeTab(0);
        delete w;
    }
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *connectAction = file->addAction(QIcon(QStringLiteral(":/icons/connect.svg")),
                                             tr("&Connect…"), this, &MainWindow::showConnectDialog);
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    connectAction->setToolTip(tr("Open a libiio context such as ip:192.168.2.1"));
    QAction *refresh = file->addAction(QIcon(QStringLiteral(":/icons/refresh.svg")),
                                       tr("&Refresh Devices"), this, &MainWindow::refreshDevices);
    refresh->setShortcut(QKeySequence::Refresh);
    QAction *openRec = file->addAction(tr("&Open Recording…"), this,
                                       &MainWindow::showOpenRecordingDialog);
    openRec->setShortcut(QKeySequence::Open);
    openRec->setToolTip(tr("Play a SigMF recording back through the instruments"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *instrument = menuBar()->addMenu(tr("&Instrument"));
    QMenu *newInstrument = instrument->addMenu(QIcon(QStringLiteral(":/icons/scope.svg")),
                                               tr("&New on Selected Device"));
    connect(newInstrument, &QMenu::aboutToShow, this, [this, newInstrument] {
        newInstrument->clear();
        fillNewInstrumentMenu(newInstrument, browser_->selectedDevice());
    });
    QAction *openDefault = instrument->addAction(tr("&Open Default Instrument"), this, [this] {
        if (const auto d = browser_->selectedDevice())
            openDefaultOn(*d);
    });
    openDefault->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    QAction *close = instrument->addAction(tr("&Close Instrument"), this,
                                           [this] { closeInstrument(tabs_->currentIndex()); });
    close->setShortcut(QKeySequence::Close);
    QAction *next = instrument->addAction(tr("Ne&xt Instrument"), this, [this] {
        if (tabs_->count() > 0)
            tabs_->setCurrentIndex((tabs_->currentIndex() + 1) % tabs_->count());
    });
    next->setShortcut(QKeySequence::NextChild);
    QAction *prev = instrument->addAction(tr("&Previous Instrument"), this, [this] {
        if (tabs_->count() > 0)
            tabs_->setCurrentIndex((tabs_->currentIndex() + tabs_->count() - 1) % tabs_->count());
    });
    // Ctrl+Shift+Tab as the README says, first so that the menu shows it (Qt names the
    // platform default "Ctrl+Shift+Backtab"); Qt matches Shift+Tab to the Backtab key it sends.
    prev->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab), QKeySequence::PreviousChild});

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *themes = new QActionGroup(this);
    QAction *dark = view->addAction(tr("&Dark Theme"), this, [this] { setTheme(Theme::Dark); });
    QAction *light = view->addAction(tr("&Light Theme"), this, [this] { setTheme(Theme::Light); });
    for (QAction *a : {dark, light}) {
        a->setCheckable(true);
        themes->addAction(a);
    }
    dark->setObjectName(QStringLiteral("actionDarkTheme"));
    light->setObjectName(QStringLiteral("actionLightTheme"));
    dark->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    light->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    view->addSeparator();
    QAction *devices = findChild<QDockWidget *>(QStringLiteral("deviceDock"))->toggleViewAction();
    devices->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    view->addAction(devices);
    QAction *fullScreen = view->addAction(tr("&Full Screen"), this, [this] {
        setWindowState(windowState() ^ Qt::WindowFullScreen);
    });
    fullScreen->setShortcut(QKeySequence::FullScreen);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Plugins…"), this, [this] {
        PluginsDialog dialog(plugins_, this);
        dialog.exec();
    });
    help->addAction(tr("&About dmascope"), this, [this] {
        QMessageBox::about(this, tr("About dmascope"),
                           tr("<b>dmascope %1</b><p>Oscilloscope and spectrum analyzer for Linux "
                              "IIO devices with a zero-copy DMABUF acquisition path.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
    connect(view, &QMenu::aboutToShow, this, [this, dark, light] {
        dark->setChecked(theme_ == Theme::Dark);
        light->setChecked(theme_ == Theme::Light);
    });
}

void MainWindow::buildStatusBar()
{
    auto make = [this](const char *name, const QString &tip) {
        auto *l = new QLabel(this);
        l->setObjectName(QLatin1String(name));
        l->setToolTip(tip);
        l->setContentsMargins(6, 0, 6, 0);
        // Room for the widest reading ("999.9 MS/s"), so the bar does not jitter or clip.
        l->setMinimumWidth(l->fontMetrics().horizontalAdvance(QStringLiteral("999.9 MB/s")) + 12);
        statusBar()->addPermanentWidget(l);
        return l;
    };
    deviceLabel_ = make("statusDevice", tr("Device of the current instrument"));
    rateLabel_ = make("statusRate", tr("Samples per second delivered by the stream"));
    throughputLabel_ = make("statusThroughput", tr("Bytes per second delivered by the stream"));
    overrunsLabel_ = make("statusOverruns", tr("Blocks or samples lost since the stream started"));
    pathLabel_ = make("statusPath", tr("Acquisition path"));
    statusTimer_ = new QTimer(this);
    statusTimer_->setInterval(kStatusIntervalMs);
    connect(statusTimer_, &QTimer::timeout, this, &MainWindow::updateStatus);
    statusTimer_->start();
    updateStatus();
}

void MainWindow::updateStatus()
{
    Instrument *inst = currentInstrument();
    const std::shared_ptr<Stream> stream = inst ? streams_.find(inst->device().key()) : nullptr;
    deviceLabel_->setText(inst ? inst->device().displayName() : tr("no instrument"));
    playback_->setStream(std::dynamic_pointer_cast<PlaybackStream>(stream));
    playback_->refresh();
    if (!stream) {
        const QString error = inst ? streams_.startError(inst->device().key()) : QString();
        rateLabel_->clear();
        throughputLabel_->clear();
        overrunsLabel_->clear();
        pathLabel_->setText(error.isEmpty() ? tr("no stream") : tr("failed: %1").arg(error));
        return;
    }
    const AcquisitionStatus s = describeAcquisition(stream->stats());
    const QString startError = streams_.startError(inst->device().key());
    rateLabel_->setText(s.rate);
    throughputLabel_->setText(s.throughput);
    overrunsLabel_->setText(s.overruns);
    pathLabel_->setText(startError.isEmpty() ? s.path : tr("failed: %1").arg(startError));
    pathLabel_->setToolTip(pathLabel_->text());
    const bool problem = s.problem || !startError.isEmpty();
    const QColor warn(0xe0, 0x8a, 0x1e);
    for (QLabel *l : {overrunsLabel_, pathLabel_})
        l->setStyleSheet(problem ? QStringLiteral("color: %1").arg(warn.name()) : QString());
}

void MainWindow::start()
{
    startUri_ = options_.startUri;
    if (startUri_.isEmpty())
        startUri_ = QString::fromStdString(Context::defaultUri());
    // The demo device is always listed; local devices whenever the machine has them.
    QStringList uris{QStringLiteral("sim:")};
    if (Context::hasLocalDevices())
        uris.append(QStringLiteral("local:"));
    if (!uris.contains(startUri_))
        uris.append(startUri_);
    awaiting_ = QSet<QString>(uris.begin(), uris.end());
    if (!recordings_.isEmpty())
        showRecordings();
    for (const QString &uri : connections_)
        if (!uris.contains(uri))
            uris.append(uri); // not awaited: a slow network must not delay the first trace
    for (const QString &uri : uris)
        discover(uri);
}

void MainWindow::discover(const QString &uri)
{
    browser_->setPending(uri);
    auto *watcher = new QFutureWatcher<DiscoveryResult>(this);
    connect(watcher, &QFutureWatcher<DiscoveryResult>::finished, this, [this, watcher] {
        const DiscoveryResult result = watcher->result();
        watcher->deleteLater();
        onDiscovered(result);
    });
    watcher->setFuture(discoverAsync(uri));
}

std::unique_ptr<Stream> MainWindow::createStream(const DeviceDescription &device) const
{
    if (device.isRecording()) {
        for (const auto &[key, recording] : recordings_)
            if (key == device.key())
                return std::make_unique<PlaybackStream>(recording);
        throw std::runtime_error(device.id.toStdString() + " is not open");
    }
    const std::shared_ptr<Context> context = contexts_.value(device.uri);
    if (!context)
        throw std::runtime_error(device.uri.toStdString() + " is not connected");
    return context->createStream(context->device(device.id.toStdString()));
}

void MainWindow::onDiscovered(const DiscoveryResult &result)
{
    if (result.context)
        contexts_.insert(result.uri, result.context);
    browser_->setDiscovery(result);
    if (!result.error.isEmpty())
        showStatusMessage(tr("%1: %2").arg(result.uri, result.error), 10000);
    openPendingInstruments();
    awaiting_.remove(result.uri);
    if (!startDecided_ && awaiting_.isEmpty()) {
        startDecided_ = true;
        if (tabs_->count() == 0)
            openDefaultInstrument();
    }
    emit discovered(result.uri);
}

void MainWindow::openPendingInstruments()
{
    QJsonArray still;
    for (const QJsonValue &v : std::as_const(pending_)) {
        const QJsonObject o = v.toObject();
        const auto device = browser_->device(o.value(QLatin1String("device")).toString());
        const PluginSpec *spec = plugins_.loadedPlugin(o.value(QLatin1String("plugin")).toString());
        if (!device || !spec) {
            still.append(v);
            continue;
        }
        const QJsonObject state = o.value(QLatin1String("state")).toObject();
        openInstrument(*spec, *device, &state);
    }
    pending_ = still;
}

void MainWindow::openDefaultInstrument()
{
    // The start context's first device that some plugin offers an instrument for; the demo
    // device when there is none (a machine without IIO hardware still starts with a trace).
    for (const QString &uri : {startUri_, QStringLiteral("sim:")}) {
        for (const DeviceDescription &d : browser_->devices(uri)) {
            if (!plugins_.pluginsFor(d).isEmpty()) {
                openDefaultOn(d);
                browser_->selectDevice(d.key());
                return;
            }
        }
    }
    showStatusMessage(tr("No plugin offers an instrument for the devices found (Help > Plugins)"),
                      15000);
}

void MainWindow::openDefaultOn(const DeviceDescription &device)
{
    const auto offers = plugins_.pluginsFor(device);
    if (offers.isEmpty()) {
        showStatusMessage(tr("No plugin offers an instrument for %1").arg(device.displayName()),
                          6000);
        return;
    }
    // A viewer, not a tool such as the Recorder, unless tools are all there is.
    const auto viewer = std::find_if(offers.begin(), offers.end(), [](const PluginSpec *s) {
        return s->metadata.defaultInstrument;
    });
    openInstrument(**(viewer != offers.end() ? viewer : offers.begin()), device);
}

Instrument *MainWindow::openInstrument(const PluginSpec &spec, const DeviceDescription &device,
                                       const QJsonObject *state)
{
    Instrument *inst = nullptr;
    try {
        inst = spec.plugin->createInstrument(*this, device, tabs_);
        if (inst && state)
            inst->restoreState(*state);
    } catch (const std::exception &e) {
        delete inst;
        showStatusMessage(tr("%1 failed on %2: %3")
                              .arg(spec.metadata.name, device.displayName(),
                                   QString::fromLocal8Bit(e.what())),
                          10000);
        return nullptr;
    }
    if (!inst) {
        showStatusMessage(tr("%1 cannot run on %2").arg(spec.metadata.name, device.displayName()),
                          6000);
        return nullptr;
    }
    inst->setProperty(kPluginIdProperty, spec.metadata.id);
    const int index = tabs_->addTab(inst, QStringLiteral("%1 — %2").arg(spec.metadata.name,
                                                                       device.displayName()));
    tabs_->setTabToolTip(index, QStringLiteral("%1 on %2").arg(spec.metadata.name, device.key()));
    tabs_->setCurrentIndex(index);
    updateStatus();
    return inst;
}

QList<Instrument *> MainWindow::instruments() const
{
    QList<Instrument *> out;
    for (int i = 0; i < tabs_->count(); ++i)
        if (auto *inst = qobject_cast<Instrument *>(tabs_->widget(i)))
            out.append(inst);
    return out;
}

Instrument *MainWindow::currentInstrument() const
{
    return qobject_cast<Instrument *>(tabs_->currentWidget());
}

bool MainWindow::mayClose(const QList<Instrument *> &instruments)
{
    QStringList busy;
    for (const Instrument *inst : instruments)
        if (const QString what = inst->busyWith(); !what.isEmpty())
            busy << what;
    if (busy.isEmpty())
        return true;
    if (options_.confirmClose)
        return options_.confirmClose(busy);
    return QMessageBox::question(
               this, tr("Stop and close?"),
               tr("Still busy:\n%1\n\nStop it? What was recorded is kept.").arg(busy.join('\n')),
               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
}

void MainWindow::closeInstrument(int index)
{
    if (index < 0 || index >= tabs_->count())
        return;
    if (auto *inst = qobject_cast<Instrument *>(tabs_->widget(index)); inst && !mayClose({inst}))
        return;
    QWidget *w = tabs_->widget(index);
    tabs_->removeTab(index);
    delete w; // drops its stream reference: the stream stops if nobody else uses it
    updateStatus();
}

void MainWindow::fillNewInstrumentMenu(QMenu *menu,
                                       const std::optional<DeviceDescription> &device)
{
    if (!device) {
        menu->addAction(tr("Select a device in the device browser"))->setEnabled(false);
        return;
    }
    const auto offers = plugins_.pluginsFor(*device);
    if (offers.isEmpty())
        menu->addAction(tr("No instrument for %1").arg(device->displayName()))->setEnabled(false);
    for (const PluginSpec *spec : offers) {
        const DeviceDescription d = *device;
        menu->addAction(tr("%1 on %2").arg(spec->metadata.name, d.displayName()), this,
                        [this, spec, d] { openInstrument(*spec, d); });
    }
}

void MainWindow::showConnectDialog()
{
    bool ok = false;
    const QString uri = QInputDialog::getText(
        this, tr("Connect"), tr("libiio URI (ip:HOST, usb:BUS.DEV.INTF, local:, sim:):"),
        QLineEdit::Normal, QStringLiteral("ip:192.168.2.1"), &ok);
    if (ok && !uri.trimmed().isEmpty())
        connectTo(uri.trimmed());
}

void MainWindow::connectTo(const QString &uri)
{
    if (!isBuiltInUri(uri) && !connections_.contains(uri))
        connections_.append(uri);
    discover(uri);
}

void MainWindow::refreshDevices()
{
    for (const QString &uri : browser_->uris())
        if (uri != QLatin1String("local:"))
            discover(uri);
    // local: appears and disappears with modules being loaded; ask again each time.
    if (Context::hasLocalDevices())
        discover(QStringLiteral("local:"));
}

std::shared_ptr<Stream> MainWindow::openStream(const DeviceDescription &device, QString *error)
{
    return streams_.open(device, error);
}

bool MainWindow::openRecording(const QString &path, QString *error)
{
    std::shared_ptr<const SigmfRecording> recording;
    QString why;
    try {
        recording = SigmfRecording::open(path.toStdString());
        // Valid (stopped before its first block), but an instrument on it would wait forever.
        if (recording->frameCount() == 0)
            why = tr("the recording holds no samples: there is nothing to play");
    } catch (const std::exception &e) {
        why = QString::fromLocal8Bit(e.what());
    }
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        showStatusMessage(tr("Cannot open %1: %2").arg(path, why), 10000);
        return false;
    }
    const DeviceDescription device = describeRecording(*recording);
    const bool known = std::any_of(recordings_.begin(), recordings_.end(),
                                   [&](const auto &r) { return r.first == device.key(); });
    if (!known)
        recordings_.append({device.key(), recording});
    showRecordings();
    browser_->selectDevice(device.key());
    for (const std::string &w : recording->warnings())
        showStatusMessage(tr("%1: %2").arg(device.name, QString::fromStdString(w)), 10000);
    if (!known)
        openDefaultOn(device);
    return true;
}

void MainWindow::showRecordings()
{
    DiscoveryResult r;
    r.uri = QLatin1String(plugin::kRecordingUri);
    r.description = tr("recordings");
    for (const auto &entry : std::as_const(recordings_))
        r.devices.append(describeRecording(*entry.second));
    browser_->setDiscovery(r);
    openPendingInstruments(); // instruments of the saved session on these recordings
}

void MainWindow::showOpenRecordingDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Recording"), QString(),
        tr("SigMF recordings (*.sigmf-meta *.sigmf-data);;All files (*)"));
    QString error;
    if (!path.isEmpty() && !openRecording(path, &error)) // asked for here: say so, not in passing
        QMessageBox::warning(this, tr("Open Recording"),
                             tr("Cannot open %1:\n%2").arg(path, error));
}

void MainWindow::showStatusMessage(const QString &text, int timeoutMs)
{
    statusBar()->showMessage(text, timeoutMs);
}

void MainWindow::setTheme(Theme theme)
{
    theme_ = theme;
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
        applyTheme(*app, theme);
}

QJsonArray MainWindow::sessionState() const
{
    QJsonArray out;
    for (Instrument *inst : instruments())
        out.append(QJsonObject{
            {QStringLiteral("plugin"), inst->property(kPluginIdProperty).toString()},
            {QStringLiteral("device"), inst->device().key()},
            {QStringLiteral("uri"), inst->device().uri},
            {QStringLiteral("state"), inst->saveState()},
        });
    // Instruments whose device has not come back (a remote host that is down) stay saved.
    for (const QJsonValue &v : pending_)
        out.append(v);
    return out;
}

void MainWindow::saveSettings()
{
    settings_->setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings_->setValue(QStringLiteral("window/state"), saveState());
    settings_->setValue(QStringLiteral("view/theme"), toString(theme_));
    // A --demo run neither restored nor may overwrite the user's session.
    if (!options_.restoreSession) {
        settings_->sync();
        return;
    }
    settings_->setValue(QStringLiteral("session/connections"), connections_);
    QStringList recordings;
    for (const auto &entry : std::as_const(recordings_))
        recordings.append(QString::fromStdString(entry.second->metaPath()));
    settings_->setValue(QStringLiteral("session/recordings"), recordings);
    settings_->setValue(QStringLiteral("session/instruments"),
                        QString::fromUtf8(QJsonDocument(sessionState()).toJson(
                            QJsonDocument::Compact)));
    settings_->setValue(QStringLiteral("session/current"), tabs_->currentIndex());
    settings_->sync();
}

void MainWindow::restoreSettings()
{
    restoreGeometry(settings_->value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings_->value(QStringLiteral("window/state")).toByteArray());
    setTheme(themeFromString(settings_->value(QStringLiteral("view/theme")).toString()));
    if (!options_.restoreSession)
        return;
    connections_ = settings_->value(QStringLiteral("session/connections")).toStringList();
    // A corrupt entry restores nothing rather than stopping the app.
    pending_ = QJsonDocument::fromJson(
                   settings_->value(QStringLiteral("session/instruments")).toString().toUtf8())
                   .array();
    // Recordings of the last session come back without opening a new instrument each: the
    // saved ones are pending above. One that was deleted since is reported and skipped.
    for (const QString &path : settings_->value(QStringLiteral("session/recordings")).toStringList()) {
        try {
            const auto recording = SigmfRecording::open(path.toStdString());
            recordings_.append({describeRecording(*recording).key(), recording});
        } catch (const std::exception &e) {
            showStatusMessage(tr("Recording %1 not reopened: %2")
                                  .arg(path, QString::fromLocal8Bit(e.what())),
                              10000);
        }
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!mayClose(instruments())) {
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

} // namespace dmascope::app

// The dmascope main window: device browser dock, instruments as tabs, acquisition status bar,
// menus, theme and the saved session. It is the InstrumentHost plugins talk to.
#pragma once

#include "device_discovery.h"
#include "stream_registry.h"
#include "theme.h"

#include "dmascope/plugin/instrument_host.h"

#include <QHash>
#include <QJsonArray>
#include <QMainWindow>
#include <QSet>

#include <functional>

class QLabel;
class QMenu;
class QSettings;
class QTabWidget;
class QTimer;

namespace dmascope {
class Context;
class SigmfRecording;
} // namespace dmascope
namespace dmascope::plugin {
class Instrument;
}

namespace dmascope::app {

class DeviceBrowser;
class PlaybackBar;
class PluginManager;
struct PluginSpec;

struct MainWindowOptions
{
    QString startUri;          // empty: "local:" when this machine has IIO devices, else "sim:"
    bool restoreSession = true; // reopen the instruments of the last session
    QString settingsFile;      // empty: the user's QSettings; tests use a temporary file
    // Asked before closing instruments that are busy (a recording): what they would cut short,
    // one line each; true to close them. Empty: a message box asks the user.
    std::function<bool(const QStringList &busy)> confirmClose;
};

class MainWindow final : public QMainWindow, public plugin::InstrumentHost
{
    Q_OBJECT

public:
    MainWindow(const PluginManager &plugins, const MainWindowOptions &options,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // Discovers the start contexts and, once they are known, restores the session or opens the
    // default instrument. Returns at once; everything slow runs on worker threads.
    void start();

    // InstrumentHost
    std::shared_ptr<Stream> openStream(const plugin::DeviceDescription &device,
                                       QString *error) override;
    void showStatusMessage(const QString &text, int timeoutMs) override;
    // Opens a SigMF recording as a source ("sigmf:" in the device browser, PlaybackStream) and
    // the default instrument on it; the playback bar controls it while that instrument is
    // current. Reopening one that is open selects it again.
    bool openRecording(const QString &path, QString *error) override;

    // Opens `spec`'s instrument on `device` as a new tab; nullptr (and a status message) when
    // the plugin refuses or throws.
    plugin::Instrument *openInstrument(const PluginSpec &spec,
                                       const plugin::DeviceDescription &device,
                                       const QJsonObject *state = nullptr);
    QList<plugin::Instrument *> instruments() const;
    plugin::Instrument *currentInstrument() const;

    void connectTo(const QString &uri);
    void refreshDevices();
    void setTheme(Theme theme);
    Theme theme() const noexcept { return theme_; }

    // The open instruments as saved in the settings: [{plugin, device, uri, state}].
    QJsonArray sessionState() const;
    void saveSettings();

signals:
    // A context's discovery finished (the browser shows it). For tests and scripting.
    void discovered(const QString &uri);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildStatusBar();
    void restoreSettings();
    void discover(const QString &uri);
    void onDiscovered(const DiscoveryResult &result);
    std::unique_ptr<Stream> createStream(const plugin::DeviceDescription &device) const;
    void openPendingInstruments();
    void openDefaultInstrument();
    void openDefaultOn(const plugin::DeviceDescription &device);
    void updateStatus();
    void fillNewInstrumentMenu(QMenu *menu, const std::optional<plugin::DeviceDescription> &device);
    void showConnectDialog();
    void closeInstrument(int index);
    // Whether `instruments` may close: none is busy, or the user (options_.confirmClose) agrees.
    bool mayClose(const QList<plugin::Instrument *> &instruments);
    void showOpenRecordingDialog();
    void showRecordings();

    const PluginManager &plugins_;
    StreamRegistry streams_;
    MainWindowOptions options_;
    std::unique_ptr<QSettings> settings_;
    QHash<QString, std::shared_ptr<Context>> contexts_; // by URI, from the latest discovery
    Theme theme_ = Theme::Dark;

    DeviceBrowser *browser_ = nullptr;
    QTabWidget *tabs_ = nullptr;
    QLabel *deviceLabel_ = nullptr;
    QLabel *rateLabel_ = nullptr;
    QLabel *throughputLabel_ = nullptr;
    QLabel *overrunsLabel_ = nullptr;
    QLabel *pathLabel_ = nullptr;
    PlaybackBar *playback_ = nullptr;
    QTimer *statusTimer_ = nullptr;

    QStringList connections_;     // URIs the user connected to, reconnected on start
    // Recordings opened for playback, by device key ("sigmf:/<id>"), in opening order; saved
    // with the session so instruments on them come back.
    QList<std::pair<QString, std::shared_ptr<const SigmfRecording>>> recordings_;
    QJsonArray pending_;          // saved instruments whose device has not been discovered yet
    QSet<QString> awaiting_;      // start URIs still being discovered
    bool startDecided_ = false;   // the session was restored or the default instrument opened
    QString startUri_;
};

} // namespace dmascope::app

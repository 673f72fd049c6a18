// The device browser dock: one top-level item per context (sim:, local:, each connected URI)
// with its devices below. It only shows discovery results; opening contexts happens elsewhere,
// off the GUI thread.
#pragma once

#include "device_discovery.h"

#include <QWidget>

#include <optional>

class QTreeWidget;
class QTreeWidgetItem;

namespace dmascope::app {

class DeviceBrowser final : public QWidget
{
    Q_OBJECT

public:
    explicit DeviceBrowser(QWidget *parent = nullptr);

    // Adds the context or replaces what was shown for it (a refresh).
    void setDiscovery(const DiscoveryResult &result);
    // Shows "connecting…" for a URI whose discovery is under way.
    void setPending(const QString &uri);

    std::optional<plugin::DeviceDescription> selectedDevice() const;
    std::optional<plugin::DeviceDescription> device(const QString &key) const;
    QList<plugin::DeviceDescription> devices(const QString &uri) const;
    QStringList uris() const;
    void selectDevice(const QString &key);

signals:
    // Double-click or Enter on a device: open its default instrument.
    void activated(const dmascope::plugin::DeviceDescription &device);
    void contextMenuRequested(const dmascope::plugin::DeviceDescription &device,
                              const QPoint &globalPos);

private:
    QTreeWidgetItem *contextItem(const QString &uri);
    std::optional<plugin::DeviceDescription> deviceOf(const QTreeWidgetItem *item) const;

    QTreeWidget *tree_;
};

} // namespace dmascope::app

#include "device_browser.h"

#include <QHeaderView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dmascope::app {

using plugin::DeviceDescription;

namespace {

constexpr int kUriRole = Qt::UserRole;
constexpr int kDeviceRole = Qt::UserRole + 1;

QString rateText(double hz)
{
    if (hz <= 0)
        return {};
    if (hz >= 1e6)
        return QStringLiteral("%1 MS/s").arg(hz / 1e6, 0, 'g', 4);
    if (hz >= 1e3)
        return QStringLiteral("%1 kS/s").arg(hz / 1e3, 0, 'g', 4);
    return QStringLiteral("%1 S/s").arg(hz, 0, 'g', 4);
}

// A context's line: across the columns, so that a long description does not widen Kind.
void setContextLine(QTreeWidgetItem *ctx, const QString &uri, const QString &what)
{
    ctx->setFirstColumnSpanned(true);
    ctx->setText(0, what.isEmpty() ? uri : QStringLiteral("%1 — %2").arg(uri, what));
}

} // namespace

DeviceBrowser::DeviceBrowser(QWidget *parent) : QWidget(parent), tree_(new QTreeWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tree_);
    tree_->setObjectName(QStringLiteral("deviceTree"));
    tree_->setHeaderLabels({tr("Device"), tr("Kind"), tr("Rate")});
    // The device's name takes what the kind and rate leave: in a narrow dock those are short,
    // the name is what tells two devices (or two recordings) apart.
    tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tree_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    tree_->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    tree_->header()->setStretchLastSection(false);
    tree_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (const auto d = deviceOf(item))
            emit activated(*d);
    });
    connect(tree_, &QTreeWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (const auto d = deviceOf(tree_->itemAt(pos)))
            emit contextMenuRequested(*d, tree_->viewport()->mapToGlobal(pos));
    });
}

QTreeWidgetItem *DeviceBrowser::contextItem(const QString &uri)
{
    for (int i = 0; i < tree_->topLevelItemCount(); ++i)
        if (tree_->topLevelItem(i)->data(0, kUriRole).toString() == uri)
            return tree_->topLevelItem(i);
    auto *item = new QTreeWidgetItem(tree_);
    item->setData(0, kUriRole, uri);
    // The demo device first: it is always there and what a new user should see.
    if (uri == QLatin1String("sim:")) {
        tree_->takeTopLevelItem(tree_->indexOfTopLevelItem(item));
        tree_->insertTopLevelItem(0, item);
    }
    return item;
}

void DeviceBrowser::setPending(const QString &uri)
{
    setContextLine(contextItem(uri), uri, tr("connecting…"));
}

void DeviceBrowser::setDiscovery(const DiscoveryResult &result)
{
    QTreeWidgetItem *ctx = contextItem(result.uri);
    qDeleteAll(ctx->takeChildren());
    setContextLine(ctx, result.uri, result.error.isEmpty() ? result.description : tr("error"));
    ctx->setToolTip(0, result.error.isEmpty() ? result.description : result.error);
    if (!result.error.isEmpty()) {
        auto *err = new QTreeWidgetItem(ctx);
        err->setText(0, result.error);
        err->setToolTip(0, result.error);
        err->setDisabled(true);
    }
    for (const DeviceDescription &d : result.devices) {
        auto *item = new QTreeWidgetItem(ctx);
        item->setText(0, d.displayName());
        item->setToolTip(0, QStringLiteral("%1 (%2)").arg(d.name, d.id));
        item->setText(1, d.kind);
        item->setText(2, rateText(d.sampleRate));
        item->setData(0, kDeviceRole, QVariant::fromValue(d));
    }
    ctx->setExpanded(true);
}

std::optional<DeviceDescription> DeviceBrowser::deviceOf(const QTreeWidgetItem *item) const
{
    if (!item)
        return std::nullopt;
    const QVariant v = item->data(0, kDeviceRole);
    if (!v.canConvert<DeviceDescription>())
        return std::nullopt;
    return v.value<DeviceDescription>();
}

std::optional<DeviceDescription> DeviceBrowser::selectedDevice() const
{
    return deviceOf(tree_->currentItem());
}

std::optional<DeviceDescription> DeviceBrowser::device(const QString &key) const
{
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *ctx = tree_->topLevelItem(i);
        for (int j = 0; j < ctx->childCount(); ++j)
            if (const auto d = deviceOf(ctx->child(j)); d && d->key() == key)
                return d;
    }
    return std::nullopt;
}

QList<DeviceDescription> DeviceBrowser::devices(const QString &uri) const
{
    QList<DeviceDescription> out;
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *ctx = tree_->topLevelItem(i);
        if (ctx->data(0, kUriRole).toString() != uri)
            continue;
        for (int j = 0; j < ctx->childCount(); ++j)
            if (const auto d = deviceOf(ctx->child(j)))
                out.append(*d);
    }
    return out;
}

QStringList DeviceBrowser::uris() const
{
    QStringList out;
    for (int i = 0; i < tree_->topLevelItemCount(); ++i)
        out.append(tree_->topLevelItem(i)->data(0, kUriRole).toString());
    return out;
}

void DeviceBrowser::selectDevice(const QString &key)
{
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        QTreeWidgetItem *ctx = tree_->topLevelItem(i);
        for (int j = 0; j < ctx->childCount(); ++j)
            if (const auto d = deviceOf(ctx->child(j)); d && d->key() == key)
                tree_->setCurrentItem(ctx->child(j));
    }
}

} // namespace dmascope::app

#include "plugins_dialog.h"

#include "plugin_manager.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dmascope::app {

PluginsDialog::PluginsDialog(const PluginManager &plugins, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Plugins"));
    resize(900, 360);
    auto *layout = new QVBoxLayout(this);

    auto *dirs = new QLabel(tr("Searched, in order: %1")
                                .arg(plugins.searchedDirs().join(QStringLiteral(", "))),
                            this);
    dirs->setWordWrap(true);
    dirs->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(dirs);

    auto *tree = new QTreeWidget(this);
    tree->setObjectName(QStringLiteral("pluginList"));
    tree->setRootIsDecorated(false);
    tree->setHeaderLabels({tr("Name"), tr("Id"), tr("Version"), tr("API"), tr("State"),
                           tr("File"), tr("Error")});
    for (const PluginSpec &s : plugins.specs()) {
        auto *item = new QTreeWidgetItem(tree);
        item->setText(0, s.metadata.name);
        item->setText(1, s.metadata.id);
        item->setText(2, s.metadata.version);
        item->setText(3, s.metadata.apiVersion ? QString::number(s.metadata.apiVersion) : QString());
        item->setText(4, toString(s.state));
        item->setText(5, QFileInfo(s.path).fileName());
        item->setToolTip(5, s.path);
        item->setText(6, s.error);
        item->setToolTip(6, s.error);
        if (s.state != PluginSpec::State::Loaded)
            item->setForeground(4, QColor(0xd9, 0x53, 0x4f));
    }
    tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree->header()->setStretchLastSection(true);
    layout->addWidget(tree);

    if (plugins.specs().empty())
        layout->addWidget(new QLabel(tr("No plugin files were found."), this));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace dmascope::app

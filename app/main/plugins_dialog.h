// Help > Plugins: every plugin file the app found, whether it loaded, and if not, why.
#pragma once

#include <QDialog>

namespace dmascope::app {

class PluginManager;

class PluginsDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit PluginsDialog(const PluginManager &plugins, QWidget *parent = nullptr);
};

} // namespace dmascope::app

// Base class of every instrument a plugin creates (an oscilloscope, a spectrum view, ...). The
// main window shows it as a tab and asks it for its state when the user quits, so the same
// instruments come back on the next start.
#pragma once

#include "dmascope/plugin/device_description.h"

#include <QJsonObject>
#include <QWidget>

namespace dmascope::plugin {

class Instrument : public QWidget
{
    Q_OBJECT

public:
    explicit Instrument(const DeviceDescription &device, QWidget *parent = nullptr);
    ~Instrument() override;

    const DeviceDescription &device() const noexcept { return device_; }

    // Settings the user made (timebase, trigger, channel colours...), stored in QSettings as
    // JSON. restoreState must accept states written by older versions and ignore what it does
    // not know: a saved session must never stop the app from starting.
    virtual QJsonObject saveState() const;
    virtual void restoreState(const QJsonObject &state);

    // What closing this instrument now would cut short, in a few words ("recording to
    // /data/rec.sigmf-meta"); empty when nothing. The main window asks the user before it
    // closes such an instrument or quits.
    virtual QString busyWith() const;

private:
    DeviceDescription device_;
};

} // namespace dmascope::plugin

// The transport controls of a recording played back (File > Open Recording…): play/pause, a
// position slider that seeks, loop and speed. It is bound to the PlaybackStream of the current
// instrument's device and hidden for live devices. PlaybackStream's controls are thread-safe;
// the bar reads its position when the main window's status timer ticks (a few times a second)
// and never waits on the stream.
#pragma once

#include <QToolBar>

#include <cstdint>
#include <memory>

class QAction;
class QComboBox;
class QLabel;
class QSlider;
class QCheckBox;

namespace dmascope {
class PlaybackStream;
}

namespace dmascope::app {

class PlaybackBar final : public QToolBar
{
    Q_OBJECT

public:
    static constexpr int kSliderSteps = 10000; // slider resolution, whatever the length

    explicit PlaybackBar(QWidget *parent = nullptr);

    // The stream to control; nullptr hides the bar.
    void setStream(std::shared_ptr<PlaybackStream> stream);
    PlaybackStream *stream() const noexcept { return stream_.get(); }
    // Shows the stream's current state (position, playing, loop, speed).
    void refresh();

    // What the controls do, callable directly (tests, shortcuts).
    void togglePlay();
    void seekToFraction(double fraction); // 0 .. 1 of the recording
    void setLoop(bool loop);
    void setSpeed(double speed);

private:
    std::uint64_t frames() const;

    std::shared_ptr<PlaybackStream> stream_;
    QAction *play_ = nullptr;
    QSlider *slider_ = nullptr;
    QLabel *position_ = nullptr;
    QCheckBox *loop_ = nullptr;
    QComboBox *speed_ = nullptr;
    bool syncing_ = false;
};

} // namespace dmascope::app

#include "playback_bar.h"

#include "dmascope/playback_stream.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSlider>

#include <algorithm>
#include <cmath>

namespace dmascope::app {

namespace {

QString timeText(double s)
{
    const auto total = static_cast<long long>(s);
    return QStringLiteral("%1:%2.%3")
        .arg(total / 60)
        .arg(total % 60, 2, 10, QLatin1Char('0'))
        .arg(static_cast<int>((s - static_cast<double>(total)) * 10), 1, 10, QLatin1Char('0'));
}

const double kSpeeds[] = {0.01, 0.1, 0.25, 0.5, 1, 2, 4, 10, 100, PlaybackStream::kUnpaced};

} // namespace

PlaybackBar::PlaybackBar(QWidget *parent) : QToolBar(tr("Playback"), parent)
{
    setObjectName(QStringLiteral("playbackBar"));
    play_ = addAction(tr("Pause"), this, &PlaybackBar::togglePlay);
    play_->setObjectName(QStringLiteral("playbackPlay"));
    play_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space));
    play_->setToolTip(tr("Play / pause the recording (Ctrl+Space)"));

    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("playbackPosition"));
    slider_->setRange(0, kSliderSteps);
    slider_->setMinimumWidth(300);
    slider_->setToolTip(tr("Position in the recording: drag or click to seek"));
    // Seeks when the user lets go or clicks/pages, not for every pixel of a drag.
    connect(slider_, &QSlider::sliderReleased, this,
            [this] { seekToFraction(double(slider_->value()) / kSliderSteps); });
    connect(slider_, &QSlider::actionTriggered, this, [this](int action) {
        if (action != QAbstractSlider::SliderMove && !syncing_)
            QMetaObject::invokeMethod(
                this, [this] { seekToFraction(double(slider_->value()) / kSliderSteps); },
                Qt::QueuedConnection); // the slider's value is updated after this signal
    });
    addWidget(slider_);

    position_ = new QLabel(this);
    position_->setObjectName(QStringLiteral("playbackTime"));
    position_->setContentsMargins(6, 0, 6, 0);
    addWidget(position_);

    loop_ = new QCheckBox(tr("Loop"), this);
    loop_->setObjectName(QStringLiteral("playbackLoop"));
    connect(loop_, &QCheckBox::toggled, this, [this](bool on) {
        if (!syncing_)
            setLoop(on);
    });
    addWidget(loop_);

    speed_ = new QComboBox(this);
    speed_->setObjectName(QStringLiteral("playbackSpeed"));
    speed_->setToolTip(tr("Playback speed relative to the recording's sample rate"));
    for (double s : kSpeeds)
        speed_->addItem(s == PlaybackStream::kUnpaced ? tr("max") : QStringLiteral("%1×").arg(s),
                        s);
    connect(speed_, &QComboBox::activated, this,
            [this](int index) { setSpeed(speed_->itemData(index).toDouble()); });
    addWidget(speed_);
    hide();
}

void PlaybackBar::setStream(std::shared_ptr<PlaybackStream> stream)
{
    if (stream == stream_)
        return;
    stream_ = std::move(stream);
    setVisible(stream_ != nullptr);
    refresh();
}

std::uint64_t PlaybackBar::frames() const
{
    return stream_ ? stream_->recording()->frameCount() : 0;
}

void PlaybackBar::refresh()
{
    if (!stream_)
        return;
    syncing_ = true;
    const std::uint64_t total = frames();
    const std::uint64_t pos = std::min(stream_->position(), total);
    const double rate = stream_->recording()->meta().sampleRate;
    if (!slider_->isSliderDown())
        slider_->setValue(total ? static_cast<int>(double(pos) / double(total) * kSliderSteps) : 0);
    position_->setText(rate > 0 ? QStringLiteral("%1 / %2").arg(timeText(double(pos) / rate),
                                                                timeText(double(total) / rate))
                                : QStringLiteral("%1 / %2").arg(pos).arg(total));
    const PlaybackState state = stream_->playbackState();
    play_->setText(state == PlaybackState::Playing ? tr("Pause") : tr("Play"));
    loop_->setChecked(stream_->loop());
    const int speedIndex = speed_->findData(stream_->speed());
    if (speedIndex >= 0)
        speed_->setCurrentIndex(speedIndex);
    syncing_ = false;
}

void PlaybackBar::togglePlay()
{
    if (!stream_)
        return;
    if (stream_->playbackState() == PlaybackState::Playing)
        stream_->pause();
    else
        stream_->play(); // at the end: from the start again
    refresh();
}

void PlaybackBar::seekToFraction(double fraction)
{
    if (!stream_)
        return;
    fraction = std::clamp(fraction, 0.0, 1.0);
    stream_->seek(static_cast<std::uint64_t>(std::llround(fraction * double(frames()))));
    refresh();
}

void PlaybackBar::setLoop(bool loop)
{
    if (stream_)
        stream_->setLoop(loop);
    refresh();
}

void PlaybackBar::setSpeed(double speed)
{
    if (stream_)
        stream_->setSpeed(speed);
    refresh();
}

} // namespace dmascope::app

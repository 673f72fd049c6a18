// dmascope-cli check DEV: data-integrity check on a counter channel.
#include "commands.h"
#include "stream_options.h"

#include "dmascope/attribute_path.h"
#include "dmascope/counter_check.h"
#include "dmascope/not_found_error.h"
#include "dmascope/stream.h"

#include <algorithm>

namespace dmascope::cli {

int runCheck(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("check [options] DEV",
                    "Streams DEV and checks that a counter channel (waveform \"counter\": "
                    "iio_sim's voltage3 by default) counts up by one from sample to sample: "
                    "reports lost (and whether the stream announced them), duplicated and "
                    "reordered samples. Exit code 4 on any. The consumer is lossless.");
    const QCommandLineOption channel("channel", "The counter channel. Default voltage3.", "ID",
                                     "voltage3");
    cmd.addOption(channel);
    StreamOptions opts("3");
    opts.channels.setDescription("Channels to stream besides the counter (to check it at an "
                                 "offset in the frame), comma-separated.");
    opts.addTo(cmd);
    if (!cmd.parse(args, globals))
        return ExitOk;
    const QString key = cmd.positional(1, 1).at(0);
    StreamConfig config = opts.config(cmd.parser());
    const double seconds = opts.secondsValue(cmd.parser());
    if (seconds <= 0)
        throw UsageError("--seconds: check needs a duration above 0");
    const std::string counterId = cmd.parser().value(channel).toStdString();

    installInterruptHandler();
    const auto ctx = openContext(globals);
    const DeviceInfo &dev = ctx->device(key.toStdString());
    opts.applySettings(cmd.parser(), *ctx, dev);
    const ChannelInfo *counter = dev.findChannel("in_" + counterId);
    if (!counter || !counter->scanElement)
        throw NotFoundError(dev.name + ": no input scan channel '" + counterId + "'");
    if (counter->hasAttribute("waveform")) {
        const std::string wave = ctx->readAttribute(
            {dev.id, AttributeRef::Scope::Channel, counter->qualifiedId(), "waveform"});
        if (wave != "counter")
            throw std::runtime_error(counter->id + "'s waveform is '" + wave +
                                     "', not 'counter': set it with `dmascope-cli attr " +
                                     dev.name + " " + counter->id + "/waveform counter`");
    }
    if (std::find(config.channels.begin(), config.channels.end(), counter->id) ==
        config.channels.end())
        config.channels.push_back(counter->id);

    // iio_sim (and the demo device) count the samples they had to drop for want of a queued
    // buffer: the loss at the source, which a remote stream cannot announce.
    const bool hasDropCounter = std::find(dev.attributes.begin(), dev.attributes.end(),
                                          "dropped_samples") != dev.attributes.end();
    const AttributeRef dropRef{dev.id, AttributeRef::Scope::Device, {}, "dropped_samples"};
    auto readDropped = [&]() -> long long {
        const std::string text = ctx->readAttribute(dropRef);
        bool ok = false;
        const long long n = QString::fromStdString(text).toLongLong(&ok);
        if (!ok)
            throw std::runtime_error(dev.name + ": dropped_samples is not a number: '" + text +
                                     "'");
        return n;
    };
    const long long droppedBefore = hasDropCounter ? readDropped() : 0;

    const std::unique_ptr<Stream> stream = ctx->createStream(dev);
    const auto sub = stream->subscribe(SubscriptionKind::Lossless, config.blockCount);
    stream->start(config);
    const auto layout = stream->layout();
    const ChannelLayout *placed = layout->find(counter->id);
    if (!placed)
        throw std::logic_error("the stream's layout lacks " + counter->id);
    CounterCheck check(*placed, layout->frameBytes);

    ProgressLine progress(globals);
    const std::int64_t start = monotonicNs();
    const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
    std::int64_t nextProgress = start;
    while (!interrupted() && monotonicNs() < end) {
        if (auto d = sub->pop(50))
            check.feed(*d->block);
        else if (sub->ended())
            break;
        if (monotonicNs() >= nextProgress) {
            nextProgress += 250'000'000;
            progress.update(QString("check: %1 s of %2, %3 samples, %4 lost")
                                .arg(static_cast<double>(monotonicNs() - start) * 1e-9, 0, 'f', 1)
                                .arg(seconds)
                                .arg(check.report().samples)
                                .arg(check.report().lost));
        }
    }
    stream->stop();
    // Blocks still queued were published before the stop: they count.
    while (auto d = sub->tryPop())
        check.feed(*d->block);
    progress.finish();
    const long long deviceDropped =
        hasDropCounter ? readDropped() - droppedBefore : -1;

    const StreamStats s = stream->stats();
    const CounterReport &r = check.report();
    const bool streamFailed = s.state == StreamState::Failed;
    if (globals.json) {
        printJson({{"device", QString::fromStdString(dev.id)},
                   {"channel", QString::fromStdString(counter->id)},
                   {"ok", r.ok() && !streamFailed && r.samples > 0},
                   {"samples", static_cast<qint64>(r.samples)},
                   {"lost", static_cast<qint64>(r.lost)},
                   {"reportedLost", static_cast<qint64>(r.reportedLost)},
                   {"gaps", static_cast<qint64>(r.gaps)},
                   {"duplicated", static_cast<qint64>(r.duplicated)},
                   {"reordered", static_cast<qint64>(r.reordered)},
                   {"firstProblem", QString::fromStdString(r.firstProblem)},
                   {"deviceDropped", deviceDropped},
                   {"stats", statsJson(s)}});
    } else {
        out(QString("%1 %2 over %3 s (path %4): %5 samples, %6 lost (%7 reported by the stream, "
                    "%8 gaps), %9 duplicated, %10 reordered")
                .arg(QString::fromStdString(dev.name), QString::fromStdString(counter->id))
                .arg(s.seconds, 0, 'f', 1)
                .arg(QString::fromStdString(s.path))
                .arg(r.samples)
                .arg(r.lost)
                .arg(r.reportedLost)
                .arg(r.gaps)
                .arg(r.duplicated)
                .arg(r.reordered));
        if (!r.firstProblem.empty())
            out("first problem: " + QString::fromStdString(r.firstProblem));
        if (deviceDropped > 0)
            out(QString("the device dropped %1 samples for want of a free buffer (its "
                        "dropped_samples counter)")
                    .arg(deviceDropped));
        out(r.ok() && !streamFailed && r.samples > 0 ? "OK" : "FAILED");
    }
    if (streamFailed) {
        err("dmascope-cli: the stream failed: " + QString::fromStdString(s.error));
        return ExitFailure;
    }
    if (r.samples == 0) {
        err("dmascope-cli: no samples arrived");
        return ExitFailure;
    }
    if (!r.ok())
        return ExitIntegrity;
    return interrupted() ? ExitInterrupted : ExitOk;
}

} // namespace dmascope::cli

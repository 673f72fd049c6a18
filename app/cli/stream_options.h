// Options shared by the commands that stream (stream, check, bench), and the attribute presets
// they apply before streaming.
#pragma once

#include "cli.h"

#include "dmascope/stream.h"

#include <QCommandLineOption>

namespace dmascope::cli {

struct StreamOptions
{
    QCommandLineOption channels{"channels",
                                "Channels to stream, comma-separated ids (voltage0,voltage3); "
                                "default: every input scan channel.",
                                "LIST"};
    QCommandLineOption blockSize{"block-size", "Samples (frames) per block. Default 4096.", "N",
                                 "4096"};
    QCommandLineOption blocks{"blocks", "Blocks in the pool. Default 8.", "N", "8"};
    QCommandLineOption path{"path",
                            "auto (default), dmabuf or fileio: how a local device streams.",
                            "PATH", "auto"};
    QCommandLineOption seconds;
    QCommandLineOption set{"set",
                           "Write attribute ATTR=VALUE before streaming (repeatable; ATTR as in "
                           "`attr`, e.g. sampling_frequency=2000000).",
                           "ATTR=VALUE"};

    // `defaultSeconds` is what --seconds means when not given ("0" = until Ctrl-C).
    explicit StreamOptions(const QString &defaultSeconds);
    void addTo(CommandLine &cmd, bool withPath = true, bool withBlockSize = true);

    // The config the options describe. Throws UsageError.
    StreamConfig config(const QCommandLineParser &parser) const;
    double secondsValue(const QCommandLineParser &parser) const;
    // Applies every --set to `device` of `ctx`. Throws what the context throws.
    void applySettings(const QCommandLineParser &parser, Context &ctx,
                       const DeviceInfo &device) const;
};

PathPreference parsePath(const QString &text); // throws UsageError
QString pathName(PathPreference path);

// "12.3 MB/s  3.08 MS/s  blocks 750  overruns 0 ..." for a stats snapshot.
QString statsLine(const StreamStats &stats);
QJsonObject statsJson(const StreamStats &stats);

} // namespace dmascope::cli

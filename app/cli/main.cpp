// dmascope-cli: the backend without a GUI. See `dmascope-cli --help` and the README.
#include "cli.h"
#include "commands.h"

#include "dmascope/not_found_error.h"

#include <QCoreApplication>

#include <iterator>

using namespace dmascope;
using namespace dmascope::cli;

namespace {

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &, GlobalOptions &);
};

const Command kCommands[] = {
    {"list", "contexts, their devices and channels", runList},
    {"info", "one device: channels, scan types, attribute values", runInfo},
    {"attr", "list, read or write attributes", runAttr},
    {"stream", "stream a device, print MB/s, samples/s, overruns, path once per second",
     runStream},
    {"check", "counter-waveform integrity check (lost/duplicated/reordered samples)", runCheck},
    {"bench", "throughput table over paths and block sizes", runBench},
    {"spectrum", "peak frequency and level, SNR, SFDR, THD, SINAD, ENOB of a channel",
     runSpectrum},
    {"relay", "zero-copy relay of a local ADC to a local DAC (shared DMABUFs)", runRelay},
    {"record", "record a device to SigMF files, with a progress line", runRecord},
    {"play", "describe and play back a SigMF recording, or export it as WAV/CSV", runPlay},
};

QString mainHelp()
{
    QString text = "Usage: dmascope-cli [--uri URI] [--json] [--progress] COMMAND [options] [args]\n\n"
                   "IIO devices from the command line: the same backend as the dmascope GUI.\n\n"
                   "Commands:\n";
    for (const Command &c : kCommands)
        text += QString("  %1  %2\n").arg(c.name, -8).arg(c.summary);
    text += "\nGlobal options (also accepted after COMMAND):\n"
            "  -u, --uri URI   local:, ip:HOST[:PORT], usb:[BUS.DEV.INTF], xml:FILE or sim:\n"
            "                  (default: local: when this machine has IIO devices, else sim:)\n"
            "  --json          machine-readable JSON on stdout\n"
            "  --progress      progress line on stderr even when it is not a terminal\n"
            "  -h, --help      this help; `dmascope-cli COMMAND --help` for a command\n"
            "  --version       the version\n\n"
            "Exit codes:\n"
            "  0    success\n"
            "  1    runtime failure (I/O error, attribute refused, stream failed)\n"
            "  2    usage error (bad option, argument or URI)\n"
            "  3    context, device, channel or attribute not found\n"
            "  4    data integrity failure (check found lost/duplicated/reordered samples)\n"
            "  130  interrupted (SIGINT/SIGTERM/SIGHUP) before finishing\n";
    return text;
}

int fail(const GlobalOptions &globals, int code, const QString &message)
{
    err("dmascope-cli: " + message);
    if (code == ExitUsage)
        err("Try 'dmascope-cli --help'.");
    if (globals.json)
        printJson({{"error", message}, {"exitCode", code}});
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("dmascope-cli");
    QCoreApplication::setApplicationVersion(DMASCOPE_VERSION);

    GlobalOptions globals;
    try {
        QCommandLineParser parser;
        parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
        const QCommandLineOption uri({"u", "uri"}, "", "URI");
        const QCommandLineOption json("json", "");
        const QCommandLineOption progress("progress", "");
        const QCommandLineOption help({"h", "help"}, "");
        const QCommandLineOption version("version", "");
        parser.addOptions({uri, json, progress, help, version});
        if (!parser.parse(app.arguments()))
            throw UsageError(parser.errorText());
        globals.uri = parser.value(uri);
        globals.json = parser.isSet(json);
        globals.progress = parser.isSet(progress);
        if (parser.isSet(version)) {
            out(QString("dmascope-cli %1").arg(DMASCOPE_VERSION));
            return ExitOk;
        }
        const QStringList rest = parser.positionalArguments();
        if (parser.isSet(help) || rest.isEmpty()) {
            if (rest.isEmpty() && !parser.isSet(help)) {
                err(mainHelp());
                return ExitUsage;
            }
            out(mainHelp());
            return ExitOk;
        }
        for (const Command &c : kCommands)
            if (rest.first() == c.name) // parse() skips argv[0]: give it a program name
                return c.run(QStringList{app.arguments().first()} + rest, globals);
        throw UsageError(QString("unknown command '%1'").arg(rest.first()));
    } catch (const UsageError &e) {
        return fail(globals, ExitUsage, e.what());
    } catch (const std::invalid_argument &e) {
        return fail(globals, ExitUsage, e.what());
    } catch (const NotFoundError &e) {
        return fail(globals, ExitNotFound, e.what());
    } catch (const std::exception &e) {
        return fail(globals, ExitFailure, e.what());
    }
}

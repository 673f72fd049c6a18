#include "cli.h"

#include <QJsonDocument>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace dmascope::cli {

namespace {
const QCommandLineOption kUri({"u", "uri"},
                              "IIO context: local:, ip:HOST[:PORT], usb:[BUS.DEV.INTF], xml:FILE "
                              "or sim: (default: local: if this machine has IIO devices, "
                              "else sim:).",
                              "URI");
const QCommandLineOption kJson("json", "Machine-readable JSON on stdout.");
const QCommandLineOption kProgress("progress",
                                   "Show the progress line even when stderr is not a terminal.");

std::atomic<bool> g_interrupted{false};

// The first signal asks the command to finish cleanly; a second one kills as usual, so a stuck
// stop (e.g. a remote refill waiting on the network) can still be cut short.
void onSignal(int sig)
{
    if (g_interrupted.exchange(true)) {
        ::signal(sig, SIG_DFL);
        ::raise(sig);
    }
}
} // namespace

CommandLine::CommandLine(const QString &usage, const QString &description) : usage_(usage)
{
    parser_.setApplicationDescription(description);
    parser_.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser_.addOption(kUri);
    parser_.addOption(kJson);
    parser_.addOption(kProgress);
    parser_.addHelpOption();
}

bool CommandLine::parse(const QStringList &args, GlobalOptions &globals)
{
    if (!parser_.parse(args))
        throw UsageError(parser_.errorText());
    if (parser_.isSet("help")) {
        out(helpText());
        return false;
    }
    if (parser_.isSet(kUri))
        globals.uri = parser_.value(kUri);
    globals.json = globals.json || parser_.isSet(kJson);
    globals.progress = globals.progress || parser_.isSet(kProgress);
    return true;
}

QStringList CommandLine::positional(int min, int max) const
{
    QStringList args = parser_.positionalArguments();
    args.removeFirst(); // the subcommand itself
    if (args.size() < min)
        throw UsageError(QString("missing argument: usage: dmascope-cli %1").arg(usage_));
    if (args.size() > max)
        throw UsageError(QString("unexpected argument '%1': usage: dmascope-cli %2")
                             .arg(args.at(max), usage_));
    return args;
}

QString CommandLine::helpText() const
{
    // Qt's first line names the program without the subcommand: replace it with ours.
    QString text = parser_.helpText();
    text = text.mid(text.indexOf('\n') + 1);
    return "Usage: dmascope-cli " + usage_ + "\n" + text;
}

long long parseInteger(const QString &option, const QString &value, long long min, long long max)
{
    bool ok = false;
    const long long v = value.toLongLong(&ok, 0);
    if (!ok || v < min || v > max)
        throw UsageError(QString("--%1: '%2' is not an integer in %3..%4")
                             .arg(option, value).arg(min).arg(max));
    return v;
}

double parseSeconds(const QString &option, const QString &value)
{
    bool ok = false;
    const double v = value.toDouble(&ok);
    if (!ok || !(v >= 0 && v <= 1e6)) // NaN too
        throw UsageError(QString("--%1: '%2' is not a number of seconds (0 = until Ctrl-C)")
                             .arg(option, value));
    return v;
}

std::unique_ptr<Context> openContext(const GlobalOptions &globals)
{
    const std::string uri = globals.uri.isEmpty() ? Context::defaultUri() : globals.uri.toStdString();
    return Context::open(uri);
}

void out(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stdout);
    if (!text.endsWith('\n'))
        std::fputc('\n', stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stderr);
    if (!text.endsWith('\n'))
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

void printJson(const QJsonObject &object)
{
    out(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
}

ProgressLine::ProgressLine(const GlobalOptions &globals)
    : enabled_(globals.progress || ::isatty(STDERR_FILENO)), tty_(::isatty(STDERR_FILENO))
{
}

ProgressLine::~ProgressLine()
{
    finish();
}

void ProgressLine::update(const QString &text)
{
    if (!enabled_)
        return;
    // On a terminal redraw in place; into a file or pipe write whole lines.
    const QByteArray bytes = (tty_ ? "\r\033[K" + text : text + "\n").toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stderr);
    std::fflush(stderr);
    dirty_ = tty_;
}

void ProgressLine::finish()
{
    if (dirty_) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        dirty_ = false;
    }
}

void installInterruptHandler()
{
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    // SIGHUP too: a closed terminal or ssh session should end a recording as cleanly as Ctrl-C.
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        sigaction(sig, &sa, nullptr);
}

bool interrupted()
{
    return g_interrupted.load();
}

const std::atomic<bool> &interruptFlag()
{
    return g_interrupted;
}

} // namespace dmascope::cli

// Shared plumbing of dmascope-cli's subcommands: options every subcommand accepts, parsing with
// per-command --help, exit codes, output (text or JSON) and the progress line.
#pragma once

#include "dmascope/context.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <stdexcept>

namespace dmascope::cli {

// Documented in `dmascope-cli --help` and the README.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,       // runtime failure: I/O error, refused attribute, stream failed
    ExitUsage = 2,         // bad command line
    ExitNotFound = 3,      // context, device, channel or attribute not found
    ExitIntegrity = 4,     // `check` found lost, duplicated or reordered samples
    ExitInterrupted = 130, // stopped by SIGINT/SIGTERM/SIGHUP before it finished
};

// A command-line mistake: exit code 2 with the message and a pointer to --help.
class UsageError : public std::runtime_error
{
public:
    explicit UsageError(const QString &message) : std::runtime_error(message.toStdString()) {}
};

// Options that work before or after the subcommand.
struct GlobalOptions
{
    QString uri;           // empty: Context::defaultUri()
    bool json = false;
    bool progress = false; // progress line even when stderr is not a terminal
};

// One subcommand's parser: adds the global options and --help, parses, and prints help.
class CommandLine
{
public:
    // `usage` is what follows "dmascope-cli " in the usage line ("info [options] DEV").
    CommandLine(const QString &usage, const QString &description);

    QCommandLineParser &parser() { return parser_; }
    void addOption(const QCommandLineOption &option) { parser_.addOption(option); }

    // Parses `args` (args[0] is the subcommand). Returns false when --help was shown (the
    // command then exits 0). Throws UsageError. Merges global options into `globals`.
    bool parse(const QStringList &args, GlobalOptions &globals);
    // Positional arguments after the subcommand; throws UsageError unless their count is in
    // [min, max].
    QStringList positional(int min, int max) const;
    QString helpText() const;

private:
    QCommandLineParser parser_;
    QString usage_;
};

// Parsers for option values; throw UsageError naming the option.
long long parseInteger(const QString &option, const QString &value, long long min, long long max);
double parseSeconds(const QString &option, const QString &value);

// Opens the context the options select (--uri, else local: when it has devices, else sim:).
std::unique_ptr<Context> openContext(const GlobalOptions &globals);

// stdout / stderr helpers (UTF-8, flushed per call so lines interleave sanely).
void out(const QString &text);
void err(const QString &text);
void printJson(const QJsonObject &object);

// A one-line status on stderr, redrawn in place; shown only when stderr is a terminal or
// --progress was given. finish() ends the line.
class ProgressLine
{
public:
    explicit ProgressLine(const GlobalOptions &globals);
    ~ProgressLine();
    bool enabled() const { return enabled_; }
    void update(const QString &text);
    void finish();

private:
    bool enabled_;
    bool tty_;
    bool dirty_ = false;
};

// For the streaming commands: the first SIGINT/SIGTERM/SIGHUP sets a flag instead of killing the
// process, so the stream stops cleanly and the summary is printed; a second one kills.
// interrupted() polls the flag.
void installInterruptHandler();
bool interrupted();
// The flag itself, for code that polls it without knowing the CLI (the exports).
const std::atomic<bool> &interruptFlag();

} // namespace dmascope::cli

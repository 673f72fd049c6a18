// dmascope-cli's subcommands. Each parses its own arguments (args[0] is its name) and returns an
// exit code; errors are thrown and mapped to exit codes by main().
#pragma once

#include "cli.h"

namespace dmascope::cli {

int runList(const QStringList &args, GlobalOptions &globals);
int runInfo(const QStringList &args, GlobalOptions &globals);
int runAttr(const QStringList &args, GlobalOptions &globals);
int runStream(const QStringList &args, GlobalOptions &globals);
int runCheck(const QStringList &args, GlobalOptions &globals);
int runBench(const QStringList &args, GlobalOptions &globals);
int runSpectrum(const QStringList &args, GlobalOptions &globals);
int runRelay(const QStringList &args, GlobalOptions &globals);
int runRecord(const QStringList &args, GlobalOptions &globals);
int runPlay(const QStringList &args, GlobalOptions &globals);

} // namespace dmascope::cli

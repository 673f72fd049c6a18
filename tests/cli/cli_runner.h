// Runs the built dmascope-cli (DMASCOPE_CLI, injected by CMake) as a user would and captures
// what it printed; shared by the CLI tests.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTest>

namespace clitest {

struct Run
{
    int exitCode = -1; // -1: crashed or timed out
    QString out;
    QString err;
};

Run cli(const QStringList &args, int timeoutMs = 30000);
// stdout parsed as one JSON object (a warning and {} when it is not one).
QJsonObject json(const Run &r);

} // namespace clitest

#define EXPECT_EXIT(run, code)                                                                     \
    QVERIFY2((run).exitCode == (code),                                                             \
             qPrintable(QString("exit %1, expected %2\nstdout: %3\nstderr: %4")                    \
                            .arg((run).exitCode)                                                   \
                            .arg(code)                                                             \
                            .arg((run).out, (run).err)))

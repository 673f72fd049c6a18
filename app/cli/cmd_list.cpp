// dmascope-cli list: the contexts there are and their devices, one line each.
#include "commands.h"
#include "describe.h"

#include <QJsonArray>

namespace dmascope::cli {

int runList(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("list [options]",
                    "Lists the IIO contexts that can be opened (local:, sim:, USB devices) with "
                    "their devices and channels. With --uri, lists that context only.");
    const QCommandLineOption network("scan-network",
                                     "Also look for iiod servers on the network (DNS-SD; needs "
                                     "avahi-daemon).");
    cmd.addOption(network);
    if (!cmd.parse(args, globals))
        return ExitOk;
    cmd.positional(0, 0);

    std::vector<ContextInfo> contexts;
    if (!globals.uri.isEmpty()) {
        contexts.push_back({globals.uri.toStdString(), "selected with --uri"});
    } else {
        ContextListOptions opts;
        opts.network = cmd.parser().isSet(network);
        contexts = Context::list(opts);
    }

    QJsonArray jsonContexts;
    int status = ExitOk;
    for (const ContextInfo &info : contexts) {
        const QString uri = QString::fromStdString(info.uri);
        QJsonObject jc{{"uri", uri}, {"description", QString::fromStdString(info.description)}};
        std::unique_ptr<Context> ctx;
        try {
            ctx = Context::open(info.uri);
        } catch (const std::exception &e) {
            // One unreachable context must not hide the others; with --uri it is the answer.
            if (!globals.uri.isEmpty())
                throw;
            jc["error"] = QString::fromUtf8(e.what());
            if (!globals.json)
                out(QString("%1  %2\n  (cannot open: %3)")
                        .arg(uri, QString::fromStdString(info.description), e.what()));
            jsonContexts.append(jc);
            status = ExitFailure;
            continue;
        }
        QJsonArray devices;
        for (const DeviceInfo &d : ctx->devices())
            devices.append(deviceJson(d));
        jc["devices"] = devices;
        jsonContexts.append(jc);
        if (!globals.json) {
            out(QString("%1  %2").arg(uri, QString::fromStdString(info.description)));
            if (ctx->devices().empty())
                out("  (no devices)");
            for (const DeviceInfo &d : ctx->devices())
                out("  " + deviceSummaryLine(d));
        }
    }
    if (globals.json)
        printJson({{"contexts", jsonContexts}});
    return status;
}

} // namespace dmascope::cli

// dmascope-cli attr DEV [ATTR [VALUE]]: list, read or write attributes.
#include "commands.h"

#include "dmascope/attribute_path.h"

#include <QRegularExpression>

namespace dmascope::cli {

namespace {
QString q(const std::string &s)
{
    return QString::fromStdString(s);
}
} // namespace

int runAttr(const QStringList &args, GlobalOptions &globals)
{
    CommandLine cmd("attr [options] DEV [ATTR [VALUE]]",
                    "Without ATTR: lists DEV's attributes with their values. With ATTR: prints "
                    "its value. With VALUE: writes it and prints the value read back.\n\n"
                    "ATTR names:\n"
                    "  NAME           device attribute    sampling_frequency\n"
                    "  CHANNEL/NAME   channel attribute   voltage0/frequency\n"
                    "  buffer/NAME    buffer attribute    buffer/length\n"
                    "  debug/NAME     debug attribute     debug/direct_reg_access\n"
                    "CHANNEL is the channel id or label; prefix in_/out_ (in_voltage0/raw) when "
                    "an input and an output channel share the id. Negative values work as "
                    "they are (attr DEV voltage0/dc_offset -200).");
    // A negative VALUE ("-200") would parse as an option: VALUE comes last, so end the options
    // before it.
    QStringList argv = args;
    static const QRegularExpression negativeNumber("^-[0-9.]");
    if (argv.size() >= 4 && negativeNumber.match(argv.last()).hasMatch() &&
        !argv.contains("--"))
        argv.insert(argv.size() - 1, "--");
    if (!cmd.parse(argv, globals))
        return ExitOk;
    const QStringList pos = cmd.positional(1, 3);
    const auto ctx = openContext(globals);
    const DeviceInfo &dev = ctx->device(pos.at(0).toStdString());

    if (pos.size() == 1) {
        QJsonObject values;
        for (const AttributeRef &ref : allAttributes(dev)) {
            const QString path = q(attributePath(dev, ref));
            try {
                const QString value = q(ctx->readAttribute(ref));
                values[path] = value;
                if (!globals.json)
                    out(QString("%1 = %2").arg(path, value));
            } catch (const std::exception &e) {
                values[path] = QJsonObject{{"error", QString::fromUtf8(e.what())}};
                if (!globals.json)
                    out(QString("%1: <%2>").arg(path, e.what()));
            }
        }
        if (globals.json)
            printJson({{"device", q(dev.id)}, {"attributes", values}});
        return ExitOk;
    }

    const AttributeRef ref = parseAttributePath(dev, pos.at(1).toStdString());
    if (pos.size() == 3)
        ctx->writeAttribute(ref, pos.at(2).toStdString());
    const QString value = q(ctx->readAttribute(ref));
    if (globals.json) {
        QJsonObject o{{"device", q(dev.id)}, {"attribute", q(attributePath(dev, ref))},
                      {"value", value}};
        if (pos.size() == 3)
            o["written"] = pos.at(2);
        printJson(o);
    } else {
        out(value);
    }
    return ExitOk;
}

} // namespace dmascope::cli

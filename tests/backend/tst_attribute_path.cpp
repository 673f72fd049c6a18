// The attribute naming scheme of dmascope-cli: parse, print back, enumerate.
#include "dmascope/attribute_path.h"
#include "dmascope/not_found_error.h"

#include <QTest>

using namespace dmascope;

namespace {
ChannelInfo channel(std::string id, ChannelDirection dir, std::vector<std::string> attrs,
                    std::string label = {})
{
    ChannelInfo ch;
    ch.id = std::move(id);
    ch.direction = dir;
    ch.attributes = std::move(attrs);
    ch.label = std::move(label);
    return ch;
}

DeviceInfo codec()
{
    DeviceInfo d;
    d.id = "iio:device1";
    d.name = "codec";
    d.attributes = {"sampling_frequency"};
    d.bufferAttributes = {"length"};
    d.debugAttributes = {"direct_reg_access"};
    d.channels = {channel("voltage0", ChannelDirection::Input, {"raw", "scale"}),
                  channel("voltage0", ChannelDirection::Output, {"raw"}),
                  channel("voltage3", ChannelDirection::Input, {"raw", "label"}, "counter")};
    return d;
}
} // namespace

class TstAttributePath : public QObject
{
    Q_OBJECT

private slots:
    void parsesEachScope()
    {
        const DeviceInfo d = codec();
        using S = AttributeRef::Scope;
        QCOMPARE(parseAttributePath(d, "sampling_frequency"),
                 (AttributeRef{d.id, S::Device, {}, "sampling_frequency"}));
        QCOMPARE(parseAttributePath(d, "buffer/length"), (AttributeRef{d.id, S::Buffer, {}, "length"}));
        QCOMPARE(parseAttributePath(d, "debug/direct_reg_access"),
                 (AttributeRef{d.id, S::Debug, {}, "direct_reg_access"}));
        QCOMPARE(parseAttributePath(d, "voltage3/raw"),
                 (AttributeRef{d.id, S::Channel, "in_voltage3", "raw"}));
        QCOMPARE(parseAttributePath(d, "counter/label"),
                 (AttributeRef{d.id, S::Channel, "in_voltage3", "label"}));
        QCOMPARE(parseAttributePath(d, "out_voltage0/raw"),
                 (AttributeRef{d.id, S::Channel, "out_voltage0", "raw"}));
    }

    void sameIdInBothDirectionsNeedsThePrefix()
    {
        try {
            parseAttributePath(codec(), "voltage0/raw");
            QFAIL("expected NotFoundError");
        } catch (const NotFoundError &e) {
            QVERIFY2(QString(e.what()).contains("add in_/out_"), e.what());
        }
    }

    void unknownNamesListWhatExists()
    {
        try {
            parseAttributePath(codec(), "voltage3/frequency");
            QFAIL("expected NotFoundError");
        } catch (const NotFoundError &e) {
            QCOMPARE(QString(e.what()),
                     QString("codec: channel in_voltage3 has no attribute 'frequency'; "
                             "it has: raw, label"));
        }
        QVERIFY_THROWS_EXCEPTION(NotFoundError, parseAttributePath(codec(), "buffer/watermark"));
        QVERIFY_THROWS_EXCEPTION(NotFoundError, parseAttributePath(codec(), "length"));
    }

    void malformedPathsAreUsageErrors()
    {
        for (const char *bad : {"", "/raw", "voltage0/", "a/b/c"})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseAttributePath(codec(), bad));
    }

    void printsTheShortestPathThatParsesBack()
    {
        const DeviceInfo d = codec();
        const auto all = allAttributes(d);
        QCOMPARE(all.size(), 8u);
        QStringList paths;
        for (const AttributeRef &ref : all) {
            const std::string path = attributePath(d, ref);
            paths << QString::fromStdString(path);
            QCOMPARE(parseAttributePath(d, path), ref);
        }
        QCOMPARE(paths, (QStringList{"sampling_frequency", "in_voltage0/raw", "in_voltage0/scale",
                                     "out_voltage0/raw", "voltage3/raw", "voltage3/label",
                                     "buffer/length", "debug/direct_reg_access"}));
    }
};

QTEST_GUILESS_MAIN(TstAttributePath)
#include "tst_attribute_path.moc"

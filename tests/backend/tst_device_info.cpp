// DeviceInfo / ChannelInfo helpers: naming, channel lookup, kind and scan order.
#include "dmascope/device_info.h"

#include <QTest>

using namespace dmascope;

namespace {
ChannelInfo channel(std::string id, ChannelDirection dir, long index = -1)
{
    ChannelInfo ch;
    ch.id = std::move(id);
    ch.direction = dir;
    ch.index = index;
    ch.scanElement = index >= 0;
    return ch;
}
} // namespace

class TstDeviceInfo : public QObject
{
    Q_OBJECT

private slots:
    void kindFollowsChannelDirections()
    {
        using D = ChannelDirection;
        QVERIFY(DeviceInfo::kindOf({}) == DeviceKind::None);
        QVERIFY(DeviceInfo::kindOf({channel("voltage0", D::Input)}) == DeviceKind::Input);
        QVERIFY(DeviceInfo::kindOf({channel("voltage0", D::Output)}) == DeviceKind::Output);
        QVERIFY(DeviceInfo::kindOf({channel("voltage0", D::Input),
                                    channel("voltage0", D::Output)}) == DeviceKind::Both);
        QCOMPARE(toString(DeviceKind::Both), std::string_view("both"));
    }

    void namesPreferLabelThenNameThenId()
    {
        ChannelInfo ch = channel("voltage1", ChannelDirection::Output);
        QCOMPARE(ch.qualifiedId(), std::string("out_voltage1"));
        QCOMPARE(ch.displayName(), std::string("voltage1"));
        ch.name = "vout";
        QCOMPARE(ch.displayName(), std::string("vout"));
        ch.label = "tx";
        QCOMPARE(ch.displayName(), std::string("tx"));
    }

    void findChannelRefusesAmbiguity()
    {
        DeviceInfo d;
        d.channels = {channel("voltage0", ChannelDirection::Input, 0),
                      channel("voltage0", ChannelDirection::Output),
                      channel("voltage1", ChannelDirection::Input, 1)};
        d.channels[2].label = "counter";
        QVERIFY(d.findChannel("voltage0") == nullptr);
        QCOMPARE(d.findChannel("in_voltage0"), &d.channels[0]);
        QCOMPARE(d.findChannel("out_voltage0"), &d.channels[1]);
        QCOMPARE(d.findChannel("counter"), &d.channels[2]);
        QCOMPARE(d.findChannel("voltage1"), &d.channels[2]);
        QVERIFY(d.findChannel("") == nullptr);
        QVERIFY(d.findChannel("voltage7") == nullptr);
    }

    void scanChannelsAreInIndexOrder()
    {
        DeviceInfo d;
        d.channels = {channel("timestamp", ChannelDirection::Input, 3),
                      channel("voltage0", ChannelDirection::Input, 0),
                      channel("voltage9", ChannelDirection::Input)};
        const auto scan = d.scanChannels();
        QCOMPARE(scan.size(), 2u);
        QCOMPARE(scan[0]->id, std::string("voltage0"));
        QCOMPARE(scan[1]->id, std::string("timestamp"));
    }

    void layoutCarriesTypeScaleAndIndex()
    {
        ChannelInfo ch = channel("voltage2", ChannelDirection::Input, 2);
        ch.label = "vin";
        ch.scanType = ScanType::parse("be:u12/16>>4");
        ch.scale = 0.25;
        ch.offset = -2048;
        QCOMPARE(ch.format(), std::string("be:u12/16>>4"));
        const ChannelLayout l = ch.layout();
        QCOMPARE(l.id, std::string("voltage2"));
        QCOMPARE(l.label, std::string("vin"));
        QVERIFY(l.type == *ch.scanType);
        QCOMPARE(l.scanIndex, 2u);
        QCOMPARE(l.toPhysical(2048 + 4), 1.0);

        const ChannelInfo plain = channel("voltage9", ChannelDirection::Input);
        QCOMPARE(plain.format(), std::string());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, plain.layout());
    }
};

QTEST_GUILESS_MAIN(TstDeviceInfo)
#include "tst_device_info.moc"

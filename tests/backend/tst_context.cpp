// Context over libiio, exercised with an xml: context (the host has no IIO devices): discovery
// into DeviceInfo, lookups, attribute errors, URI checking and the context list.
#include "dmascope/context.h"
#include "dmascope/not_found_error.h"
#include "dmascope/system_error.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

using namespace dmascope;

class TstContext : public QObject
{
    Q_OBJECT

    std::unique_ptr<Context> ctx_;

private slots:
    void initTestCase()
    {
        ctx_ = Context::open(std::string("xml:") + DMASCOPE_TEST_DATA_DIR "/iio/devices.xml");
        QVERIFY(ctx_->kind() == ContextKind::Xml);
        QCOMPARE(ctx_->description(), std::string("dmascope test fixture"));
    }

    void contextAttributes()
    {
        const auto attrs = ctx_->attributes();
        QVERIFY(std::find(attrs.begin(), attrs.end(),
                          std::pair<std::string, std::string>("local,kernel", "6.12.0-fixture")) !=
                attrs.end());
    }

    void devicesAreDescribed()
    {
        QCOMPARE(ctx_->devices().size(), 4u);
        const DeviceInfo &adc = ctx_->device("iio-sim-adc");
        QCOMPARE(adc.id, std::string("iio:device0"));
        QCOMPARE(adc.label, std::string("sim-adc0"));
        QCOMPARE(adc.displayName(), std::string("sim-adc0"));
        QVERIFY(adc.kind == DeviceKind::Input);
        QVERIFY(adc.bufferCapable);
        QVERIFY(!adc.trigger);
        QCOMPARE(adc.bufferAttributes, (std::vector<std::string>{"length", "watermark"}));
        QCOMPARE(adc.debugAttributes, std::vector<std::string>{"direct_reg_access"});

        QVERIFY(ctx_->device("iio-sim-dac").kind == DeviceKind::Output);
        QVERIFY(ctx_->device("loopback-codec").kind == DeviceKind::Both);
        const DeviceInfo &trig = ctx_->device("trigger0");
        QVERIFY(trig.kind == DeviceKind::None);
        QVERIFY(trig.trigger);
        QVERIFY(!trig.bufferCapable);
    }

    void channelsCarryScanTypeAndScale()
    {
        const DeviceInfo &adc = ctx_->device("iio:device0");
        QCOMPARE(adc.channels.size(), 4u);
        const ChannelInfo *v0 = adc.findChannel("voltage0");
        QVERIFY(v0);
        QVERIFY(v0->scanElement);
        QCOMPARE(v0->index, 0L);
        QCOMPARE(v0->format(), std::string("le:s16/16>>0"));
        // xml: cannot read `scale`: the value recorded with the scan element is used.
        QCOMPARE(v0->scale, 0.5);
        QCOMPARE(v0->offset, 0.0);
        QVERIFY(v0->hasAttribute("frequency"));

        const ChannelInfo *v1 = adc.findChannel("vin");
        QVERIFY(v1);
        QCOMPARE(v1->id, std::string("voltage1"));
        QCOMPARE(v1->format(), std::string("be:u12/16>>4"));
        QCOMPARE(v1->scale, 1.0);
        QCOMPARE(adc.findChannel("altvoltage2")->format(), std::string("le:s16/16X2>>0"));

        const auto scan = adc.scanChannels();
        QCOMPARE(scan.size(), 4u);
        QCOMPARE(scan.back()->id, std::string("timestamp"));
    }

    void lookupByIdNameOrLabel()
    {
        QCOMPARE(ctx_->device("sim-adc0").id, std::string("iio:device0"));
        QCOMPARE(ctx_->device("iio:device2").name, std::string("iio-sim-dac"));
    }

    void unknownDeviceListsWhatExists()
    {
        try {
            ctx_->device("ad9361-phy");
            QFAIL("expected NotFoundError");
        } catch (const NotFoundError &e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("'ad9361-phy'") && msg.contains("iio:device0 (iio-sim-adc)") &&
                         msg.contains("trigger0"),
                     e.what());
        }
    }

    void attributeReadErrorNamesTheFile()
    {
        // libiio's xml backend has no attribute I/O: ENOSYS, reported with device and file.
        try {
            ctx_->readAttribute({"iio:device0", AttributeRef::Scope::Channel, "in_voltage0",
                                 "frequency"});
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), ENOSYS);
            QCOMPARE(QString(e.what()),
                     QString("iio-sim-adc: in_voltage0_frequency: cannot read: "
                             "Function not implemented (errno 38)"));
        }
    }

    void attributeWriteErrorQuotesTheValue()
    {
        try {
            ctx_->writeAttribute({"iio-sim-adc", AttributeRef::Scope::Buffer, {}, "length"},
                                 "9e9");
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            QCOMPARE(QString(e.what()),
                     QString("iio-sim-adc: buffer/length: value '9e9' refused: "
                             "Function not implemented (errno 38)"));
        }
    }

    void missingAttributeIsNotFound()
    {
        QVERIFY_THROWS_EXCEPTION(NotFoundError,
                                 ctx_->readAttribute({"iio:device0", AttributeRef::Scope::Device,
                                                      {}, "no_such_attr"}));
        QVERIFY_THROWS_EXCEPTION(NotFoundError,
                                 ctx_->readAttribute({"iio:device0", AttributeRef::Scope::Channel,
                                                      "out_voltage0", "raw"}));
        QVERIFY_THROWS_EXCEPTION(NotFoundError,
                                 ctx_->readAttribute({"iio:device0", AttributeRef::Scope::Debug,
                                                      {}, "length"}));
    }

    void badUrisAreExplained()
    {
        try {
            Context::open("bogus:");
            QFAIL("expected invalid_argument");
        } catch (const std::invalid_argument &e) {
            QVERIFY2(QString(e.what()).contains("ip:HOST[:PORT]"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Context::open("ip:"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Context::open("xml:"));
    }

    void unreachableContextIsASystemError()
    {
        try {
            Context::open("xml:/nonexistent/devices.xml");
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            QVERIFY2(QString(e.what()).contains("cannot open IIO context 'xml:/nonexistent"),
                     e.what());
        }
    }

    void localDevicesDecideTheDefault()
    {
        QTemporaryDir sysfs;
        QVERIFY(sysfs.isValid());
        const std::string root = sysfs.path().toStdString();
        QVERIFY(!Context::hasLocalDevices(root));
        QCOMPARE(Context::defaultUri(root), std::string("sim:"));
        QVERIFY(QDir(sysfs.path()).mkdir("iio:device0"));
        QVERIFY(Context::hasLocalDevices(root));
        QCOMPARE(Context::defaultUri(root), std::string("local:"));
    }

    void listAlwaysOffersSimAndLocalWhenPresent()
    {
        QTemporaryDir sysfs;
        ContextListOptions opts;
        opts.sysfsRoot = sysfs.path().toStdString();
        auto uris = [](const std::vector<ContextInfo> &l) {
            QStringList out;
            for (const ContextInfo &c : l)
                out << QString::fromStdString(c.uri);
            return out;
        };
        QStringList listed = uris(Context::list(opts));
        QVERIFY(listed.contains("sim:"));
        QVERIFY(!listed.contains("local:"));
        QVERIFY(QDir(sysfs.path()).mkdir("iio:device3"));
        listed = uris(Context::list(opts));
        QCOMPARE(listed.indexOf("local:"), 0);
    }
};

QTEST_GUILESS_MAIN(TstContext)
#include "tst_context.moc"

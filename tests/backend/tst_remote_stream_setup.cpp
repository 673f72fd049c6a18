// RemoteStream on the host: everything up to the first refill, against an xml: context (libiio
// parses it like a remote one, but has no buffers) and an unreachable iiod. Streaming itself is
// tested against iiod in the guest (tests/kernel/tst_remote_stream.cpp).
#include "dmascope/not_found_error.h"
#include "dmascope/remote_stream.h"
#include "dmascope/system_error.h"

#include <QTest>

#include <cerrno>

using namespace dmascope;

namespace {
const std::string kFixture = std::string("xml:") + DMASCOPE_TEST_DATA_DIR "/iio/devices.xml";

StreamConfig config(std::vector<std::string> channels = {})
{
    StreamConfig c;
    c.channels = std::move(channels);
    c.samplesPerBlock = 256;
    c.blockCount = 4;
    return c;
}
} // namespace

class TstRemoteStreamSetup : public QObject
{
    Q_OBJECT

private slots:
    void unreachableServerIsASystemError()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        RemoteStream s("ip:127.0.0.1:1", "iio-sim-adc");
        try {
            s.start(config());
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            QCOMPARE(e.code(), ECONNREFUSED);
            QVERIFY2(QString(e.what()).contains("Is iiod running"), e.what());
        }
        QVERIFY(s.state() == StreamState::Idle);
    }

    void unknownDeviceListsTheDevices()
    {
        RemoteStream s(kFixture, "ad9361");
        try {
            s.start(config());
            QFAIL("expected NotFoundError");
        } catch (const NotFoundError &e) {
            QVERIFY2(QString(e.what()).contains("iio:device0 (iio-sim-adc)"), e.what());
        }
    }

    void unknownOrOutputChannelIsNotFound()
    {
        RemoteStream adc(kFixture, "iio-sim-adc");
        try {
            adc.start(config({"voltage0", "voltage9"}));
            QFAIL("expected NotFoundError");
        } catch (const NotFoundError &e) {
            QCOMPARE(QString(e.what()),
                     QString("iio-sim-adc: no input scan channel 'voltage9'; there are: "
                             "voltage0, voltage1, altvoltage2, timestamp"));
        }
        RemoteStream dac(kFixture, "iio-sim-dac");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, dac.start(config()));
    }

    void localOnlyPathsAreRefused()
    {
        RemoteStream s(kFixture, "iio-sim-adc");
        StreamConfig c = config();
        c.path = PathPreference::Dmabuf;
        try {
            s.start(c);
            QFAIL("expected invalid_argument");
        } catch (const std::invalid_argument &e) {
            QVERIFY2(QString(e.what()).contains("dmabuf needs a local device"), e.what());
        }
    }

    void bufferCreationFailureIsReported()
    {
        // The layout is computed and checked against libiio's; then creating the buffer fails
        // because xml: contexts cannot stream: the error names the device and the errno.
        RemoteStream s(kFixture, "sim-adc0");
        try {
            s.start(config({"voltage1", "voltage0"}));
            QFAIL("expected SystemError");
        } catch (const SystemError &e) {
            QVERIFY2(QString(e.what()).startsWith("iio-sim-adc: cannot create a libiio buffer of "
                                                  "256 samples"),
                     e.what());
        }
        QVERIFY(s.state() != StreamState::Running);
        QVERIFY(s.layout() == nullptr);
    }
};

QTEST_GUILESS_MAIN(TstRemoteStreamSetup)
#include "tst_remote_stream_setup.moc"

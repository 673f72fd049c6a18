// The Oscilloscope and the Spectrum analyzer on one device at once: the host opens one stream,
// each instrument has its own lossy subscription on it, and both are fed the stream's own
// blocks (the mapped buffers of its pool: a probe subscription sees only the pool's buffer
// addresses, so nobody made a copy to pass around) while both displays keep updating.
#include "scope_instrument.h"
#include "sim_host.h"
#include "spectrum_instrument.h"

#include "dmascope/ui/spectrum_plot.h"
#include "dmascope/ui/time_plot.h"

#include <QTest>

#include <set>

using namespace dmascope;
using dmascope::testing::SimHost;

class TstSharedStream : public QObject
{
    Q_OBJECT
private slots:
    void scopeAndSpectrumTogether()
    {
        SimHost host({}, 16384);
        scope::ScopeInstrument scope(host, SimHost::simAdc());
        spectrum::SpectrumInstrument spec(host, SimHost::simAdc());
        QCOMPARE(host.opened, 2);
        scope.resize(900, 600);
        spec.resize(900, 600);
        scope.show();
        spec.show();
        const auto scopeSeq = [&] {
            const auto s = scope.plot()->snapshot();
            return s ? s->sequence : 0;
        };
        const auto specSeq = [&] {
            const auto s = spec.plot()->snapshot();
            return s ? s->sequence : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(scopeSeq() >= 3 && specSeq() >= 3, 20000);

        // Both keep running side by side.
        const std::uint64_t a = scopeSeq(), b = specSeq();
        QTRY_VERIFY_WITH_TIMEOUT(scopeSeq() > a + 2 && specSeq() > b + 2, 20000);
        QVERIFY(spec.feeder()->stats().blocks > 0);

        // Every block anyone is handed is one of the pool's buffers, at its own address.
        auto probe = host.stream->subscribe(SubscriptionKind::Lossy);
        std::set<const std::uint8_t *> addresses;
        for (int i = 0; i < 64; ++i) {
            auto d = probe->pop(1000);
            QVERIFY(d);
            addresses.insert(d->block->data);
        }
        QVERIFY2(addresses.size() <= 16, qPrintable(QString::number(addresses.size())));
        // The instruments never held blocks long enough to starve the device.
        const StreamStats st = host.stream->stats();
        QCOMPARE(st.state, StreamState::Running);
        QCOMPARE(st.consumerOverruns, std::uint64_t(0));
    }
};

QTEST_MAIN(TstSharedStream)
#include "tst_shared_stream.moc"

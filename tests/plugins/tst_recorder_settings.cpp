// RecorderSettings: JSON round trip, tolerance of old or corrupt sessions, the default folder.
#include "recorder_settings.h"

#include <QDir>
#include <QJsonArray>
#include <QTest>

using dmascope::recorder::RecorderSettings;

class TstRecorderSettings : public QObject
{
    Q_OBJECT

private slots:
    void roundTrips()
    {
        RecorderSettings s;
        s.channels = {QStringLiteral("voltage0"), QStringLiteral("voltage3")};
        s.folder = QStringLiteral("/data/rec");
        s.namePattern = QStringLiteral("{device}-{time}");
        s.limitSeconds = 2.5;
        s.limitBytes = 5'000'000'000ULL; // above 2^32: JSON doubles hold it exactly
        s.limitSamples = 123456789;
        const RecorderSettings r = RecorderSettings::fromJson(s.toJson());
        QCOMPARE(r.channels, s.channels);
        QCOMPARE(r.folder, s.folder);
        QCOMPARE(r.namePattern, s.namePattern);
        QCOMPARE(r.limitSeconds, 2.5);
        QCOMPARE(r.limitBytes, 5'000'000'000ULL);
        QCOMPARE(r.limitSamples, std::uint64_t(123456789));
    }

    void malformedFieldsKeepDefaults()
    {
        const RecorderSettings d;
        const RecorderSettings r = RecorderSettings::fromJson(QJsonObject{
            {QStringLiteral("channels"), QStringLiteral("voltage0")}, // not an array
            {QStringLiteral("folder"), 42},
            {QStringLiteral("namePattern"), QStringLiteral("   ")},
            {QStringLiteral("limitSeconds"), -1},
            {QStringLiteral("limitBytes"), QStringLiteral("many")},
            {QStringLiteral("limitSamples"), -5},
            {QStringLiteral("somethingNew"), true},
        });
        QVERIFY(r.channels.isEmpty());
        QCOMPARE(r.folder, d.folder);
        QCOMPARE(r.namePattern, d.namePattern);
        QCOMPARE(r.limitSeconds, 0.0);
        QCOMPARE(r.limitBytes, std::uint64_t(0));
        QCOMPARE(r.limitSamples, std::uint64_t(0));
        QVERIFY(RecorderSettings::fromJson({}).namePattern.contains(QStringLiteral("{device}")));
    }

    void emptyFolderMeansTheDefaultOne()
    {
        RecorderSettings s;
        QCOMPARE(s.effectiveFolder(), RecorderSettings::defaultFolder());
        QVERIFY(s.effectiveFolder().startsWith(QDir::homePath()));
        s.folder = QStringLiteral("/x");
        QCOMPARE(s.effectiveFolder(), QStringLiteral("/x"));
    }
};

QTEST_MAIN(TstRecorderSettings)
#include "tst_recorder_settings.moc"

// PluginMetadata::fromJson: what a plugin's JSON must contain before the app loads it.
#include "dmascope/plugin/plugin_metadata.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using dmascope::plugin::PluginMetadata;

class TstPluginMetadata : public QObject
{
    Q_OBJECT

    static QJsonObject valid()
    {
        return QJsonDocument::fromJson(R"({"id": "org.dmascope.scope", "name": "Oscilloscope",
            "version": "0.1.0", "apiVersion": 1, "deviceKinds": ["adc"],
            "description": "Time-domain view"})")
            .object();
    }

private slots:
    void parsesValidMetadata()
    {
        QString error;
        const auto m = PluginMetadata::fromJson(valid(), &error);
        QVERIFY2(m, qPrintable(error));
        QCOMPARE(m->id, QStringLiteral("org.dmascope.scope"));
        QCOMPARE(m->name, QStringLiteral("Oscilloscope"));
        QCOMPARE(m->version, QStringLiteral("0.1.0"));
        QCOMPARE(m->apiVersion, 1);
        QCOMPARE(m->deviceKinds, QStringList{QStringLiteral("adc")});
        QCOMPARE(m->description, QStringLiteral("Time-domain view"));
        QVERIFY(m->supportsKind(QStringLiteral("adc")));
        QVERIFY(!m->supportsKind(QStringLiteral("dac")));
        QVERIFY(m->defaultInstrument); // optional, true when absent
        QJsonObject tool = valid();
        tool[QStringLiteral("defaultInstrument")] = false;
        QVERIFY(!PluginMetadata::fromJson(tool, nullptr)->defaultInstrument);
    }

    void wildcardKindSupportsEverything()
    {
        QJsonObject j = valid();
        j[QStringLiteral("deviceKinds")] = QJsonArray{QStringLiteral("*")};
        const auto m = PluginMetadata::fromJson(j, nullptr);
        QVERIFY(m);
        QVERIFY(m->supportsKind(QStringLiteral("dac")));
        QVERIFY(m->supportsKind(QStringLiteral("other")));
    }

    void rejectsBrokenMetadata_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value"); // Undefined removes the key
        QTest::addColumn<QString>("expected"); // part of the error message

        QTest::newRow("no id") << "id" << QJsonValue(QJsonValue::Undefined) << "missing \"id\"";
        QTest::newRow("empty name") << "name" << QJsonValue("  ") << "\"name\" must be";
        QTest::newRow("numeric version") << "version" << QJsonValue(2) << "\"version\" must be";
        QTest::newRow("no apiVersion") << "apiVersion" << QJsonValue(QJsonValue::Undefined)
                                       << "missing \"apiVersion\"";
        QTest::newRow("apiVersion string") << "apiVersion" << QJsonValue("1")
                                           << "\"apiVersion\" must be a positive integer";
        QTest::newRow("apiVersion fraction") << "apiVersion" << QJsonValue(1.5)
                                             << "\"apiVersion\" must be a positive integer";
        QTest::newRow("apiVersion zero") << "apiVersion" << QJsonValue(0)
                                         << "\"apiVersion\" must be a positive integer";
        QTest::newRow("kinds string") << "deviceKinds" << QJsonValue("adc")
                                      << "\"deviceKinds\" must be a non-empty array";
        QTest::newRow("kinds empty") << "deviceKinds" << QJsonValue(QJsonArray())
                                     << "\"deviceKinds\" must be a non-empty array";
        QTest::newRow("kinds number") << "deviceKinds" << QJsonValue(QJsonArray{1})
                                      << "entries must be strings";
        QTest::newRow("default string") << "defaultInstrument" << QJsonValue("no")
                                        << "\"defaultInstrument\" must be true or false";
    }

    void rejectsBrokenMetadata()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        QJsonObject j = valid();
        if (value.isUndefined())
            j.remove(key);
        else
            j[key] = value;
        QString error;
        QVERIFY(!PluginMetadata::fromJson(j, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void rejectsEmptyObject()
    {
        QString error;
        QVERIFY(!PluginMetadata::fromJson(QJsonObject(), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstPluginMetadata)
#include "tst_plugin_metadata.moc"

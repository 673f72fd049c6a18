// Recording names: patterns expand with the device and the local date/time; a taken name (data
// or meta file) moves on to NAME-1, NAME-2, ...; nothing existing is ever opened for writing;
// bad names and folders give clear errors.
#include "dmascope/record/recording_files.h"
#include "dmascope/system_error.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace dmascope;

class TstRecordingFiles : public QObject
{
    Q_OBJECT

private slots:
    void patterns()
    {
        std::tm tm{};
        tm.tm_year = 2026 - 1900;
        tm.tm_mon = 10;
        tm.tm_mday = 25;
        tm.tm_hour = 13;
        tm.tm_min = 7;
        tm.tm_sec = 9;
        tm.tm_isdst = -1;
        const std::time_t when = std::mktime(&tm); // local time, as the expansion uses
        QCOMPARE(expandRecordingName("{device}-{datetime}", "iio-sim-adc", when),
                 std::string("iio-sim-adc-20261125-130709"));
        QCOMPARE(expandRecordingName("run_{date}_{time}", "", when),
                 std::string("run_20261125_130709"));
        QCOMPARE(expandRecordingName("{device}", "", when), std::string("recording"));
        QCOMPARE(expandRecordingName("plain", "x", when), std::string("plain"));
    }

    void badNames_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("message");
        QTest::newRow("field") << "{host}"
                               << "recording name \"{host}\": unknown field {host} (use {device}, "
                                  "{date}, {time}, {datetime})";
        QTest::newRow("open") << "a{date" << "recording name \"a{date\": '{' without a closing '}'";
        QTest::newRow("slash") << "a/b" << "recording name \"a/b\" contains '/': choose the folder separately";
        QTest::newRow("empty") << "" << "the recording name is empty";
        QTest::newRow("dotdot") << ".." << "the recording name is empty";
    }
    void badNames()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, message);
        try {
            expandRecordingName(pattern.toStdString(), "dev", 0);
            QFAIL("accepted");
        } catch (const std::invalid_argument &e) {
            QCOMPARE(QString(e.what()), message);
        }
    }

    void neverOverwrites()
    {
        QTemporaryDir dir;
        // rec: data taken; rec-1: only a meta file left (a recording whose data went missing).
        QFile data(dir.filePath("rec.sigmf-data"));
        QVERIFY(data.open(QIODevice::WriteOnly));
        data.write("precious");
        data.close();
        QFile meta(dir.filePath("rec-1.sigmf-meta"));
        QVERIFY(meta.open(QIODevice::WriteOnly));
        meta.write("{}");
        meta.close();

        RecordingFiles f = createRecordingFiles(dir.path().toStdString(), "rec");
        QCOMPARE(f.base, dir.filePath("rec-2").toStdString());
        QCOMPARE(f.dataPath, dir.filePath("rec-2.sigmf-data").toStdString());
        QCOMPARE(f.metaPath, dir.filePath("rec-2.sigmf-meta").toStdString());
        QVERIFY(f.data.valid());
        QVERIFY(QFileInfo::exists(dir.filePath("rec-2.sigmf-meta")));
        // The existing files are untouched, and no stray file was left by the attempts.
        QCOMPARE(QFileInfo(dir.filePath("rec.sigmf-data")).size(), qint64{8});
        QVERIFY(!QFileInfo::exists(dir.filePath("rec.sigmf-meta")));
        QCOMPARE(QFileInfo(dir.filePath("rec-1.sigmf-meta")).size(), qint64{2});
        QVERIFY(!QFileInfo::exists(dir.filePath("rec-1.sigmf-data")));

        RecordingFiles g = createRecordingFiles(dir.path().toStdString() + "/", "rec");
        QCOMPARE(g.base, dir.filePath("rec-3").toStdString());
    }

    void badFolders()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("nope").toStdString();
        try {
            createRecordingFiles(missing, "rec");
            QFAIL("created in a missing folder");
        } catch (const SystemError &e) {
            QCOMPARE(std::string(e.what()),
                     "recording folder " + missing + ": No such file or directory (errno 2)");
        }
        QFile file(dir.filePath("file"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY_THROWS_EXCEPTION(SystemError,
                                 createRecordingFiles(dir.filePath("file").toStdString(), "rec"));
        if (::geteuid() != 0) { // root writes anywhere
            QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner);
            QVERIFY_THROWS_EXCEPTION(SystemError,
                                     createRecordingFiles(dir.path().toStdString(), "rec"));
            QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        }
    }
};

QTEST_GUILESS_MAIN(TstRecordingFiles)
#include "tst_recording_files.moc"

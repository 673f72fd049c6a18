#include "sigmf_fixture.h"

#include <QFile>

namespace sigmf_fixture {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

QString writeRecording(const QString &base, const dmascope::SigmfMeta &meta,
                       const QByteArray &data)
{
    writeFile(base + ".sigmf-meta", QByteArray::fromStdString(meta.toJson()));
    writeFile(base + ".sigmf-data", data);
    return base;
}

} // namespace sigmf_fixture

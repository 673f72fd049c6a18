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

dmascope::SigmfMeta iio16Meta(const std::string &device, double rate,
                              std::vector<dmascope::SigmfIioChannel> channels)
{
    dmascope::SigmfMeta m;
    m.datatype = *dmascope::SigmfDatatype::parse("ri16_le");
    m.numChannels = static_cast<unsigned>(channels.size());
    m.sampleRate = rate;
    dmascope::SigmfIioInfo iio;
    iio.device = device;
    iio.frameBytes = 2 * channels.size();
    for (std::size_t i = 0; i < channels.size(); ++i)
        channels[i].byteOffset = 2 * i;
    iio.channels = std::move(channels);
    m.iio = iio;
    m.captures = {{0, 0, "", std::nullopt}};
    return m;
}

QString writeRecording(const QString &base, const dmascope::SigmfMeta &meta,
                       const QByteArray &data)
{
    writeFile(base + ".sigmf-meta", QByteArray::fromStdString(meta.toJson()));
    writeFile(base + ".sigmf-data", data);
    return base;
}

} // namespace sigmf_fixture

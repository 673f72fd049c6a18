// Recordings made by hand for the record/playback/export tests: write the metadata and the
// samples, and read files back.
#pragma once

#include "dmascope/record/sigmf_meta.h"

#include <QByteArray>
#include <QString>

#include <cstring>
#include <string>
#include <vector>

namespace sigmf_fixture {

void writeFile(const QString &path, const QByteArray &bytes);
QByteArray readFile(const QString &path);
// The metadata of a dmascope recording of `channels` (16-bit containers, interleaved in that
// order: their byteOffset is set here) as ri16_le at `rate` from device `device`, with one
// capture from sample 0.
dmascope::SigmfMeta iio16Meta(const std::string &device, double rate,
                              std::vector<dmascope::SigmfIioChannel> channels);

// Writes BASE.sigmf-meta and BASE.sigmf-data; returns BASE.
QString writeRecording(const QString &base, const dmascope::SigmfMeta &meta,
                       const QByteArray &data);

// Appends `value` in host (little-endian) or big-endian byte order.
template <typename T> void append(QByteArray &out, T value, bool bigEndian = false)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    if (bigEndian)
        for (std::size_t i = 0; i < sizeof(T) / 2; ++i)
            std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
    out.append(bytes, sizeof(T));
}

} // namespace sigmf_fixture

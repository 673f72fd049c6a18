#include "dmascope/record/sigmf_meta.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QString>

#include <algorithm>
#include <cmath>
#include <set>

namespace dmascope {

namespace {

// More than this many interleaved channels is certainly a corrupt file, and it bounds what a
// reader allocates for the layout.
constexpr qint64 kMaxChannels = 4096;
// JSON numbers are doubles to most tools: integers above 2^53 cannot be trusted.
constexpr double kMaxExactInteger = 9007199254740992.0;
constexpr std::string_view kIioExtension = "iio";
constexpr std::string_view kIioExtensionVersion = "1.0.0";

QString q(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
std::string s(const QString &v) { return v.toStdString(); }

[[noreturn]] void fail(const std::string &where, const std::string &what)
{
    throw SigmfError(where + ": " + what);
}

std::string describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return "null";
    case QJsonValue::Bool:
        return v.toBool() ? "true" : "false";
    case QJsonValue::Double: {
        const QByteArray text = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        return text.mid(1, text.size() - 2).toStdString();
    }
    case QJsonValue::String: {
        std::string text = s(v.toString());
        if (text.size() > 40)
            text = text.substr(0, 40) + "...";
        return "\"" + text + "\"";
    }
    case QJsonValue::Array:
        return "an array";
    case QJsonValue::Object:
        return "an object";
    case QJsonValue::Undefined:
        break;
    }
    return "nothing";
}

// Typed access to one object's keys, naming the key ("captures[2].core:sample_start") in
// every error.
class Fields
{
public:
    Fields(const QJsonObject &object, std::string path) : o_(object), path_(std::move(path)) {}

    std::string where(std::string_view key) const
    {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    bool has(std::string_view key) const { return o_.contains(q(key)); }
    QJsonValue value(std::string_view key) const { return o_.value(q(key)); }

    std::optional<std::string> string(std::string_view key, bool required = false) const
    {
        if (!has(key)) {
            if (required)
                fail(where(key), "missing (required)");
            return std::nullopt;
        }
        const QJsonValue v = value(key);
        if (!v.isString())
            fail(where(key), "must be a string, got " + describe(v));
        return s(v.toString());
    }

    std::optional<double> number(std::string_view key, bool required = false) const
    {
        if (!has(key)) {
            if (required)
                fail(where(key), "missing (required)");
            return std::nullopt;
        }
        const QJsonValue v = value(key);
        if (!v.isDouble())
            fail(where(key), "must be a number, got " + describe(v));
        const double d = v.toDouble();
        if (!std::isfinite(d))
            fail(where(key), "must be a finite number");
        return d;
    }

    std::optional<std::uint64_t> count(std::string_view key, bool required = false) const
    {
        if (!has(key)) {
            if (required)
                fail(where(key), "missing (required)");
            return std::nullopt;
        }
        const QJsonValue v = value(key);
        const double d = v.isDouble() ? v.toDouble() : -1.0;
        if (!v.isDouble() || !(d >= 0) || d != std::floor(d))
            fail(where(key), "must be a non-negative integer, got " + describe(v));
        if (d > kMaxExactInteger)
            fail(where(key), "is too large (more than 2^53), got " + describe(v));
        const qint64 exact = v.toInteger(-1);
        return static_cast<std::uint64_t>(exact >= 0 ? exact : static_cast<qint64>(d));
    }

    std::optional<bool> boolean(std::string_view key) const
    {
        if (!has(key))
            return std::nullopt;
        const QJsonValue v = value(key);
        if (!v.isBool())
            fail(where(key), "must be true or false, got " + describe(v));
        return v.toBool();
    }

    QJsonArray array(std::string_view key, bool required) const
    {
        if (!has(key)) {
            if (required)
                fail(where(key), "missing (required)");
            return {};
        }
        const QJsonValue v = value(key);
        if (!v.isArray())
            fail(where(key), "must be an array, got " + describe(v));
        return v.toArray();
    }

    QJsonObject object(std::string_view key, bool required) const
    {
        if (!has(key)) {
            if (required)
                fail(where(key), "missing (required)");
            return {};
        }
        const QJsonValue v = value(key);
        if (!v.isObject())
            fail(where(key), "must be an object, got " + describe(v));
        return v.toObject();
    }

private:
    const QJsonObject &o_;
    std::string path_;
};

QJsonObject elementObject(const QJsonValue &v, const std::string &where)
{
    if (!v.isObject())
        fail(where, "must be an object, got " + describe(v));
    return v.toObject();
}

std::string indexed(std::string_view array, qsizetype i)
{
    return std::string(array) + "[" + std::to_string(i) + "]";
}

void parseVersion(const std::string &version)
{
    // "1.2.5": major.minor.patch; dmascope reads SigMF 1.x.
    std::size_t pos = 0;
    int parts = 0;
    while (pos <= version.size() && parts < 3) {
        const std::size_t start = pos;
        while (pos < version.size() && version[pos] >= '0' && version[pos] <= '9')
            ++pos;
        if (pos == start)
            break;
        ++parts;
        if (parts < 3) {
            if (pos >= version.size() || version[pos] != '.')
                break;
            ++pos;
        }
    }
    if (parts < 3)
        fail("global.core:version", "must look like 1.2.5, got \"" + version + "\"");
    if (version.rfind("1.", 0) != 0)
        fail("global.core:version", "SigMF " + version + " is not supported (dmascope reads 1.x)");
}

SigmfIioInfo parseIio(const Fields &global)
{
    SigmfIioInfo iio;
    iio.device = global.string("iio:device").value_or("");
    iio.deviceId = global.string("iio:device_id").value_or("");
    iio.uri = global.string("iio:uri").value_or("");
    const auto frameBytes = global.count("iio:frame_bytes", true);
    if (*frameBytes == 0 || *frameBytes > static_cast<std::uint64_t>(kMaxChannels) * 64)
        fail("global.iio:frame_bytes", "must be between 1 and " +
                                           std::to_string(kMaxChannels * 64) + ", got " +
                                           std::to_string(*frameBytes));
    iio.frameBytes = static_cast<std::size_t>(*frameBytes);
    iio.sampleCount = global.count("iio:sample_count");

    const QJsonArray channels = global.array("iio:channels", true);
    if (channels.isEmpty())
        fail("global.iio:channels", "must list at least one channel");
    if (channels.size() > kMaxChannels)
        fail("global.iio:channels", "more than " + std::to_string(kMaxChannels) +
                                        " channels are not supported");
    std::set<std::string> ids;
    for (qsizetype i = 0; i < channels.size(); ++i) {
        const std::string where = "global." + indexed("iio:channels", i);
        const QJsonObject o = elementObject(channels.at(i), where);
        const Fields f(o, where);
        SigmfIioChannel c;
        c.id = *f.string("id", true);
        if (c.id.empty())
            fail(f.where("id"), "must not be empty");
        if (!ids.insert(c.id).second)
            fail(f.where("id"), "channel \"" + c.id + "\" is listed twice");
        c.label = f.string("label").value_or(c.id);
        c.scanType = *f.string("scan_type", true);
        std::string why;
        if (!ScanType::parse(c.scanType, &why))
            fail(f.where("scan_type"), why);
        c.scale = f.number("scale").value_or(1.0);
        c.offset = f.number("offset").value_or(0.0);
        c.byteOffset = static_cast<std::size_t>(*f.count("byte_offset", true));
        const auto index = f.count("scan_index").value_or(static_cast<std::uint64_t>(i));
        if (index > 0xffffffffu)
            fail(f.where("scan_index"), "is too large");
        c.scanIndex = static_cast<unsigned>(index);
        iio.channels.push_back(std::move(c));
    }

    const QJsonObject attrs = global.object("iio:device_attributes", false);
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
        if (!it.value().isString())
            fail("global.iio:device_attributes." + s(it.key()),
                 "must be a string, got " + describe(it.value()));
        iio.deviceAttributes.emplace_back(s(it.key()), s(it.value().toString()));
    }
    return iio;
}

// The iio extension must describe exactly the frames core:datatype and core:num_channels say.
void checkIioLayout(const SigmfMeta &meta)
{
    const SigmfIioInfo &iio = *meta.iio;
    if (iio.frameBytes != meta.frameBytes())
        fail("global.iio:frame_bytes",
             std::to_string(iio.frameBytes) + " does not match core:datatype " +
                 meta.datatype.toString() + " x core:num_channels " +
                 std::to_string(meta.numChannels) + " = " + std::to_string(meta.frameBytes()) +
                 " bytes per frame");
    ScanLayout layout;
    try {
        layout = meta.layout();
    } catch (const std::invalid_argument &e) {
        fail("global.iio:channels", e.what());
    }
    if (layout.frameBytes != iio.frameBytes)
        fail("global.iio:channels", "the scan types give " + std::to_string(layout.frameBytes) +
                                        " bytes per frame, iio:frame_bytes says " +
                                        std::to_string(iio.frameBytes));
    for (const SigmfIioChannel &c : iio.channels) {
        const ChannelLayout *l = layout.find(c.id);
        if (l && l->byteOffset != c.byteOffset)
            fail("global.iio:channels", "channel " + c.id + " is at byte " +
                                            std::to_string(l->byteOffset) +
                                            " of the frame by its scan type, byte_offset says " +
                                            std::to_string(c.byteOffset));
    }
}

void parseExtensions(const Fields &global)
{
    const QJsonArray extensions = global.array("core:extensions", false);
    for (qsizetype i = 0; i < extensions.size(); ++i) {
        const std::string where = "global." + indexed("core:extensions", i);
        const QJsonObject o = elementObject(extensions.at(i), where);
        const Fields f(o, where);
        const std::string name = *f.string("name", true);
        f.string("version", true);
        const bool optional = f.boolean("optional").value_or(false);
        if (!optional && name != kIioExtension)
            fail(f.where("name"), "the recording requires the extension \"" + name +
                                      "\", which dmascope does not support");
    }
}

std::string isoDatetimeCheck(const std::string &text, const std::string &where)
{
    // A light check of ISO 8601 ("2026-11-25T13:17:00.123Z"): the date part at least.
    auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
    const bool ok = digit(0) && digit(1) && digit(2) && digit(3) && text.size() >= 10 &&
                    text[4] == '-' && digit(5) && digit(6) && text[7] == '-' && digit(8) &&
                    digit(9);
    if (!ok)
        fail(where, "must be an ISO 8601 date and time like 2026-11-25T13:17:00Z, got \"" +
                        text + "\"");
    return text;
}

} // namespace

// ---- SigmfDatatype ----

std::optional<SigmfDatatype> SigmfDatatype::parse(std::string_view text, std::string *error)
{
    auto bad = [&](const std::string &why) -> std::optional<SigmfDatatype> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const std::string quoted = "\"" + std::string(text.substr(0, 40)) + "\"";
    SigmfDatatype t;
    if (text.empty())
        return bad("must not be empty");
    if (text[0] != 'c' && text[0] != 'r')
        return bad(quoted + " must start with c (complex) or r (real)");
    t.complex = text[0] == 'c';
    if (text.size() < 3 || (text[1] != 'f' && text[1] != 'i' && text[1] != 'u'))
        return bad(quoted + " must name f (float), i (signed) or u (unsigned) after " +
                   std::string(1, text[0]));
    t.isFloat = text[1] == 'f';
    t.isSigned = text[1] != 'u';
    std::size_t pos = 2;
    unsigned bits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && bits < 1000)
        bits = bits * 10 + static_cast<unsigned>(text[pos++] - '0');
    // The size is written exactly as SigMF spells it: "i8", never "i08".
    const bool validBits = text[2] != '0' && (t.isFloat ? (bits == 32 || bits == 64)
                                                        : (bits == 8 || bits == 16 || bits == 32));
    if (!validBits)
        return bad(quoted + " has no SigMF sample size (f32, f64, i8, i16, i32, u8, u16, u32)");
    t.bits = bits;
    const std::string_view suffix = text.substr(pos);
    if (suffix == "_le" || suffix == "_be") {
        // SigMF allows a byte order on 8-bit types too, where it means nothing: "ri8_be" is
        // "ri8" (and is written back as such).
        t.bigEndian = suffix == "_be" && bits > 8;
    } else if (suffix.empty()) {
        if (bits > 8)
            return bad(quoted + " lacks the byte order (_le or _be)");
    } else {
        return bad(quoted + " has an unknown suffix (expected _le or _be)");
    }
    return t;
}

std::string SigmfDatatype::toString() const
{
    std::string out;
    out += complex ? 'c' : 'r';
    out += isFloat ? 'f' : (isSigned ? 'i' : 'u');
    out += std::to_string(bits);
    if (bits > 8)
        out += bigEndian ? "_be" : "_le";
    return out;
}

std::optional<SigmfDatatype> SigmfDatatype::matching(const ScanType &type)
{
    if (type.shift != 0 || type.realBits != type.storageBits || type.repeat != 1)
        return std::nullopt;
    if (type.storageBits != 8 && type.storageBits != 16 && type.storageBits != 32)
        return std::nullopt;
    SigmfDatatype t;
    t.complex = false;
    t.isFloat = false;
    t.isSigned = type.isSigned;
    t.bits = type.storageBits;
    t.bigEndian = type.storageBits > 8 && type.bigEndian;
    return t;
}

// ---- SigmfMeta ----

std::string SigmfMeta::toJson() const
{
    QJsonObject global;
    global.insert("core:datatype", q(datatype.toString()));
    if (sampleRate > 0)
        global.insert("core:sample_rate", sampleRate);
    global.insert("core:num_channels", static_cast<qint64>(numChannels));
    global.insert("core:version", q(version));
    if (!recorder.empty())
        global.insert("core:recorder", q(recorder));
    if (!hw.empty())
        global.insert("core:hw", q(hw));
    if (!description.empty())
        global.insert("core:description", q(description));
    if (!author.empty())
        global.insert("core:author", q(author));
    if (iio) {
        global.insert("core:extensions",
                      QJsonArray{QJsonObject{{"name", q(kIioExtension)},
                                             {"version", q(kIioExtensionVersion)},
                                             {"optional", true}}});
        global.insert("iio:device", q(iio->device));
        if (!iio->deviceId.empty())
            global.insert("iio:device_id", q(iio->deviceId));
        if (!iio->uri.empty())
            global.insert("iio:uri", q(iio->uri));
        global.insert("iio:frame_bytes", static_cast<qint64>(iio->frameBytes));
        if (iio->sampleCount)
            global.insert("iio:sample_count", static_cast<qint64>(*iio->sampleCount));
        QJsonArray channels;
        for (const SigmfIioChannel &c : iio->channels)
            channels.append(QJsonObject{{"id", q(c.id)},
                                        {"label", q(c.label)},
                                        {"scan_type", q(c.scanType)},
                                        {"scale", c.scale},
                                        {"offset", c.offset},
                                        {"byte_offset", static_cast<qint64>(c.byteOffset)},
                                        {"scan_index", static_cast<qint64>(c.scanIndex)}});
        global.insert("iio:channels", channels);
        QJsonObject attrs;
        for (const auto &[name, value] : iio->deviceAttributes)
            attrs.insert(q(name), q(value));
        global.insert("iio:device_attributes", attrs);
    }

    QJsonArray captureArray;
    for (const SigmfCapture &c : captures) {
        QJsonObject o{{"core:sample_start", static_cast<qint64>(c.sampleStart)}};
        if (c.globalIndex)
            o.insert("core:global_index", static_cast<qint64>(*c.globalIndex));
        if (!c.datetime.empty())
            o.insert("core:datetime", q(c.datetime));
        if (c.frequency)
            o.insert("core:frequency", *c.frequency);
        captureArray.append(o);
    }
    QJsonArray annotationArray;
    for (const SigmfAnnotation &a : annotations) {
        QJsonObject o{{"core:sample_start", static_cast<qint64>(a.sampleStart)}};
        if (a.sampleCount)
            o.insert("core:sample_count", static_cast<qint64>(*a.sampleCount));
        if (!a.label.empty())
            o.insert("core:label", q(a.label));
        if (!a.comment.empty())
            o.insert("core:comment", q(a.comment));
        if (a.lostSamples)
            o.insert("iio:lost_samples", static_cast<qint64>(*a.lostSamples));
        annotationArray.append(o);
    }
    const QJsonObject root{{"global", global},
                           {"captures", captureArray},
                           {"annotations", annotationArray}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

SigmfMeta SigmfMeta::fromJson(std::string_view json)
{
    QJsonParseError parseError{};
    const QByteArray bytes(json.data(), static_cast<qsizetype>(json.size()));
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw SigmfError("not valid JSON at byte " + std::to_string(parseError.offset) + ": " +
                         s(parseError.errorString()));
    if (!doc.isObject())
        throw SigmfError("the metadata must be a JSON object with global, captures and "
                         "annotations");
    const QJsonObject root = doc.object();
    const Fields top(root, "");

    SigmfMeta meta;
    const QJsonObject globalObject = top.object("global", true);
    const Fields global(globalObject, "global");

    const std::string datatype = *global.string("core:datatype", true);
    std::string why;
    const auto parsed = SigmfDatatype::parse(datatype, &why);
    if (!parsed)
        fail("global.core:datatype", why);
    meta.datatype = *parsed;
    meta.version = *global.string("core:version", true);
    parseVersion(meta.version);
    if (const auto rate = global.number("core:sample_rate")) {
        if (!isValidSampleRate(*rate))
            fail("global.core:sample_rate", "must be above 0 and at most 1e12 samples per second");
        meta.sampleRate = *rate;
    }
    if (const auto channels = global.count("core:num_channels")) {
        if (*channels < 1 || *channels > static_cast<std::uint64_t>(kMaxChannels))
            fail("global.core:num_channels",
                 "must be between 1 and " + std::to_string(kMaxChannels) + ", got " +
                     std::to_string(*channels));
        meta.numChannels = static_cast<unsigned>(*channels);
    }
    meta.recorder = global.string("core:recorder").value_or("");
    meta.hw = global.string("core:hw").value_or("");
    meta.description = global.string("core:description").value_or("");
    meta.author = global.string("core:author").value_or("");
    if (global.boolean("core:metadata_only").value_or(false))
        fail("global.core:metadata_only", "the recording has no samples (metadata only)");
    if (global.has("core:dataset"))
        fail("global.core:dataset", "non-conforming datasets are not supported; the samples "
                                    "must be in NAME.sigmf-data");
    parseExtensions(global);
    if (global.has("iio:channels") || global.has("iio:frame_bytes")) {
        meta.iio = parseIio(global);
        checkIioLayout(meta);
    }

    const QJsonArray captures = top.array("captures", true);
    for (qsizetype i = 0; i < captures.size(); ++i) {
        const std::string where = indexed("captures", i);
        const QJsonObject o = elementObject(captures.at(i), where);
        const Fields f(o, where);
        SigmfCapture c;
        c.sampleStart = *f.count("core:sample_start", true);
        c.globalIndex = f.count("core:global_index");
        if (const auto dt = f.string("core:datetime"))
            c.datetime = isoDatetimeCheck(*dt, f.where("core:datetime"));
        c.frequency = f.number("core:frequency");
        if (f.count("core:header_bytes").value_or(0) != 0)
            fail(f.where("core:header_bytes"), "non-conforming datasets (header bytes between "
                                               "captures) are not supported");
        if (!meta.captures.empty() && c.sampleStart <= meta.captures.back().sampleStart)
            fail(f.where("core:sample_start"),
                 std::to_string(c.sampleStart) + " does not come after the previous capture's " +
                     std::to_string(meta.captures.back().sampleStart) +
                     " (captures must be in increasing order)");
        meta.captures.push_back(std::move(c));
    }
    // SigMF indices are relative to the first sample of the file: without a capture there, the
    // file starts with an implied one.
    if (meta.captures.empty() || meta.captures.front().sampleStart != 0)
        meta.captures.insert(meta.captures.begin(), SigmfCapture{});

    const QJsonArray annotations = top.array("annotations", true);
    for (qsizetype i = 0; i < annotations.size(); ++i) {
        const std::string where = indexed("annotations", i);
        const QJsonObject o = elementObject(annotations.at(i), where);
        const Fields f(o, where);
        SigmfAnnotation a;
        a.sampleStart = *f.count("core:sample_start", true);
        a.sampleCount = f.count("core:sample_count");
        a.label = f.string("core:label").value_or("");
        a.comment = f.string("core:comment").value_or("");
        a.lostSamples = f.count("iio:lost_samples");
        if (!meta.annotations.empty() && a.sampleStart < meta.annotations.back().sampleStart)
            fail(f.where("core:sample_start"),
                 std::to_string(a.sampleStart) + " comes before the previous annotation's " +
                     std::to_string(meta.annotations.back().sampleStart) +
                     " (annotations must be sorted by sample_start)");
        meta.annotations.push_back(std::move(a));
    }
    return meta;
}

ScanLayout SigmfMeta::layout() const
{
    std::vector<ChannelLayout> channels;
    if (iio) {
        for (const SigmfIioChannel &c : iio->channels) {
            ChannelLayout l;
            l.id = c.id;
            l.label = c.label.empty() ? c.id : c.label;
            std::string why;
            const auto type = ScanType::parse(c.scanType, &why);
            if (!type)
                throw std::invalid_argument("channel " + c.id + ": " + why);
            l.type = *type;
            l.scale = c.scale;
            l.offset = c.offset;
            l.scanIndex = c.scanIndex;
            channels.push_back(std::move(l));
        }
        return ScanLayout::compute(std::move(channels));
    }
    ScanType type;
    if (datatype.isFloat) {
        type.isSigned = true;
        type.realBits = type.storageBits = 32;
    } else {
        type.bigEndian = datatype.bigEndian;
        type.isSigned = datatype.isSigned;
        type.realBits = type.storageBits = datatype.bits;
    }
    const double scale = datatype.isFloat ? kFloatPlaybackScale : 1.0;
    unsigned index = 0;
    for (unsigned ch = 0; ch < numChannels; ++ch) {
        const std::string base = "ch" + std::to_string(ch);
        static constexpr const char *kParts[] = {".i", ".q"};
        const unsigned parts = datatype.complex ? 2 : 1;
        for (unsigned p = 0; p < parts; ++p) {
            ChannelLayout l;
            l.id = datatype.complex ? base + kParts[p] : base;
            l.label = l.id;
            l.type = type;
            l.scale = scale;
            l.scanIndex = index++;
            channels.push_back(std::move(l));
        }
    }
    return ScanLayout::compute(std::move(channels));
}

} // namespace dmascope

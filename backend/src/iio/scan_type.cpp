#include "dmascope/scan_type.h"

namespace dmascope {

namespace {

// A cursor over the text that remembers where it is, so each error can say where and what it
// expected.
class Reader
{
public:
    explicit Reader(std::string_view text) : text_(text) {}

    bool atEnd() const { return pos_ >= text_.size(); }
    std::size_t pos() const { return pos_; }
    char peek() const { return atEnd() ? '\0' : text_[pos_]; }
    bool consume(std::string_view token)
    {
        if (text_.substr(pos_, token.size()) != token)
            return false;
        pos_ += token.size();
        return true;
    }
    // A decimal number without sign; false when no digit is there or it exceeds `max`.
    bool number(unsigned max, unsigned *out, bool *overflow)
    {
        *overflow = false;
        const std::size_t start = pos_;
        unsigned long long v = 0;
        while (!atEnd() && peek() >= '0' && peek() <= '9') {
            v = v * 10 + static_cast<unsigned>(peek() - '0');
            if (v > max)
                *overflow = true;
            if (v > 1'000'000'000ULL)
                v = 1'000'000'000ULL; // keep counting digits without wrapping
            ++pos_;
        }
        *out = static_cast<unsigned>(v);
        return pos_ > start && !*overflow;
    }
    // What is at the cursor, quoted, for messages.
    std::string found() const
    {
        if (atEnd())
            return "the end of the text";
        return "'" + std::string(1, peek()) + "'";
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

bool fail(std::string *error, std::string_view text, std::size_t pos, const std::string &what)
{
    if (error)
        *error = "invalid IIO scan type \"" + std::string(text) + "\" at offset " +
                 std::to_string(pos) + ": " + what;
    return false;
}

bool fail(std::string *error, std::string_view text, const std::string &what)
{
    if (error)
        *error = "invalid IIO scan type \"" + std::string(text) + "\": " + what;
    return false;
}

// Reads "<number>" after `what`, reporting a missing or oversized number precisely.
bool readNumber(Reader &r, std::string_view text, const char *what, unsigned max, unsigned *out,
                std::string *error)
{
    const std::size_t at = r.pos();
    bool overflow = false;
    if (r.number(max, out, &overflow))
        return true;
    if (overflow)
        return fail(error, text, at,
                    std::string(what) + " is larger than " + std::to_string(max));
    return fail(error, text, at, std::string("expected ") + what + " (a decimal number), found " +
                                     r.found());
}

bool parseInto(std::string_view text, ScanType *t, std::string *error)
{
    Reader r(text);
    if (r.consume("le"))
        t->bigEndian = false;
    else if (r.consume("be"))
        t->bigEndian = true;
    else
        return fail(error, text, r.pos(), "expected the byte order \"le\" or \"be\", found " +
                                              r.found());
    if (!r.consume(":"))
        return fail(error, text, r.pos(), "expected ':' after the byte order, found " + r.found());
    if (r.consume("s"))
        t->isSigned = true;
    else if (r.consume("u"))
        t->isSigned = false;
    else
        return fail(error, text, r.pos(), "expected the sign 's' or 'u', found " + r.found());
    if (!readNumber(r, text, "the number of bits", 64, &t->realBits, error))
        return false;
    if (!r.consume("/"))
        return fail(error, text, r.pos(),
                    "expected '/' after the number of bits, found " + r.found());
    if (!readNumber(r, text, "the storage bits", 64, &t->storageBits, error))
        return false;
    t->repeat = 1;
    if (r.consume("X")) {
        if (!readNumber(r, text, "the repeat count", 65535, &t->repeat, error))
            return false;
    }
    t->shift = 0;
    if (r.consume(">>")) {
        if (!readNumber(r, text, "the shift", 63, &t->shift, error))
            return false;
    } else if (!r.atEnd()) {
        return fail(error, text, r.pos(),
                    "expected 'X<repeat>', '>><shift>' or the end after the storage bits, found " +
                        r.found());
    }
    if (!r.atEnd())
        return fail(error, text, r.pos(), "unexpected " + r.found() + " after the shift");
    std::string why;
    if (!t->isValid(&why))
        return fail(error, text, why);
    return true;
}

} // namespace

bool ScanType::isValid(std::string *error) const
{
    auto reject = [error](std::string why) {
        if (error)
            *error = std::move(why);
        return false;
    };
    if (storageBits == 0 || storageBits % 8 != 0 || storageBits > 64)
        return reject("the storage bits must be a multiple of 8 from 8 to 64, not " +
                      std::to_string(storageBits));
    if (realBits == 0)
        return reject("the number of bits must be at least 1");
    if (realBits + shift > storageBits)
        return reject(std::to_string(realBits) + " bits shifted by " + std::to_string(shift) +
                      " do not fit in " + std::to_string(storageBits) + " storage bits");
    if (repeat == 0)
        return reject("the repeat count must be at least 1");
    return true;
}

std::optional<ScanType> ScanType::parse(std::string_view text, std::string *error)
{
    // sysfs attributes end with a newline; callers may pass them as read.
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    ScanType t;
    if (!parseInto(text, &t, error))
        return std::nullopt;
    return t;
}

std::string ScanType::toString() const
{
    std::string s = bigEndian ? "be:" : "le:";
    s += isSigned ? 's' : 'u';
    s += std::to_string(realBits) + "/" + std::to_string(storageBits);
    if (repeat > 1)
        s += "X" + std::to_string(repeat);
    s += ">>" + std::to_string(shift);
    return s;
}

} // namespace dmascope

// RFC 8785. The number form is ECMAScript's Number.prototype.toString (ECMA-262 section 7.1.12.1,
// "Number::toString") applied to the shortest round-trip digits, which std::to_chars gives.
#include "ccvm/kbs/jcs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

namespace ccvm::kbs {
namespace {

// The UTF-16 code units of a UTF-8 string (RFC 8785 section 3.2.3 sorts names by them).
std::u16string utf16(const std::string& s) {
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = 0;
        std::size_t len = 0;
        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if ((c & 0xe0) == 0xc0) {
            cp = c & 0x1f;
            len = 2;
        } else if ((c & 0xf0) == 0xe0) {
            cp = c & 0x0f;
            len = 3;
        } else if ((c & 0xf8) == 0xf0) {
            cp = c & 0x07;
            len = 4;
        } else {
            throw InputError("JSON canonicalization: string is not valid UTF-8");
        }
        if (i + len > s.size()) throw InputError("JSON canonicalization: string is not valid UTF-8");
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) throw InputError("JSON canonicalization: string is not valid UTF-8");
            cp = (cp << 6) | (cc & 0x3f);
        }
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
    }
    return out;
}

// RFC 8785 section 3.2.2.2 escapes exactly as nlohmann-json's serializer does ('"', '\\', \b \t \n \f
// \r by name, other controls as lowercase \u00xx, everything else verbatim); strict refuses bad UTF-8.
void put_string(std::string& out, const std::string& s) {
    try {
        out += json::Value(s).dump(-1, ' ', false, json::Value::error_handler_t::strict);
    } catch (const json::Value::type_error&) {
        throw InputError("JSON canonicalization: string is not valid UTF-8");
    }
}

void put_number(std::string& out, double v) {
    if (!std::isfinite(v)) throw InputError("JSON canonicalization: NaN and Infinity are not JSON numbers");
    if (v == 0) {  // +0 and -0 both print "0"
        out.push_back('0');
        return;
    }
    if (v < 0) {
        out.push_back('-');
        v = -v;
    }
    // Shortest round-trip digits d1.d2...dk and exponent e: v = 0.d1...dk * 10^n with n = e + 1.
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
    const std::size_t epos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, epos))
        if (c != '.') digits.push_back(c);
    int exp10 = 0;
    std::from_chars(sci.data() + epos + 1 + (sci[epos + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
    const int k = static_cast<int>(digits.size());
    const int n = exp10 + 1;
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n));
        out.push_back('.');
        out += digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out.push_back(digits[0]);
        if (k > 1) {
            out.push_back('.');
            out += digits.substr(1);
        }
        out.push_back('e');
        out.push_back(n - 1 < 0 ? '-' : '+');
        out += std::to_string(std::abs(n - 1));
    }
}

void put(std::string& out, const json::Value& v) {
    switch (v.type()) {
        case json::Value::value_t::null:
            out += "null";
            break;
        case json::Value::value_t::boolean:
            out += v.get<bool>() ? "true" : "false";
            break;
        case json::Value::value_t::number_integer:
            put_number(out, static_cast<double>(v.get<std::int64_t>()));
            break;
        case json::Value::value_t::number_unsigned:
            put_number(out, static_cast<double>(v.get<std::uint64_t>()));
            break;
        case json::Value::value_t::number_float:
            put_number(out, v.get<double>());
            break;
        case json::Value::value_t::string:
            put_string(out, v.get_ref<const std::string&>());
            break;
        case json::Value::value_t::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& e : v) {
                if (!first) out.push_back(',');
                first = false;
                put(out, e);
            }
            out.push_back(']');
            break;
        }
        case json::Value::value_t::object: {
            std::vector<std::pair<std::u16string, json::Value::const_iterator>> members;
            for (auto it = v.begin(); it != v.end(); ++it) members.emplace_back(utf16(it.key()), it);
            std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            out.push_back('{');
            bool first = true;
            for (const auto& member : members) {
                const auto& it = member.second;
                if (!first) out.push_back(',');
                first = false;
                put_string(out, it.key());
                out.push_back(':');
                put(out, it.value());
            }
            out.push_back('}');
            break;
        }
        case json::Value::value_t::binary:
        case json::Value::value_t::discarded:
            throw InputError("JSON canonicalization: value is not JSON");
    }
}

}  // namespace

std::string jcs(const json::Value& value) {
    std::string out;
    put(out, value);
    return out;
}

}  // namespace ccvm::kbs

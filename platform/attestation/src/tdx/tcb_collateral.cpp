#include "ccvm/attestation/tdx/tcb_collateral.hpp"

#include <cctype>
#include <ctime>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

namespace ccvm::attestation::tdx {
namespace {

InputError bad(std::string_view source, const std::string& what) {
    return InputError(std::string(source) + ": " + what);
}

std::size_t skip_space(std::string_view t, std::size_t i) {
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    return i;
}

// `t[i]` is the opening quote; returns the index after the closing one.
std::size_t skip_string(std::string_view t, std::size_t i, std::string_view source) {
    for (++i; i < t.size(); ++i) {
        if (t[i] == '\\')
            ++i;
        else if (t[i] == '"')
            return i + 1;
    }
    throw bad(source, "unterminated JSON string");
}

// The end of the JSON value starting at `i` (already known to be well-formed by json::parse).
std::size_t skip_value(std::string_view t, std::size_t i, std::string_view source) {
    if (i >= t.size()) throw bad(source, "JSON value missing");
    if (t[i] == '"') return skip_string(t, i, source);
    if (t[i] == '{' || t[i] == '[') {
        int depth = 0;
        while (i < t.size()) {
            const char c = t[i];
            if (c == '"') {
                i = skip_string(t, i, source);
                continue;
            }
            if (c == '{' || c == '[') ++depth;
            if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
            ++i;
        }
        throw bad(source, "unterminated JSON object");
    }
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && !std::isspace(static_cast<unsigned char>(t[i])))
        ++i;
    return i;
}

template <std::size_t N>
std::array<std::byte, N> hex_field(const json::Value& object, std::string_view key, std::string_view source) {
    const std::string what = std::string(source) + ": " + std::string(key);
    const Bytes b = from_hex(object.at(key).as_string(what), what);
    if (b.size() != N) throw bad(source, std::string(key) + ": expected " + std::to_string(N) + " bytes of hex");
    std::array<std::byte, N> out{};
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

template <class T>
T bounded(const json::Value& v, std::uint64_t max, std::string_view what, std::string_view source) {
    const std::uint64_t n = v.as_u64(what);
    if (n > max) throw bad(source, std::string(what) + " out of range");
    return static_cast<T>(n);
}

std::array<std::uint8_t, 16> components(const json::Value& list, std::string_view what, std::string_view source) {
    const auto& a = list.as_array(what);
    if (a.size() != 16) throw bad(source, std::string(what) + ": expected 16 components");
    std::array<std::uint8_t, 16> out{};
    for (std::size_t i = 0; i < 16; ++i) out[i] = bounded<std::uint8_t>(a[i].at("svn"), 0xFF, what, source);
    return out;
}

std::int64_t date_field(const json::Value& object, std::string_view key, std::string_view source) {
    return parse_rfc3339(object.at(key).as_string(key), std::string(source) + ": " + std::string(key));
}

}  // namespace

std::int64_t parse_rfc3339(std::string_view text, std::string_view what) {
    const std::string s(text);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
    auto fail = [&] {
        return InputError(std::string(what) + ": '" + s + "' is not an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ)");
    };
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
        used != 19)
        throw fail();
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970) throw fail();
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        ++i;
        const std::size_t digits = i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        if (i == digits) throw fail();
    }
    std::int64_t offset = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh = 0, om = 0;
        if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59) throw fail();
        offset = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        i += 6;
    } else {
        throw fail();
    }
    if (i != s.size()) throw fail();
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

SignedBody split_signed_body(std::string_view text, std::string_view member, std::string_view source) {
    const json::Value doc = json::parse(text, source);  // well-formed before the raw scan below
    SignedBody out;
    const Bytes sig = from_hex(doc.at("signature").as_string("signature"), std::string(source) + ": signature");
    if (sig.size() != 64) throw bad(source, "signature: expected 64 bytes (r || s) of hex");
    std::copy(sig.begin(), sig.end(), out.signature.begin());

    std::size_t i = skip_space(text, 0);
    if (i >= text.size() || text[i] != '{') throw bad(source, "expected a JSON object");
    i = skip_space(text, i + 1);
    while (i < text.size() && text[i] != '}') {
        const std::size_t key_end = skip_string(text, i, source);
        const std::string_view key = text.substr(i + 1, key_end - i - 2);
        i = skip_space(text, key_end);
        if (i >= text.size() || text[i] != ':') throw bad(source, "expected ':'");
        const std::size_t start = skip_space(text, i + 1);
        const std::size_t end = skip_value(text, start, source);
        if (key == member) {
            out.body = std::string(text.substr(start, end - start));
            return out;
        }
        i = skip_space(text, end);
        if (i < text.size() && text[i] == ',') i = skip_space(text, i + 1);
    }
    throw bad(source, "no \"" + std::string(member) + "\" member");
}

TcbInfo parse_tcb_info(std::string_view text, std::string_view source) {
    TcbInfo out;
    out.signed_body = split_signed_body(text, "tcbInfo", source);
    const json::Value info = json::parse(out.signed_body.body, source);
    out.id = info.find("id") != nullptr ? info.at("id").as_string("id") : std::string("SGX");
    out.version = bounded<std::uint32_t>(info.at("version"), 0xFFFFFFFF, "version", source);
    if (out.id != "TDX" || out.version < 3)
        throw bad(source, "not a TDX TCB info (id '" + out.id + "', version " + std::to_string(out.version) +
                              "; expected id TDX, version 3)");
    out.issue_date = date_field(info, "issueDate", source);
    out.next_update = date_field(info, "nextUpdate", source);
    out.fmspc = hex_field<6>(info, "fmspc", source);
    out.pceid = hex_field<2>(info, "pceId", source);
    if (const json::Value* module = info.find("tdxModule")) {
        out.module_mrsigner = hex_field<48>(*module, "mrsigner", source);
        out.module_attributes = hex_field<8>(*module, "attributes", source);
        out.module_attributes_mask = hex_field<8>(*module, "attributesMask", source);
    }
    for (const json::Value& l : info.at("tcbLevels").as_array("tcbLevels")) {
        TcbLevel level;
        const json::Value& tcb = l.at("tcb");
        level.sgx_components = components(tcb.at("sgxtcbcomponents"), "sgxtcbcomponents", source);
        level.pcesvn = bounded<std::uint16_t>(tcb.at("pcesvn"), 0xFFFF, "pcesvn", source);
        level.tdx_components = components(tcb.at("tdxtcbcomponents"), "tdxtcbcomponents", source);
        level.date = l.at("tcbDate").as_string("tcbDate");
        level.status = l.at("tcbStatus").as_string("tcbStatus");
        if (const json::Value* ids = l.find("advisoryIDs"))
            for (const json::Value& id : ids->as_array("advisoryIDs"))
                level.advisories.push_back(id.as_string("advisoryIDs"));
        out.levels.push_back(std::move(level));
    }
    return out;
}

QeIdentity parse_qe_identity(std::string_view text, std::string_view source) {
    QeIdentity out;
    out.signed_body = split_signed_body(text, "enclaveIdentity", source);
    const json::Value id = json::parse(out.signed_body.body, source);
    out.id = id.at("id").as_string("id");
    if (out.id != "TD_QE") throw bad(source, "not the TD QE identity (id '" + out.id + "', expected TD_QE)");
    out.issue_date = date_field(id, "issueDate", source);
    out.next_update = date_field(id, "nextUpdate", source);
    out.miscselect = hex_field<4>(id, "miscselect", source);
    out.miscselect_mask = hex_field<4>(id, "miscselectMask", source);
    out.attributes = hex_field<16>(id, "attributes", source);
    out.attributes_mask = hex_field<16>(id, "attributesMask", source);
    out.mrsigner = hex_field<32>(id, "mrsigner", source);
    out.isvprodid = bounded<std::uint16_t>(id.at("isvprodid"), 0xFFFF, "isvprodid", source);
    for (const json::Value& l : id.at("tcbLevels").as_array("tcbLevels")) {
        QeTcbLevel level;
        level.isvsvn = bounded<std::uint16_t>(l.at("tcb").at("isvsvn"), 0xFFFF, "isvsvn", source);
        level.date = l.at("tcbDate").as_string("tcbDate");
        level.status = l.at("tcbStatus").as_string("tcbStatus");
        out.levels.push_back(std::move(level));
    }
    return out;
}

}  // namespace ccvm::attestation::tdx

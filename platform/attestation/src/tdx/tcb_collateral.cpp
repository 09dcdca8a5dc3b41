#include "ccvm/attestation/tdx/tcb_collateral.hpp"

#include <algorithm>
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

template <std::size_t N>
std::array<std::byte, N> hex_field(const json::Value& object, std::string_view key, std::string_view source) {
    const std::string what = std::string(source) + ": " + std::string(key);
    const Bytes b = from_hex(json::get_string(json::at(object, key), what), what);
    if (b.size() != N) throw bad(source, std::string(key) + ": expected " + std::to_string(N) + " bytes of hex");
    std::array<std::byte, N> out{};
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

template <class T>
T bounded(const json::Value& v, std::uint64_t max, std::string_view what, std::string_view source) {
    const std::uint64_t n = json::get_u64(v, what);
    if (n > max) throw bad(source, std::string(what) + " out of range");
    return static_cast<T>(n);
}

std::array<std::uint8_t, 16> components(const json::Value& list, std::string_view what, std::string_view source) {
    const auto& a = json::get_array(list, what);
    if (a.size() != 16) throw bad(source, std::string(what) + ": expected 16 components");
    std::array<std::uint8_t, 16> out{};
    for (std::size_t i = 0; i < 16; ++i) out[i] = bounded<std::uint8_t>(a[i].at("svn"), 0xFF, what, source);
    return out;
}

std::int64_t date_field(const json::Value& object, std::string_view key, std::string_view source) {
    return parse_rfc3339(json::get_string(json::at(object, key), key), std::string(source) + ": " + std::string(key));
}

// {"<member>": {...}, "signature": "<r||s hex>"} as Intel's PCS serves it: the member's value and
// its exact bytes in `text` (what the TCB Signing key signed; a re-serialization would not verify).
struct Signed {
    SignedBody body;
    json::Value member;
};

Signed split(std::string_view text, std::string_view member, std::string_view source) {
    json::Document doc = json::parse_untrusted_document(text, source);
    Signed out;
    const std::string what = std::string(source) + ": signature";
    const Bytes sig = from_hex(json::get_string(json::at(doc.value, "signature"), what), what);
    if (sig.size() != 64) throw bad(source, "signature: expected 64 bytes (r || s) of hex");
    std::copy(sig.begin(), sig.end(), out.body.signature.begin());
    const json::Value* value = json::find(doc.value, member);
    const auto raw = std::find_if(doc.raw_members.begin(), doc.raw_members.end(),
                                  [&](const json::RawMember& m) { return m.key == member; });
    if (value == nullptr || !value->is_object() || raw == doc.raw_members.end())
        throw bad(source, "no \"" + std::string(member) + "\" object");
    out.body.body = std::string(raw->text);
    out.member = std::move(doc.value[std::string(member)]);
    return out;
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
    return split(text, member, source).body;
}

TcbInfo parse_tcb_info(std::string_view text, std::string_view source) {
    TcbInfo out;
    Signed doc = split(text, "tcbInfo", source);
    out.signed_body = std::move(doc.body);
    const json::Value& info = doc.member;
    out.id = json::find(info, "id") != nullptr ? json::get_string(json::at(info, "id"), "id") : std::string("SGX");
    out.version = bounded<std::uint32_t>(json::at(info, "version"), 0xFFFFFFFF, "version", source);
    if (out.id != "TDX" || out.version < 3)
        throw bad(source, "not a TDX TCB info (id '" + out.id + "', version " + std::to_string(out.version) +
                              "; expected id TDX, version 3)");
    out.issue_date = date_field(info, "issueDate", source);
    out.next_update = date_field(info, "nextUpdate", source);
    out.fmspc = hex_field<6>(info, "fmspc", source);
    out.pceid = hex_field<2>(info, "pceId", source);
    if (const json::Value* module = json::find(info, "tdxModule")) {
        out.module_mrsigner = hex_field<48>(*module, "mrsigner", source);
        out.module_attributes = hex_field<8>(*module, "attributes", source);
        out.module_attributes_mask = hex_field<8>(*module, "attributesMask", source);
    }
    for (const json::Value& l : json::get_array(json::at(info, "tcbLevels"), "tcbLevels")) {
        TcbLevel level;
        const json::Value& tcb = json::at(l, "tcb");
        level.sgx_components = components(json::at(tcb, "sgxtcbcomponents"), "sgxtcbcomponents", source);
        level.pcesvn = bounded<std::uint16_t>(json::at(tcb, "pcesvn"), 0xFFFF, "pcesvn", source);
        level.tdx_components = components(json::at(tcb, "tdxtcbcomponents"), "tdxtcbcomponents", source);
        level.date = json::get_string(json::at(l, "tcbDate"), "tcbDate");
        level.status = json::get_string(json::at(l, "tcbStatus"), "tcbStatus");
        if (const json::Value* ids = json::find(l, "advisoryIDs"))
            for (const json::Value& id : json::get_array(*ids, "advisoryIDs"))
                level.advisories.push_back(json::get_string(id, "advisoryIDs"));
        out.levels.push_back(std::move(level));
    }
    return out;
}

QeIdentity parse_qe_identity(std::string_view text, std::string_view source) {
    QeIdentity out;
    Signed doc = split(text, "enclaveIdentity", source);
    out.signed_body = std::move(doc.body);
    const json::Value& id = doc.member;
    out.id = json::get_string(json::at(id, "id"), "id");
    if (out.id != "TD_QE") throw bad(source, "not the TD QE identity (id '" + out.id + "', expected TD_QE)");
    out.issue_date = date_field(id, "issueDate", source);
    out.next_update = date_field(id, "nextUpdate", source);
    out.miscselect = hex_field<4>(id, "miscselect", source);
    out.miscselect_mask = hex_field<4>(id, "miscselectMask", source);
    out.attributes = hex_field<16>(id, "attributes", source);
    out.attributes_mask = hex_field<16>(id, "attributesMask", source);
    out.mrsigner = hex_field<32>(id, "mrsigner", source);
    out.isvprodid = bounded<std::uint16_t>(json::at(id, "isvprodid"), 0xFFFF, "isvprodid", source);
    for (const json::Value& l : json::get_array(json::at(id, "tcbLevels"), "tcbLevels")) {
        QeTcbLevel level;
        level.isvsvn = bounded<std::uint16_t>(json::at(json::at(l, "tcb"), "isvsvn"), 0xFFFF, "isvsvn", source);
        level.date = json::get_string(json::at(l, "tcbDate"), "tcbDate");
        level.status = json::get_string(json::at(l, "tcbStatus"), "tcbStatus");
        out.levels.push_back(std::move(level));
    }
    return out;
}

}  // namespace ccvm::attestation::tdx

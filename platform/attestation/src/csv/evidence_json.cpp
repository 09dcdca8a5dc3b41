#include "ccvm/attestation/csv/evidence_json.hpp"

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

namespace ccvm::attestation::csv {
namespace {

// csv-rs AttestationReportWrapper: magic[16], flags u32, data[4096].
constexpr std::size_t kMagicSize = 16, kDataSize = 4096;

Bytes byte_array(const json::Value& v, std::size_t size, const std::string& what) {
    const auto& a = json::get_array(v, what);
    if (a.size() != size)
        throw InputError(what + ": " + std::to_string(a.size()) + " elements, expected " + std::to_string(size));
    Bytes out;
    out.reserve(size);
    for (const auto& b : a) {
        const std::uint64_t x = json::get_u64(b, what);
        if (x > 0xff) throw InputError(what + ": element " + std::to_string(x) + " is not a byte");
        out.push_back(std::byte(x));
    }
    return out;
}

}  // namespace

Bytes report_from_evidence_json(std::string_view text, std::string_view source) {
    const json::Value doc = json::parse_untrusted(text, source);  // evidence from the guest
    const std::string where = std::string(source) + ": attestation_report";
    const json::Value& report = json::at(doc, "attestation_report");
    const Bytes magic = byte_array(json::at(report, "magic"), kMagicSize, where + ".magic");
    const std::uint64_t flags = json::get_u64(json::at(report, "flags"), where + ".flags");
    if (flags > 0xFFFFFFFFu) throw InputError(where + ".flags does not fit 32 bits");
    Bytes data = byte_array(json::at(report, "data"), kDataSize, where + ".data");
    if (is_all_zero(magic)) return data;  // legacy request: the data alone
    Bytes out = magic;
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(flags));
    append(out, data);
    return out;
}

}  // namespace ccvm::attestation::csv

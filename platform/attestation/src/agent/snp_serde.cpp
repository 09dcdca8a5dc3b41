#include "agent/snp_serde.hpp"

#include <algorithm>
#include <array>

#include "agent/json_input.hpp"
#include "ccvm/attestation/snp/attestation_report.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation::agent {
namespace {

using json = ccvm::json::Value;

// Every member of sev's AttestationReport; the CPUID and mitigation-vector members are Option<>
// (null or absent before report versions 3 and 5).
const std::initializer_list<std::string_view> kReportMembers = {"version",
                                                                "guest_svn",
                                                                "policy",
                                                                "family_id",
                                                                "image_id",
                                                                "vmpl",
                                                                "sig_algo",
                                                                "current_tcb",
                                                                "plat_info",
                                                                "key_info",
                                                                "report_data",
                                                                "measurement",
                                                                "host_data",
                                                                "id_key_digest",
                                                                "author_key_digest",
                                                                "report_id",
                                                                "report_id_ma",
                                                                "reported_tcb",
                                                                "cpuid_fam_id",
                                                                "cpuid_mod_id",
                                                                "cpuid_step",
                                                                "chip_id",
                                                                "committed_tcb",
                                                                "current",
                                                                "committed",
                                                                "launch_tcb",
                                                                "launch_mit_vector",
                                                                "current_mit_vector",
                                                                "signature"};

// Writes the report field by field at the ABI spec's offsets ("ATTESTATION_REPORT Structure").
class ReportWriter {
public:
    ReportWriter(const json& report, std::string what) : report_(report), what_(std::move(what)) {}

    template <typename T>
    void integer(std::size_t offset, std::string_view key) {
        const T v = static_cast<T>(unsigned_value(member(report_, key, what_), static_cast<T>(~T{0}), field(key)));
        store_le<T>(out_, offset, v);
    }
    void bytes(std::size_t offset, std::string_view key, std::size_t size) {
        put(offset, byte_array(member(report_, key, what_), size, field(key)));
    }
    template <typename T>
    void optional_integer(std::size_t offset, std::string_view key) {
        if (const json* v = optional_member(report_, key))
            store_le<T>(out_, offset, static_cast<T>(unsigned_value(*v, static_cast<T>(~T{0}), field(key))));
    }
    // TCB_VERSION: Milan/Genoa bootloader byte 0, tee 1, snp 6, microcode 7; Turin fmc 0,
    // bootloader 1, tee 2, snp 3, microcode 7 (ABI spec, "TCB_VERSION Structure").
    void tcb(std::size_t offset, std::string_view key, bool turin) {
        const std::string w = field(key);
        const json& t = object(member(report_, key, what_), {"fmc", "bootloader", "tee", "snp", "microcode"}, w);
        auto spl = [&](std::string_view k) {
            return std::byte(unsigned_value(member(t, k, w), 0xFF, w + "." + std::string(k)));
        };
        std::array<std::byte, 8> raw{};
        const json* fmc = optional_member(t, "fmc");
        if (turin) {
            if (fmc) raw[0] = std::byte(unsigned_value(*fmc, 0xFF, w + ".fmc"));
            raw[1] = spl("bootloader");
            raw[2] = spl("tee");
            raw[3] = spl("snp");
        } else {
            if (fmc) throw InputError(w + ".fmc: only Turin and later reports carry an FMC SPL");
            raw[0] = spl("bootloader");
            raw[1] = spl("tee");
            raw[6] = spl("snp");
        }
        raw[7] = spl("microcode");
        put(offset, raw);
    }
    // Version {major, minor, build} stored build, minor, major.
    void version(std::size_t offset, std::string_view key) {
        const std::string w = field(key);
        const json& v = object(member(report_, key, what_), {"major", "minor", "build"}, w);
        for (auto [k, at] : {std::pair{"build", 0}, std::pair{"minor", 1}, std::pair{"major", 2}})
            out_[offset + static_cast<std::size_t>(at)] = std::byte(unsigned_value(member(v, k, w), 0xFF, w + "." + k));
    }
    // Signature {r, s}: 72-byte little-endian integers as in the report.
    void signature(std::size_t offset) {
        const std::string w = field("signature");
        const json& s = object(member(report_, "signature", what_), {"r", "s"}, w);
        put(offset, byte_array(member(s, "r", w), snp::kSignatureComponent, w + ".r"));
        put(offset + snp::kSignatureComponent, byte_array(member(s, "s", w), snp::kSignatureComponent, w + ".s"));
    }
    Bytes take() { return std::move(out_); }

private:
    std::string field(std::string_view key) const { return what_ + "." + std::string(key); }
    void put(std::size_t offset, ByteSpan b) {
        std::copy(b.begin(), b.end(), out_.begin() + static_cast<long>(offset));
    }

    const json& report_;
    std::string what_;
    Bytes out_ = Bytes(snp::kReportSize);
};

// sev identifies the generation from CPUID family (0x1A: Turin and later); version 2 reports carry
// no family, and sev reads the TCB in the Turin layout only when the chip ID is Turin-like (8
// bytes). ccvm's parser reads version 2 reports in the Milan/Genoa layout, so a version 2 report
// with an FMC value is refused rather than guessed.
bool turin_layout(const json& report, std::uint32_t version, const std::string& what) {
    if (version < 3) return false;
    const json* fam = optional_member(report, "cpuid_fam_id");
    if (fam == nullptr) throw InputError(what + ".cpuid_fam_id: missing (report version 3 and later carry it)");
    return unsigned_value(*fam, 0xFF, what + ".cpuid_fam_id") >= snp::kFamilyTurin;
}

// CertType (sev src/firmware/host/types/snp.rs): unit variants by name, or {"OTHER": "<uuid>"};
// GUIDs of the GHCB spec ("SNP Extended Guest Request", certificate table).
struct KnownCertType {
    std::string_view name, guid;
};
constexpr std::array<KnownCertType, 6> kCertTypes = {{
    {"Empty", "00000000-0000-0000-0000-000000000000"},
    {"ARK", "c0b406a4-a803-4952-9743-3fb6014cd0ae"},
    {"ASK", "4ab7b379-bbac-4fe4-a02f-05aef327c782"},
    {"VCEK", "63da758d-e664-4564-adc5-f4b93be8accd"},
    {"VLEK", "a8074bc2-a25a-483e-aae6-39c045a0b8a1"},
    {"CRL", "92f81bc3-5811-4d3d-97ff-d19f88dc67ea"},
}};

void set_cert_type(SnpCertEntry& entry, const json& type, const std::string& what) {
    std::string guid_text;
    if (type.is_string()) {
        const auto& s = type.get_ref<const std::string&>();
        for (const auto& k : kCertTypes)
            if (s == k.name || s == k.guid) {
                entry.type = std::string(k.name);
                entry.guid = Guid::parse(k.guid);
                return;
            }
        throw InputError(what + ": unknown certificate type \"" + s +
                         "\" (ARK, ASK, VCEK, VLEK, CRL or {\"OTHER\": GUID})");
    }
    const json& other = object(type, {"OTHER"}, what);
    const json& g = member(other, "OTHER", what);
    if (!g.is_string()) throw InputError(what + ".OTHER: expected a GUID string");
    entry.guid = Guid::parse(g.get_ref<const std::string&>());
    entry.type = "OTHER";
    for (const auto& k : kCertTypes)  // a known GUID given as OTHER is still that certificate
        if (entry.guid == Guid::parse(k.guid)) entry.type = std::string(k.name);
}

}  // namespace

Bytes snp_report_from_serde(const json& report, const std::string& what) {
    object(report, kReportMembers, what);
    const auto version =
        static_cast<std::uint32_t>(unsigned_value(member(report, "version", what), 0xFFFFFFFF, what + ".version"));
    if (version < 2 || version > 5)
        throw InputError(what + ".version: unsupported attestation report version " + std::to_string(version) +
                         " (supported: 2 to 5)");
    const bool turin = turin_layout(report, version, what);
    ReportWriter w(report, what);
    w.integer<std::uint32_t>(0x00, "version");
    w.integer<std::uint32_t>(0x04, "guest_svn");
    w.integer<std::uint64_t>(0x08, "policy");
    w.bytes(0x10, "family_id", 16);
    w.bytes(0x20, "image_id", 16);
    w.integer<std::uint32_t>(0x30, "vmpl");
    w.integer<std::uint32_t>(0x34, "sig_algo");
    w.tcb(0x38, "current_tcb", turin);
    w.integer<std::uint64_t>(0x40, "plat_info");
    w.integer<std::uint32_t>(0x48, "key_info");
    w.bytes(0x50, "report_data", 64);
    w.bytes(0x90, "measurement", 48);
    w.bytes(0xC0, "host_data", 32);
    w.bytes(0xE0, "id_key_digest", 48);
    w.bytes(0x110, "author_key_digest", 48);
    w.bytes(0x140, "report_id", 32);
    w.bytes(0x160, "report_id_ma", 32);
    w.tcb(0x180, "reported_tcb", turin);
    if (version >= 3) {
        w.optional_integer<std::uint8_t>(0x188, "cpuid_fam_id");
        w.optional_integer<std::uint8_t>(0x189, "cpuid_mod_id");
        w.optional_integer<std::uint8_t>(0x18A, "cpuid_step");
    }
    w.bytes(0x1A0, "chip_id", 64);
    w.tcb(0x1E0, "committed_tcb", turin);
    w.version(0x1E8, "current");
    w.version(0x1EC, "committed");
    w.tcb(0x1F0, "launch_tcb", turin);
    if (version >= 5) {
        w.optional_integer<std::uint64_t>(0x1F8, "launch_mit_vector");
        w.optional_integer<std::uint64_t>(0x200, "current_mit_vector");
    }
    w.signature(0x2A0);
    return w.take();
}

std::vector<SnpCertEntry> snp_cert_chain_from_serde(const json* chain, const std::string& what) {
    std::vector<SnpCertEntry> out;
    if (chain == nullptr) return out;
    if (!chain->is_array()) throw InputError(what + ": expected an array of {cert_type, data}");
    for (std::size_t i = 0; i < chain->size(); ++i) {
        const std::string w = what + "[" + std::to_string(i) + "]";
        const json& e = object((*chain)[i], {"cert_type", "data"}, w);
        SnpCertEntry entry;
        set_cert_type(entry, member(e, "cert_type", w), w + ".cert_type");
        entry.data = bytes_or_base64(member(e, "data", w), w + ".data");
        out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace ccvm::attestation::agent

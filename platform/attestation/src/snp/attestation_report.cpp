#include "ccvm/attestation/snp/attestation_report.hpp"

#include <algorithm>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::attestation::snp {
namespace {

template <std::size_t N>
void copy_field(ByteSpan data, std::size_t offset, std::array<std::byte, N>& out) {
    ByteSpan f = checked_subspan(data, offset, N, "attestation report");
    std::copy(f.begin(), f.end(), out.begin());
}

// The report stores r and s as 72-byte little-endian integers (P-384 values use the low 48 bytes;
// anything above makes the signature fail, not the parse).
std::array<std::byte, kSignatureComponent> signature_component(ByteSpan data, std::size_t offset) {
    ByteSpan f = checked_subspan(data, offset, kSignatureComponent, "attestation report signature");
    std::array<std::byte, kSignatureComponent> be{};
    std::reverse_copy(f.begin(), f.end(), be.begin());
    return be;
}

}  // namespace

AttestationReport parse_attestation_report(ByteSpan data, std::string_view source) {
    if (data.size() != kReportSize)
        throw InputError(std::string(source) + ": SEV-SNP attestation report must be " + std::to_string(kReportSize) +
                         " bytes, got " + std::to_string(data.size()));
    AttestationReport r;
    r.version = load_le<std::uint32_t>(data, 0x00, "VERSION");
    if (r.version < 2 || r.version > 5)
        throw InputError(std::string(source) + ": unsupported attestation report version " + std::to_string(r.version) +
                         " at offset 0 (supported: 2 to 5)");
    r.guest_svn = load_le<std::uint32_t>(data, 0x04, "GUEST_SVN");
    r.policy = load_le<std::uint64_t>(data, 0x08, "POLICY");
    copy_field(data, 0x10, r.family_id);
    copy_field(data, 0x20, r.image_id);
    r.vmpl = load_le<std::uint32_t>(data, 0x30, "VMPL");
    r.signature_algo = load_le<std::uint32_t>(data, 0x34, "SIGNATURE_ALGO");
    r.current_tcb = load_le<std::uint64_t>(data, 0x38, "CURRENT_TCB");
    r.platform_info = load_le<std::uint64_t>(data, 0x40, "PLATFORM_INFO");
    const auto key_info = load_le<std::uint32_t>(data, 0x48, "signing key info");
    r.author_key_en = (key_info & 0x1) != 0;
    r.mask_chip_id = (key_info & 0x2) != 0;
    r.signing_key = static_cast<std::uint8_t>((key_info >> 2) & 0x7);
    copy_field(data, 0x50, r.report_data);
    copy_field(data, 0x90, r.measurement);
    copy_field(data, 0xC0, r.host_data);
    copy_field(data, 0xE0, r.id_key_digest);
    copy_field(data, 0x110, r.author_key_digest);
    copy_field(data, 0x140, r.report_id);
    copy_field(data, 0x160, r.report_id_ma);
    r.reported_tcb = load_le<std::uint64_t>(data, 0x180, "REPORTED_TCB");
    if (r.version >= 3) {
        r.cpuid_fam_id = load_le<std::uint8_t>(data, 0x188, "CPUID_FAM_ID");
        r.cpuid_mod_id = load_le<std::uint8_t>(data, 0x189, "CPUID_MOD_ID");
        r.cpuid_step = load_le<std::uint8_t>(data, 0x18A, "CPUID_STEP");
    }
    copy_field(data, 0x1A0, r.chip_id);
    r.committed_tcb = load_le<std::uint64_t>(data, 0x1E0, "COMMITTED_TCB");
    r.current_build = load_le<std::uint8_t>(data, 0x1E8, "CURRENT_BUILD");
    r.current_minor = load_le<std::uint8_t>(data, 0x1E9, "CURRENT_MINOR");
    r.current_major = load_le<std::uint8_t>(data, 0x1EA, "CURRENT_MAJOR");
    r.committed_build = load_le<std::uint8_t>(data, 0x1EC, "COMMITTED_BUILD");
    r.committed_minor = load_le<std::uint8_t>(data, 0x1ED, "COMMITTED_MINOR");
    r.committed_major = load_le<std::uint8_t>(data, 0x1EE, "COMMITTED_MAJOR");
    r.launch_tcb = load_le<std::uint64_t>(data, 0x1F0, "LAUNCH_TCB");
    if (r.version >= 5) {
        r.launch_mit_vector = load_le<std::uint64_t>(data, 0x1F8, "LAUNCH_MIT_VECTOR");
        r.current_mit_vector = load_le<std::uint64_t>(data, 0x200, "CURRENT_MIT_VECTOR");
    }
    r.signature_r = signature_component(data, 0x2A0);
    r.signature_s = signature_component(data, 0x2A0 + kSignatureComponent);
    ByteSpan signed_part = data.first(kSignedSize);
    r.signed_bytes.assign(signed_part.begin(), signed_part.end());
    return r;
}

}  // namespace ccvm::attestation::snp

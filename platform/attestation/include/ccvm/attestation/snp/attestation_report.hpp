// ATTESTATION_REPORT of an SEV-SNP guest (SEV-SNP ABI spec, Table "ATTESTATION_REPORT Structure"),
// report versions 2 to 5.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ccvm/attestation/snp/tcb_version.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::snp {

inline constexpr std::size_t kReportSize = 0x4A0;            // ABI spec: 1184 bytes
inline constexpr std::size_t kSignedSize = 0x2A0;            // bytes 0x000..0x29F are signed
inline constexpr std::size_t kSignatureComponent = 72;       // ECDSA P-384 r and s fields, little-endian
inline constexpr std::uint32_t kSigAlgoEcdsaP384Sha384 = 1;  // ABI spec, "Signature Algorithms"
inline constexpr std::uint8_t kFamilyTurin = 0x1A;           // CPUID family of Zen 5 (Turin)

enum class SigningKey : std::uint8_t { vcek = 0, vlek = 1, none = 7 };  // ABI spec, SIGNING_KEY field

struct AttestationReport {
    std::uint32_t version = 0;
    std::uint32_t guest_svn = 0;
    std::uint64_t policy = 0;
    std::array<std::byte, 16> family_id{};
    std::array<std::byte, 16> image_id{};
    std::uint32_t vmpl = 0;
    std::uint32_t signature_algo = 0;
    std::uint64_t current_tcb = 0;
    std::uint64_t platform_info = 0;
    bool author_key_en = false;
    bool mask_chip_id = false;
    std::uint8_t signing_key = 0;  // raw 3-bit SIGNING_KEY value (see SigningKey)
    std::array<std::byte, 64> report_data{};
    std::array<std::byte, 48> measurement{};
    std::array<std::byte, 32> host_data{};
    std::array<std::byte, 48> id_key_digest{};
    std::array<std::byte, 48> author_key_digest{};
    std::array<std::byte, 32> report_id{};
    std::array<std::byte, 32> report_id_ma{};
    std::uint64_t reported_tcb = 0;
    std::uint8_t cpuid_fam_id = 0;  // version >= 3
    std::uint8_t cpuid_mod_id = 0;
    std::uint8_t cpuid_step = 0;
    std::array<std::byte, 64> chip_id{};
    std::uint64_t committed_tcb = 0;
    std::uint8_t current_build = 0, current_minor = 0, current_major = 0;
    std::uint8_t committed_build = 0, committed_minor = 0, committed_major = 0;
    std::uint64_t launch_tcb = 0;
    std::uint64_t launch_mit_vector = 0;                       // version >= 5
    std::uint64_t current_mit_vector = 0;                      // version >= 5
    std::array<std::byte, kSignatureComponent> signature_r{};  // big-endian (the report's field is LE)
    std::array<std::byte, kSignatureComponent> signature_s{};
    Bytes signed_bytes;  // the first kSignedSize bytes, as signed

    // Turin and later number the TCB fields differently; reports before version 3 carry no family.
    bool turin_tcb_layout() const noexcept { return version >= 3 && cpuid_fam_id >= kFamilyTurin; }
    TcbVersion reported_tcb_version() const noexcept { return decode_tcb_version(reported_tcb, turin_tcb_layout()); }
};

// Parses a binary report; throws InputError naming `source` and the offending field.
AttestationReport parse_attestation_report(ByteSpan data, std::string_view source);

}  // namespace ccvm::attestation::snp

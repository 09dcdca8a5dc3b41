// Hygon CSV attestation report (csv-rs src/api/guest/types.rs): TeeInfo V1 (0x150 bytes, fields XOR-masked with
// anonce) or V2/V3 (0x490 bytes, plain, with RTMRs), followed by the signer block
// {pek_cert[2084], sn[64], reserved[32], mac[32]}.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/csv/hygon_cert.hpp"

namespace ccvm::attestation::csv {

// The certificate layouts live with the rest of the CSV crypto in launch-secret.
using secret::csv::CaCertificate;
using secret::csv::check_signature;
using secret::csv::CsvCertificate;
using secret::csv::EccPublicKey;
using secret::csv::kCaCertSize;
using secret::csv::kCsvCertSize;
using secret::csv::kEccFieldSize;
using secret::csv::KeyUsage;
using secret::csv::SignatureSlot;
using secret::csv::Sm2Signature;

// V2 and V3 share one layout; only the request flags (kept in the 4116-byte wrapper
// {magic "ATTESTATION_EXT\0", u32 flags, data[4096]}) say whether 0x3C0 holds host_data.
enum class ReportVersion { v1, v2, v3, extended };

std::string_view to_string(ReportVersion v) noexcept;

inline constexpr std::size_t kTeeInfoV1Size = 0x150;
inline constexpr std::size_t kTeeInfoExtSize = 0x490;
inline constexpr std::size_t kSignerBlockSize = kCsvCertSize + 64 + 32 + 32;
inline constexpr std::size_t kRtmrCount = 5;

// How the signer block reached us (csv-rs src/api/guest/types.rs): `raw` straight from the PSP (PEK cert and chip SN
// XOR-masked, MAC checkable) or `restored` by the guest library (plain, MAC no longer checkable).
enum class SignerForm { raw, restored };

struct AttestationReport {
    ReportVersion version = ReportVersion::v1;
    std::uint32_t anonce = 0;  // V1 only; 0 for V2/V3

    // Plain (de-masked) TeeInfo fields.
    std::array<std::byte, 32> user_pubkey_digest{};
    std::array<std::byte, 16> vm_id{}, vm_version{};
    std::array<std::byte, 64> report_data{};
    std::array<std::byte, 16> mnonce{};
    Sm3Digest measure{};
    std::uint32_t policy = 0, sig_usage = 0, sig_algo = 0;
    std::uint32_t build = 0;         // V2/V3
    std::uint16_t rtmr_version = 0;  // V2/V3
    std::array<Sm3Digest, kRtmrCount> rtmr{};
    std::optional<std::array<std::byte, 64>> host_data;  // V3 (or extended, unknown)

    Bytes signed_bytes;  // the bytes the PEK signed, as they are in the report (masked for V1)
    Sm2Signature sig;

    // Signer block exactly as in the file, plus the decoded view.
    Bytes pek_cert_bytes, sn_bytes, reserved_bytes;
    std::array<std::byte, 32> mac{};
    SignerForm signer_form = SignerForm::raw;
    bool signer_mac_ok = false;  // raw form only
    CsvCertificate pek;          // plain PEK certificate
    std::string chip_sn;         // plain, NUL-trimmed

    // Accepts the bare report (TeeInfo + signer block, optionally padded to 4096 bytes) or the
    // 4116-byte wrapper. Throws InputError naming `what` on a size or layout problem.
    static AttestationReport parse(ByteSpan data, std::string_view what);
};

}  // namespace ccvm::attestation::csv

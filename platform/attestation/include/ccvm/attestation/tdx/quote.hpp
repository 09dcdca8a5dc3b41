// Intel TDX DCAP quote, versions 4 and 5 (Intel "TDX DCAP Quote Generation Library and Quote
// Verification Library" spec, sections "Quote Format", "TD Quote Body", "Quote Signature Data").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::tdx {

inline constexpr std::size_t kHeaderSize = 48;
inline constexpr std::size_t kTdReport10Size = 584;   // TD Quote Body for TDX 1.0
inline constexpr std::size_t kTdReport15Size = 648;   // TDX 1.5 adds TEE_TCB_SVN_2 and MRSERVICETD
inline constexpr std::uint16_t kAttKeyEcdsaP256 = 2;  // Attestation Key Type: ECDSA-256-with-P-256
inline constexpr std::uint32_t kTeeTypeTdx = 0x81;
inline constexpr std::uint16_t kCertTypePckChain = 5;  // Certification Data Type: PCK cert chain (PEM)
inline constexpr std::uint16_t kCertTypeQeReport = 6;  // QE Report Certification Data
inline constexpr std::size_t kQeReportSize = 384;      // SGX REPORT body
inline constexpr std::size_t kQeReportDataOffset = 320;

using Register = std::array<std::byte, 48>;

struct TdReportBody {
    std::array<std::byte, 16> tee_tcb_svn{};
    Register mrseam{};
    Register mrsignerseam{};
    std::uint64_t seam_attributes = 0;
    std::uint64_t td_attributes = 0;
    std::uint64_t xfam = 0;
    Register mrtd{};
    Register mrconfigid{};
    Register mrowner{};
    Register mrownerconfig{};
    std::array<Register, 4> rtmr{};
    std::array<std::byte, 64> report_data{};
};

struct Quote {
    std::uint16_t version = 0;
    std::uint16_t att_key_type = 0;
    std::uint32_t tee_type = 0;
    std::array<std::byte, 16> qe_vendor_id{};
    std::uint16_t body_type = 2;  // v5 body descriptor: 2 = TDX 1.0 report, 3 = TDX 1.5 report
    TdReportBody body;
    Bytes signed_bytes;  // header (and the v5 body descriptor) and body: what the attestation key signs

    std::array<std::byte, 64> signature{};        // r || s, big-endian
    std::array<std::byte, 64> attestation_key{};  // x || y of the P-256 attestation key
    std::array<std::byte, kQeReportSize> qe_report{};
    std::array<std::byte, 64> qe_report_signature{};  // r || s by the PCK key
    Bytes qe_auth_data;
    std::uint16_t qe_cert_type = 0;
    Bytes qe_cert_data;  // for type 5: the PEM PCK chain (leaf, intermediate CA, root CA)
};

// Parses a quote; throws InputError naming `source` and the offset of the broken field.
Quote parse_quote(ByteSpan data, std::string_view source);

}  // namespace ccvm::attestation::tdx

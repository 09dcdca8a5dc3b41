// Throwaway PKIs made with OpenSSL for the evidence tests: real keys, real certificates and
// signatures, so the verifiers run unchanged. Each maker writes its trust anchors into an
// attestation_dir layout (see ccvm/attestation/agent_evidence.hpp); each signer returns the
// evidence as the confidential-containers attestation agent sends it (JSON).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "ccvm/attestation/crypto.hpp"
#include "ccvm/attestation/snp/tcb_version.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::test::pki {

using attestation::EvpPkeyPtr;
using attestation::X509Ptr;

// ---- AMD SEV-SNP --------------------------------------------------------------------------

struct SnpChain {
    EvpPkeyPtr ark_key, ask_key, vcek_key;
    X509Ptr ark, ask, vcek;
    std::array<std::byte, 64> chip_id{};  // the VCEK's hwID, also the reports' CHIP_ID
    attestation::snp::TcbVersion tcb;     // the VCEK's SPLs, also the reports' REPORTED_TCB
};

// ARK (RSA, self-signed with RSA-PSS SHA-384 like AMD's) -> ASK (RSA) -> VCEK (EC P-384) with
// AMD's VCEK extensions (productName, blSPL/teeSPL/snpSPL/ucodeSPL, hwID); writes
// attestation_dir/snp/ark.pem and snp/ask.pem.
SnpChain make_snp_chain(const std::filesystem::path& attestation_dir);

struct SnpReportInput {
    Bytes report_data;  // up to 64 bytes, zero-padded
    Bytes host_data;    // up to 32 bytes, zero-padded
    Bytes measurement;  // 48 bytes
    std::uint64_t policy = 0x30000;
    std::uint32_t vmpl = 0;
};

// A version 3 (Genoa) report signed by the VCEK: the 1184 bytes.
Bytes sign_snp_report_bytes(const SnpChain& chain, const SnpReportInput& input);
// A binary report in the agent's JSON: {"attestation_report": <virtee sev serde form>,
// "cert_chain": [{"cert_type": TYPE, "data": [DER bytes]}...]}.
std::string snp_agent_evidence(ByteSpan report, const std::vector<std::pair<std::string, X509*>>& cert_chain);
// Both: a signed report with the VCEK in cert_chain.
std::string sign_snp_report(const SnpChain& chain, const SnpReportInput& input);

// ---- Intel TDX ----------------------------------------------------------------------------

struct TdxChain {
    EvpPkeyPtr root_key, pck_ca_key, pck_key, tcb_signing_key, attestation_key;
    X509Ptr root, pck_ca, pck, tcb_signing;
    std::array<std::uint8_t, 16> sgx_components{};  // the PCK's SGX TCB, reached by the TCB info's level
    std::uint16_t pcesvn = 0;
    std::array<std::uint8_t, 16> tee_tcb_svn{};  // the TD's TEE_TCB_SVN, the level's TDX components
    std::array<std::byte, 32> qe_mrsigner{};
};

// Root CA -> PCK Platform CA -> PCK certificate (with the SGX extension: TCB, PCE-ID, FMSPC), a
// TCB Signing certificate, and the collateral signed with it; writes attestation_dir/tdx/
// {root.pem, tcb_signing.pem, root.crl, pck_ca.crl, tcb_info.json, qe_identity.json}.
TdxChain make_tdx_chain(const std::filesystem::path& attestation_dir);

struct TdxQuoteInput {
    Bytes report_data;  // up to 64 bytes, zero-padded
    Bytes mrtd;         // 48
    std::array<Bytes, 4> rtmr;
    Bytes mrconfigid;  // up to 48, zero-padded
};

// A version 4 quote: TD report body signed by the attestation key, the QE report binding that key
// signed by the PCK, and the PEM PCK chain.
Bytes sign_tdx_quote_bytes(const TdxChain& chain, const TdxQuoteInput& input);
// {"quote": base64, "cc_eventlog": base64 or null}.
std::string sign_tdx_quote(const TdxChain& chain, const TdxQuoteInput& input, ByteSpan event_log = {});

// ---- Arm CCA ------------------------------------------------------------------------------

struct CcaKeys {
    EvpPkeyPtr cpak, rak;  // both EC P-384 (ES384)
};

// Writes attestation_dir/cca/cpak.pem (the CPAK's public key).
CcaKeys make_cca_keys(const std::filesystem::path& attestation_dir);

struct CcaTokenInput {
    Bytes challenge;              // up to 64 bytes, zero-padded (the realm challenge)
    Bytes personalization_value;  // up to 64 bytes, zero-padded
    Bytes rim;                    // 32 bytes (sha-256) or 64 (sha-512)
    std::array<Bytes, 4> rem;     // same size as the RIM
};

// A tag-399 collection: the platform token signed by the CPAK (challenge = SHA-256 of the RAK),
// the realm token signed by the RAK.
Bytes sign_cca_token_bytes(const CcaKeys& keys, const CcaTokenInput& input);
// {"token": [bytes]}.
std::string sign_cca_token(const CcaKeys& keys, const CcaTokenInput& input);

}  // namespace ccvm::test::pki

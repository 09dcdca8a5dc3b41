// Evidence as the confidential-containers attestation agent sends it in a KBS Attestation's
// `tee-evidence` (trustee deps/verifier/src/{snp,tdx,cca,csv}; guest-components
// attestation-agent/attester/src/{snp,tdx,cca,csv}):
//   SNP {"attestation_report": <serde form of virtee sev's AttestationReport>, "cert_chain": [...]}
//   TDX {"quote": base64, "cc_eventlog": base64 or null}
//   CCA {"token": [bytes] (or base64)}
//   CSV {"attestation_report": {"magic", "flags", "data"}, "cert_chain", "serial_number", "cc_eventlog"}
// Parsing maps each form back to the binary evidence the family's parser and verifier already read.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/attestation/crypto.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/guid.hpp"
#include "ccvm/firmware-measure/registers.hpp"

namespace ccvm::attestation {

// The KBS Request's "tee" values of the families ccvm verifies.
enum class AgentTee { snp, tdx, cca, csv };

std::string_view agent_tee_name(AgentTee tee) noexcept;  // "snp", "tdx", "cca", "csv"
std::optional<AgentTee> agent_tee_from_name(std::string_view name) noexcept;

// One entry of the SNP extended report's certificate table (SEV-SNP ABI spec, "Certificate table";
// GUIDs from the GHCB spec): `type` is "ARK", "ASK", "VCEK", "VLEK", "CRL" or "OTHER".
struct SnpCertEntry {
    std::string type;
    Guid guid;
    Bytes data;  // DER (or PEM) certificate, or a CRL
};

// Parsed, NOT yet verified.
struct AgentEvidence {
    AgentTee tee = AgentTee::snp;
    std::string source;  // names the evidence in messages
    // SNP REPORT_DATA (64), TDX REPORTDATA (64), CCA realm challenge (64), CSV REPORT_DATA (64).
    Bytes report_data;
    // SNP HOST_DATA (32), TDX MRCONFIGID (48), CCA personalization value (64); empty for CSV.
    Bytes init_data;
    // The launch registers, named as `ccvm measure` names them: SNP launch_digest; TDX mrtd,
    // rtmr0..rtmr3; CCA rim, rem0..rem3; CSV launch_digest.
    std::map<std::string, Bytes> registers;
    // The binary evidence the family's parser reads: the 1184-byte SNP report, the TDX quote, the
    // CCA token (CBOR), the CSV report (the form csv::AttestationReport::parse takes).
    Bytes raw;
    std::vector<SnpCertEntry> cert_chain;  // SNP: the extended report's certificates (may be empty)
    Bytes event_log;                       // TDX, CSV: the decoded cc_eventlog; empty when absent
};

// Parses the JSON `tee-evidence` of `tee`; throws InputError naming `source` and the field.
// Duplicate keys, unknown keys, nesting deeper than 32 and out-of-range values are refused.
AgentEvidence parse_agent_evidence(AgentTee tee, std::span<const std::byte> tee_evidence_json, std::string_view source);

// The family whose attestation-agent evidence this JSON document is (by its members), or nullopt
// when it is not JSON or not agent evidence. Does not validate the members.
std::optional<AgentTee> detect_agent_evidence(std::span<const std::byte> data) noexcept;

// The first certificate of that type ("VCEK", "VLEK", "ASK", "ARK") in an SNP cert_chain, or null.
X509Ptr snp_chain_certificate(const AgentEvidence& evidence, std::string_view type);

// Trust anchors: `attestation_dir` holds
//   snp/ark.pem, snp/ask.pem (snp/asvk.pem for VLEK-signed reports); the VCEK or VLEK comes from the
//       evidence's cert_chain, else snp/vcek/<CHIP_ID hex>.pem or .der;
//   tdx/ the collateral directory tdx::load_collateral reads (Intel SGX Root CA, TCB Signing
//       certificate, CRLs, tcb_info.json, qe_identity.json);
//   cca/cpak.pem;
//   csv/hrk.cert and csv/hsk_cek.cert (or csv/hsk_cek/<chip serial>/hsk_cek.cert).
struct AgentAnchors {
    std::filesystem::path attestation_dir;
};

// Signatures, certificate chains, TCB/collateral and, for TDX and CSV, the event log replayed
// against the RTMRs; then every register of `expected.values` compared with the evidence's (one
// check per register, by its name). A register in `expected.not_computed` (and not pinned in
// `expected.values`) is a FAILED check naming it: an unchecked boot chain is never accepted.
// report_data and init_data are NOT compared here (the caller binds them to its session).
// Never throws for a failed check; missing anchors are failed checks too.
CheckList verify_agent_evidence(const AgentEvidence& evidence, const ccvm::Registers& expected,
                                const AgentAnchors& anchors);

}  // namespace ccvm::attestation

// One entry point for every evidence family (SEV-SNP report, TDX quote, Hygon CSV report, CCA
// token): parse the evidence, load the trust anchors and run the family's verifier against the
// expected values the caller gives. Where those values come from (command-line flags, a VM spec,
// ccvmd's record) is the caller's business: this library knows no VM spec.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/attestation/request_error.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/firmware-measure/registers.hpp"

namespace ccvm::attestation {

enum class EvidenceFamily { snp, tdx, csv, cca };

std::string_view evidence_family_name(EvidenceFamily family) noexcept;  // "snp", "tdx", "csv", "cca"
std::optional<EvidenceFamily> evidence_family_from_name(std::string_view name) noexcept;
// The register the family's launch measurement is in: launch_digest (snp, csv), mrtd (tdx), rim (cca).
std::string_view measurement_register(EvidenceFamily family) noexcept;

// Trust anchors, as files.
struct TrustAnchors {
    std::optional<std::string> vcek, ask, ark;  // SNP: VCEK or VLEK, ASK (or the KDS cert_chain: ASK then ARK), ARK
    std::vector<std::string> cert_chain;        // SNP: KDS cert_chain or cache dir; CSV: HRK, HSK||CEK, or a dir
    std::optional<std::string> collateral;      // TDX: directory of root/intermediate certificates
    std::optional<std::string> cpak;            // CCA platform attestation key
};

// What the evidence must show. Registers go by the names `ccvm measure` gives them: launch_digest
// (SNP MEASUREMENT, CSV MEASURE), mrtd and rtmr0..3 (TDX), rim and rem0..3 (CCA). A register in
// `registers.not_computed` is not compared and adds a skipped check saying why. Every value is
// compared only when set.
struct ExpectedValues {
    Registers registers;
    // Whose values these are, as the reasons of skipped checks name them ("the spec's rim is not computed").
    std::string origin = "the expected";
    std::optional<Bytes>
        report_data;                 // up to 64 bytes, zero-padded (SNP/CSV REPORT_DATA, TDX REPORTDATA, CCA challenge)
    std::optional<Bytes> host_data;  // SNP HOST_DATA (32 bytes), CSV (64 bytes)
    std::optional<std::uint64_t> policy;                      // SNP (64-bit) or CSV (32-bit) guest policy
    std::optional<std::uint64_t> td_attributes;               // TDX TD_ATTRIBUTES
    std::optional<Bytes> mrconfigid, mrowner, mrownerconfig;  // TDX, 48 bytes each
    std::optional<Bytes> rpv;                                 // CCA realm personalization value
};

struct EvidenceRequest {
    EvidenceFamily family = EvidenceFamily::snp;
    Bytes evidence;
    std::string source;                        // names the evidence in messages
    std::optional<std::string> report_format;  // SNP: bin | hex (default: by content)
    TrustAnchors anchors;
    bool check_signatures = true;                  // false: compare values only
    std::optional<std::string> event_log;          // TDX, CSV: CC event log file replayed against the RTMRs
    std::optional<std::string> verification_time;  // TDX: RFC 3339; certificates, CRLs, collateral (now when unset)
    ExpectedValues expected;
};

struct EvidenceResult {
    CheckList checks;
    json::Value registers;  // the evidence's registers, lowercase hex, for the JSON output
};

// Throws RequestError (or another InputError) for unusable input: malformed evidence, missing
// anchors, an expected value of the wrong size; a failed check is in the result.
EvidenceResult verify_evidence(const EvidenceRequest& request);

}  // namespace ccvm::attestation

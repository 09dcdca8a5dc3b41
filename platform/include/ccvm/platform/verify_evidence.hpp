// One entry point for every evidence family (SEV-SNP report, TDX quote, Hygon CSV report, CCA
// token), shared by `ccvm attest verify-report` and ccvmd's Attest: parse the evidence, load the
// trust anchors, derive the expected values (flags or a VM spec) and run the family's verifier.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform::evidence {

// The spec composition uses the attestation library's types throughout.
using namespace ::ccvm::attestation;

enum class EvidenceFamily { snp, tdx, csv, cca };

std::string_view evidence_family_name(EvidenceFamily family) noexcept;  // "snp", "tdx", "csv", "cca"
std::optional<EvidenceFamily> evidence_family_from_name(std::string_view name) noexcept;
// The evidence a VM of this TEE produces; InputError for one without runtime evidence (none, SEV, SEV-ES).
EvidenceFamily evidence_family_of(TeeKind tee);

// Trust anchors, as files (each flag's meaning is the CLI's, see ccvm(1)).
struct TrustAnchors {
    std::optional<std::string> vcek, ask, ark;  // SNP
    std::vector<std::string> cert_chain;        // SNP: KDS cert_chain or cache dir; CSV: HRK, HSK||CEK, or a dir
    std::optional<std::string> collateral;      // TDX: directory of root/intermediate certificates
    std::optional<std::string> cpak;            // CCA platform attestation key
};

// Expected values given directly (hex text as on the command line; the policy already parsed).
struct ExpectedValues {
    std::optional<std::string> measurement, host_data, report_data, mrtd;
    std::optional<std::uint64_t> policy;
};

// A spec to verify against: every register `measure_spec` computed is compared; a register it
// could not compute adds a skipped check saying why it was not compared. `measured` is the
// measure_spec() output (ccvmd passes the one recorded when the VM was created); null = compute now.
struct SpecReference {
    const VmSpec* spec = nullptr;
    json::Value measured;
};

struct EvidenceRequest {
    EvidenceFamily family = EvidenceFamily::snp;
    Bytes evidence;
    std::string source;                        // names the evidence in messages
    std::optional<std::string> report_format;  // SNP: bin | hex (default: by content)
    TrustAnchors anchors;
    bool check_signatures = true;                  // false: compare values only (--no-signature-check)
    std::optional<std::string> event_log;          // TDX, CSV: CC event log file replayed against the RTMRs
    std::optional<std::string> verification_time;  // TDX: RFC 3339; certificates, CRLs, collateral (now when unset)
    ExpectedValues expected;
    SpecReference spec;  // replaces the register values of `expected`
};

struct EvidenceResult {
    CheckList checks;
    json::Value registers;  // the evidence's registers, lowercase hex, for the JSON output
};

// Throws InputError for unusable input (malformed evidence, missing anchors, a spec of another
// family, a spec given with --expected-* register values); a failed check is in the result.
EvidenceResult verify_evidence(const EvidenceRequest& request);

}  // namespace ccvm::platform::evidence

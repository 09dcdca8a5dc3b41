// Guest evidence handed to Attest (an SNP report, TDX quote, CSV report or CCA token), verified
// against the VM's spec with the same verifier as `ccvm attest verify-report --spec`.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/daemon/spec_planner.hpp"

namespace ccvm::daemon {

// What guest evidence showed, checked against the VM's expected values.
struct EvidenceVerdict {
    // "verified": every check ran and passed; "unverified": none failed but some did not run (a
    // register the spec cannot predict); "mismatch": a check failed.
    std::string verdict;
    std::string reason;
    std::string evidence;         // the evidence family: snp, tdx, csv, cca
    ccvm::json::Value registers;  // the evidence's registers, as `ccvm attest verify-report --json` shows them
    ccvm::json::Value checks;     // [{name, status, ok, reason}], as verify-report --json shows them
};

class EvidenceVerifier {
public:
    virtual ~EvidenceVerifier() = default;
    // `expected` are the registers measured when the VM was created. Throws InputError for unusable
    // evidence.
    virtual EvidenceVerdict verify(const VmPlan& plan, const Registers& expected, ByteSpan evidence) const = 0;
};

// The verifier on the platform library, for plans made by the PlatformPlanner. Trust anchors come
// from `attestation_dir`: snp/ (vcek|vlek, ask, ark .pem/.der), tdx/ (root and intermediate
// certificates), csv/ (hrk.cert, hsk_cek.cert), cca/cpak.pem.
std::unique_ptr<EvidenceVerifier> make_platform_evidence_verifier(std::filesystem::path attestation_dir);

}  // namespace ccvm::daemon

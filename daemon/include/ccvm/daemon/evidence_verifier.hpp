// Guest evidence handed to Attest (an SNP report, TDX quote, CSV report or CCA token), verified
// against the VM's spec with the same verifier as `ccvm attest verify-report --spec`.
#pragma once

#include <filesystem>
#include <memory>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/daemon/spec_planner.hpp"

namespace ccvm::daemon {

class EvidenceVerifier {
public:
    virtual ~EvidenceVerifier() = default;
    // `expected` is the measure_spec() output recorded when the VM was created. Returns
    // {"verdict": "verified"|"mismatch", "reason", "evidence": family, "registers": {...},
    // "checks": [{name, ok, reason}]}; throws InputError for unusable evidence.
    virtual ccvm::json::Value verify(const VmPlan& plan, const ccvm::json::Value& expected,
                                     ByteSpan evidence) const = 0;
};

// The verifier on the platform library, for plans made by the PlatformPlanner. Trust anchors come
// from `attestation_dir`: snp/ (vcek|vlek, ask, ark .pem/.der), tdx/ (root and intermediate
// certificates), csv/ (hrk.cert, hsk_cek.cert), cca/cpak.pem.
std::unique_ptr<EvidenceVerifier> make_platform_evidence_verifier(std::filesystem::path attestation_dir);

}  // namespace ccvm::daemon

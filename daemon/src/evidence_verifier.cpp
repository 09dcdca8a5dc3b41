#include "ccvm/daemon/evidence_verifier.hpp"

#include "ccvm/attestation/verify_evidence.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/platform/spec_evidence.hpp"
#include "launch_backends/platform_planner.hpp"

namespace ccvm::daemon {
namespace {

namespace fs = std::filesystem;
using attestation::EvidenceFamily;

class PlatformEvidenceVerifier final : public EvidenceVerifier {
public:
    explicit PlatformEvidenceVerifier(fs::path dir) : dir_(std::move(dir)) {}

    EvidenceVerdict verify(const VmPlan& plan, const Registers& expected, ByteSpan evidence) const override {
        const platform::VmSpec& spec = native_spec(plan);
        attestation::EvidenceRequest request;
        request.family = platform::evidence_family_of(spec.tee);
        request.evidence.assign(evidence.begin(), evidence.end());
        request.source = "the Attest evidence";
        request.anchors = anchors(request.family);
        request.expected = platform::spec_expected_values(spec, expected);
        const auto result = attestation::verify_evidence(request);

        EvidenceVerdict out;
        // A skipped check (a register the spec cannot predict) counts like a failed one here: ccvmd
        // releases nothing on a verdict that did not check everything.
        const auto& checks = result.checks;
        out.verdict = checks.verified() ? "verified" : checks.all_ok() ? "unverified" : "mismatch";
        for (const auto& c : checks.checks())
            if (c.status() != attestation::CheckStatus::passed)
                out.reason += (out.reason.empty() ? "" : "; ") + c.name + " " +
                              std::string(attestation::to_string(c.status())) + ": " + c.reason;
        if (checks.verified())
            out.reason = "every check of the " + std::string(evidence_family_name(request.family)) +
                         " evidence passed against the VM's spec";
        out.evidence = std::string(evidence_family_name(request.family));
        out.registers = result.registers;
        out.checks = result.checks.to_json();
        return out;
    }

private:
    // The family's subdirectory of the attestation dir, as the CLI flags would name its files.
    attestation::TrustAnchors anchors(EvidenceFamily family) const {
        const fs::path dir = dir_ / std::string(evidence_family_name(family));
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw DaemonError(ErrorCode::not_supported,
                              "ccvmd has no trust anchors for " + std::string(evidence_family_name(family)) +
                                  " evidence: create " + dir.string() + " (see attestation_dir in ccvmd(8))");
        attestation::TrustAnchors a;
        switch (family) {
            case EvidenceFamily::snp:
            case EvidenceFamily::csv:
                a.cert_chain = {dir.string()};
                break;
            case EvidenceFamily::tdx:
                a.collateral = dir.string();
                break;
            case EvidenceFamily::cca:
                a.cpak = (dir / "cpak.pem").string();
                break;
        }
        return a;
    }

    fs::path dir_;
};

}  // namespace

std::unique_ptr<EvidenceVerifier> make_platform_evidence_verifier(std::filesystem::path attestation_dir) {
    return std::make_unique<PlatformEvidenceVerifier>(std::move(attestation_dir));
}

}  // namespace ccvm::daemon

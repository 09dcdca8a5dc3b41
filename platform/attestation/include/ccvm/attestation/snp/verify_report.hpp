// Verification of an SEV-SNP attestation report: the ARK -> ASK -> VCEK/VLEK chain, the report
// signature, the certificate's chip ID and TCB, and the guest values the owner expects.
#pragma once

#include <optional>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/attestation/crypto.hpp"
#include "ccvm/attestation/snp/attestation_report.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::snp {

struct ReportExpectations {
    std::optional<Bytes> measurement;  // 48 bytes
    std::optional<Bytes> host_data;    // 32 bytes
    std::optional<Bytes> report_data;  // up to 64 bytes, zero-padded
    std::optional<std::uint64_t> policy;
};

struct SigningChain {
    X509Ptr ark;  // AMD Root Key (self-signed)
    X509Ptr ask;  // AMD SEV Key (or ASVK for a VLEK)
    X509Ptr vek;  // VCEK or VLEK
};

// Runs every check; never throws for a failed check (only for unusable input such as a
// malformed extension).
attestation::CheckList verify_report(const AttestationReport& report, const SigningChain& chain,
                                     const ReportExpectations& expected);
// Only the comparisons with the expected values (what verify_report adds after the signature checks).
void compare_report(const AttestationReport& report, const ReportExpectations& expected, attestation::CheckList& out);

}  // namespace ccvm::attestation::snp

// Verification of a CSV attestation report (csv.md §7-8): HRK (self-signed) -> HSK -> CEK -> PEK
// -> report, the signer MAC of raw PSP output, and the measurement against an expected value.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/platform/evidence/csv/attestation_report.hpp"
#include "ccvm/launch-secret/csv/hygon_cert.hpp"

namespace ccvm::platform::csv {

struct Check {
    std::string name;
    bool ok = false;
    std::string reason;  // why it failed, or a note on why it did not apply
};

// HRK (832) -> HSK (832) -> CEK (2084). The HRK is the trust anchor the caller supplies.
struct CertChain {
    CaCertificate hrk, hsk;
    CsvCertificate cek;
    // hsk_cek: the HSK||CEK file as the Hygon KDS serves it (2916 bytes).
    static CertChain parse(ByteSpan hrk, std::string_view hrk_source, ByteSpan hsk_cek, std::string_view hsk_cek_source);
};

// Checks named "hrk-signature", "hsk-signature", "cek-signature" (each including usage and
// issuer key id), in chain order.
std::vector<Check> verify_chain(const CertChain& chain);

// "pek-signature": any non-empty signature slot of the PEK verifies with the CEK (uid = CEK uid).
Check verify_pek(const CsvCertificate& pek, const CsvCertificate& cek);

// "report-signature": the PEK's signature over the report's signed bytes (uid = PEK uid), with
// sig_usage PEK and sig_algo SM2.
Check verify_report_signature(const AttestationReport& report);

// "signer-mac": passes for raw PSP output whose MAC matches; restored evidence passes with a note
// (its MAC is no longer checkable, csv.md §7).
Check verify_signer_mac(const AttestationReport& report);

struct ReportVerification {
    bool verified = false;
    std::vector<Check> checks;
};

ReportVerification verify_report(const AttestationReport& report, const CertChain& chain,
                                 const std::optional<Sm3Digest>& expected_measurement);

}  // namespace ccvm::platform::csv

// Verification of a CSV attestation report (csv-rs src/api/guest/types.rs src/certs): HRK (self-signed) -> HSK -> CEK
// -> PEK
// -> report, the signer MAC of raw PSP output, and the report fields against expected values.
#pragma once

#include <optional>
#include <string>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/attestation/csv/attestation_report.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/csv/hygon_cert.hpp"

namespace ccvm::attestation::csv {

using attestation::Check;
using attestation::CheckList;

// HRK (832) -> HSK (832) -> CEK (2084). The HRK is the trust anchor the caller supplies.
struct CertChain {
    CaCertificate hrk, hsk;
    CsvCertificate cek;
    // hsk_cek: the HSK||CEK file as the Hygon KDS serves it (2916 bytes).
    static CertChain parse(ByteSpan hrk, std::string_view hrk_source, ByteSpan hsk_cek,
                           std::string_view hsk_cek_source);
};

// Adds "hrk.signature", "hsk.signature", "cek.signature" (each including key usage and issuer
// key id), in chain order.
void verify_chain(const CertChain& chain, CheckList& out);

// "pek.signature": a non-empty signature slot of the PEK verifies with the CEK (uid = CEK uid).
Check verify_pek(const CsvCertificate& pek, const CsvCertificate& cek);

// "report.signature": the PEK's signature over the report's signed bytes (uid = PEK uid), with
// sig_usage PEK and sig_algo SM2.
Check verify_report_signature(const AttestationReport& report);

// "report.signer-mac": passes for raw PSP output whose MAC matches; restored evidence passes with
// a note (its MAC is no longer checkable, csv-rs src/api/guest/types.rs).
Check verify_signer_mac(const AttestationReport& report);

// Optional comparisons; each present value adds one check.
struct ReportExpectations {
    std::optional<Sm3Digest> measurement;                // "measurement"
    std::optional<Bytes> report_data;                    // "report_data", zero-padded to 64 bytes
    std::optional<std::uint32_t> policy;                 // "policy"
    std::optional<std::array<std::byte, 64>> host_data;  // "host_data" (V3 reports only)
};

CheckList verify_report(const AttestationReport& report, const CertChain& chain,
                        const ReportExpectations& expected = {});
// Only the comparisons with the expected values (what verify_report adds after the chain checks).
void compare_report(const AttestationReport& report, const ReportExpectations& expected, CheckList& out);

}  // namespace ccvm::attestation::csv

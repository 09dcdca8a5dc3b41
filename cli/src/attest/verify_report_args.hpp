// Every flag of `ccvm attest verify-report`, shared by the evidence families.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ccvm::cli {

struct VerifyReportArgs {
    std::optional<std::string> mode;
    bool json = false;
    std::optional<std::string> spec;  // compare every register with `ccvm measure SPEC`

    // SEV-SNP
    std::optional<std::string> report, report_format, vcek, ask, ark, expected_measurement;
    std::optional<std::string> expected_host_data, expected_report_data, expected_policy;
    // TDX (event_log: TDX and CSV)
    std::optional<std::string> quote, collateral, expected_mrtd, event_log, verification_time;
    bool no_signature_check = false;
    // CCA
    std::optional<std::string> token, cpak;
    // Hygon CSV: the HRK file first, then the HSK||CEK file (or one directory holding the chain)
    std::vector<std::string> cert_chain;
};

}  // namespace ccvm::cli

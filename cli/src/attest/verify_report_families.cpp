#include "attest/verify_report_args.hpp"

namespace ccvm::cli {

int run_verify_report_snp(const VerifyReportArgs& args);
int run_verify_report_tdx(const VerifyReportArgs& args);
int run_verify_report_cca(const VerifyReportArgs& args);
int run_verify_report_csv(const VerifyReportArgs& args);

// One line per evidence family; the family's file defines its runner.
const std::vector<VerifyReportFamily>& verify_report_families() {
    static const std::vector<VerifyReportFamily> families = {
        {{"snp"}, &run_verify_report_snp},
        {{"tdx"}, &run_verify_report_tdx},
        {{"cca"}, &run_verify_report_cca},
        {{"csv"}, &run_verify_report_csv},
    };
    return families;
}

}  // namespace ccvm::cli

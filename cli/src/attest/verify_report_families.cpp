#include "attest/verify_report_args.hpp"

namespace ccvm::cli {

// One line per evidence family; the family's file defines its runner.
const std::vector<VerifyReportFamily>& verify_report_families() {
    static const std::vector<VerifyReportFamily> families = {
    };
    return families;
}

}  // namespace ccvm::cli

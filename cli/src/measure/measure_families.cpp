#include "measure/measure_families.hpp"

#include "measure/csv.hpp"
#include "measure/sev.hpp"

namespace ccvm::cli {

int run_tdx_measure(const MeasureArgs& args);
int run_cca_measure(const MeasureArgs& args);  // measure/cca.cpp

// One line per family; the family's file defines its MeasureFamily.
const std::vector<MeasureFamily>& measure_families() {
    static const std::vector<MeasureFamily> families = {
        {{"sev", "seves", "snp", "snp:ovmf-hash", "snp:svsm"}, &run_sev_measure},
        {{"tdx"}, &run_tdx_measure},
        {{"csv", "csv2", "csv3"}, &run_csv_measure},
        {{"cca"}, &run_cca_measure},
    };
    return families;
}

}  // namespace ccvm::cli

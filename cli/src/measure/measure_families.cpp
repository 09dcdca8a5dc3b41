#include "measure/measure_families.hpp"

#include "measure/sev.hpp"

namespace ccvm::cli {

// One line per family; the family's file defines its MeasureFamily.
const std::vector<MeasureFamily>& measure_families() {
    static const std::vector<MeasureFamily> families = {
        {{"sev", "seves", "snp", "snp:ovmf-hash", "snp:svsm"}, &run_sev_measure},
    };
    return families;
}

}  // namespace ccvm::cli

#include "measure/measure_families.hpp"

namespace ccvm::cli {

int run_cca(const MeasureArgs& args);  // measure/cca.cpp

// One line per family; the family's file defines its MeasureFamily.
const std::vector<MeasureFamily>& measure_families() {
    static const std::vector<MeasureFamily> families = {
        {{"cca"}, &run_cca},
    };
    return families;
}

}  // namespace ccvm::cli

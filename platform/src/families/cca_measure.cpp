#include "families/cca_measure.hpp"

namespace ccvm::platform {

void measure_cca_rim(const VmSpec&, Registers& regs) {
    regs.rest_not_computed("this build has no CCA RIM engine (firmware-measure cca)");
}

}  // namespace ccvm::platform

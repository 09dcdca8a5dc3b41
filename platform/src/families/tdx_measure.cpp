#include "families/tdx_measure.hpp"

namespace ccvm::platform {

void measure_tdx_registers(const VmSpec&, Registers& regs) {
    regs.rest_not_computed("this build has no TDX MRTD/RTMR engine (firmware-measure tdx)");
}

}  // namespace ccvm::platform

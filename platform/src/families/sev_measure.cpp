#include "families/sev_measure.hpp"

namespace ccvm::platform {

void measure_sev_launch_digest(const VmSpec&, Registers& regs) {
    regs.rest_not_computed("this build has no SEV launch-digest engine (firmware-measure sev)");
}

void measure_csv_launch_digest(const VmSpec&, Registers& regs) {
    regs.rest_not_computed("this build has no CSV launch-digest engine (firmware-measure csv)");
}

}  // namespace ccvm::platform

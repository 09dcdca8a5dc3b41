// Bridge from a VmSpec to the CCA RIM engine.
#pragma once

#include "ccvm/platform/vm_spec.hpp"
#include "families/registers.hpp"

namespace ccvm::platform {

void measure_cca_rim(const VmSpec& spec, RegisterTable& regs);

}  // namespace ccvm::platform

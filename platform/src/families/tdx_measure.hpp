// Bridge from a VmSpec to the TDX MRTD/RTMR engine.
#pragma once

#include "ccvm/platform/vm_spec.hpp"
#include "families/registers.hpp"

namespace ccvm::platform {

void measure_tdx_registers(const VmSpec& spec, RegisterTable& regs);

}  // namespace ccvm::platform

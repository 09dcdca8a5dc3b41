// Bridges from a VmSpec to the SEV / SEV-ES / SEV-SNP and CSV launch-digest engines.
#pragma once

#include "ccvm/platform/vm_spec.hpp"
#include "families/registers.hpp"

namespace ccvm::platform {

void measure_sev_launch_digest(const VmSpec& spec, RegisterTable& regs);  // sev, sev-es, sev-snp
void measure_csv_launch_digest(const VmSpec& spec, RegisterTable& regs);  // csv (CSV1 only)

}  // namespace ccvm::platform

// Loading the VM client module (see vm_request.hpp for why it is separate).
#pragma once

#include "vm/vm_request.hpp"

namespace ccvm::cli {

// Loads ccvm-vm-client.so from beside the executable (CCVM_VM_CLIENT_RELDIR, relative to the
// directory of /proc/self/exe; the same layout in the build tree and once installed) and runs
// `request`. A missing or mismatched module is a SystemError naming its path.
int run_vm_client(const ccvm_vm_request& request);

}  // namespace ccvm::cli

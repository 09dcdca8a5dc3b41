// The interface between the ccvm executable and its VM client module (ccvm-vm-client.so).
//
// The VM commands talk to ccvmd over D-Bus through sdbus-c++, which pulls in libsystemd and its
// compression and crypto libraries. Loading those costs several milliseconds at every start, so
// only the module links them: the executable parses the command line, fills a request and loads
// the module only when a VM command runs. The interface is plain C so the two sides agree on
// nothing but this layout; kVmRequestAbi changes whenever the layout does.
#pragma once

#include <cstdint>

extern "C" {

enum ccvm_vm_command : std::uint32_t {
    CCVM_VM_CREATE,
    CCVM_VM_LIST,
    CCVM_VM_STATUS,
    CCVM_VM_START,
    CCVM_VM_STOP,
    CCVM_VM_DESTROY,
    CCVM_VM_REMOVE,
    CCVM_VM_ATTEST,
    CCVM_VM_INJECT,
};

// Strings are NUL-terminated and owned by the caller; a null pointer is an option not given.
struct ccvm_vm_request {
    std::uint32_t abi;  // kVmRequestAbi of the executable that filled it
    ccvm_vm_command command;
    const char* spec;      // create: spec path or "-"
    const char* name;      // status, start, stop, destroy, remove, inject, attest
    const char* guid;      // inject
    const char* file;      // inject
    const char* evidence;  // attest --evidence
    bool json;             // list, status, attest
    bool force;            // stop
    bool all;              // list
};

// Runs the request; prints its output and any error ("ccvm: error: ...") itself and returns the
// process exit code (0 ok, 1 mismatch, 2 bad input, 3 system failure).
using ccvm_vm_client_run_fn = int (*)(const ccvm_vm_request*);
}

namespace ccvm::cli {
inline constexpr std::uint32_t kVmRequestAbi = 1;
inline constexpr const char* kVmClientEntry = "ccvm_vm_client_run";
}  // namespace ccvm::cli

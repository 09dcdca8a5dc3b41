// What the daemon persists about one VM, and the states a VM moves through.
#pragma once

#include <string>
#include <string_view>

namespace ccvm::daemon {

// Where the VM's own creation or removal stands; anything but `ready` is finished or rolled back by
// reconciliation after a crash.
enum class Phase { creating, ready, removing };

// The VM's life as D-Bus callers see it (property State).
enum class VmState {
    defined,   // known to libvirt, not running
    starting,  // launch in progress
    paused,    // launched and measured, waiting for its secret (InjectSecret) before it resumes
    running,
    stopping,
    failed,  // the last launch was refused (StateReason says why); defined again, not running
};

std::string_view to_string(Phase phase);
Phase phase_from_string(std::string_view text);
std::string_view to_string(VmState state);
VmState vm_state_from_string(std::string_view text);

struct VmRecord {
    std::string name;
    std::string tee;  // spec's tee name: none, sev, sev-es, sev-snp, tdx, cca, csv, csv2, csv3
    Phase phase = Phase::creating;
    VmState state = VmState::defined;
    std::string state_reason;
    std::string expected_measurement;  // JSON object text
    std::string launch_measurement;    // hex, empty before the first measured launch
    std::string attestation;           // JSON object text, empty before the first attestation
    // Hex of the initdata binding the VM's evidence carries (SNP HOST_DATA, TDX MRCONFIGID, CCA
    // personalization value): how a key broker finds the VM. Empty for a VM without initdata.
    std::string init_data;
};

}  // namespace ccvm::daemon

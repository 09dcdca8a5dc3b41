// What the daemon persists about one VM, and the states a VM moves through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/registers.hpp"
#include "ccvm/platform/vm_spec.hpp"

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

// What the last launch established about the measurement (property Attestation).
enum class LaunchVerdict {
    pending,   // the firmware reports the measurement in the guest's evidence (Attest with evidence)
    ok,        // ccvmd checked the launch measurement before the guest ran
    mismatch,  // it differed (or could not be checked): the launch was refused
};

std::string_view to_string(LaunchVerdict verdict);
LaunchVerdict launch_verdict_from_string(std::string_view text);

// The platform fields of a SEV / CSV LAUNCH_MEASURE (AMD SEV API specification, LAUNCH_MEASURE and
// PLATFORM_STATUS): which firmware measured the guest under which policy.
struct LaunchPlatform {
    std::uint32_t api_major = 0;
    std::uint32_t api_minor = 0;
    std::uint32_t build = 0;
    std::uint32_t policy = 0;

    bool operator==(const LaunchPlatform&) const = default;
};

struct LaunchAttestation {
    LaunchVerdict verdict = LaunchVerdict::pending;
    std::string reason;
    std::string backend;                     // "libvirt" or "simulated": who played the firmware's part
    std::optional<LaunchPlatform> platform;  // families that report LAUNCH_MEASURE (SEV, SEV-ES, CSV)

    bool operator==(const LaunchAttestation&) const = default;
};

struct VmRecord {
    std::string name;
    platform::TeeKind tee = platform::TeeKind::none;
    Phase phase = Phase::creating;
    VmState state = VmState::defined;
    std::string state_reason;
    Registers expected;                            // measure_spec() when the VM was created
    Bytes launch_measurement;                      // empty before the first measured launch
    std::optional<LaunchAttestation> attestation;  // none before the first launch
    // The initdata binding the VM's evidence carries (SNP HOST_DATA, TDX MRCONFIGID, CCA
    // personalization value): how a key broker finds the VM. Empty for a VM without initdata.
    Bytes init_data;
};

}  // namespace ccvm::daemon

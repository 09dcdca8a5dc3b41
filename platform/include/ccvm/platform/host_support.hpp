// Which libvirt, QEMU and host kernel each TEE family needs, and whether a probed host has them: the
// one table ccvmd checks a spec against at create (so a spec the host cannot launch fails there, in
// one line, instead of deep inside libvirt at start).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/libvirt/host_capabilities.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

// The host's versions and launch-security types, as the libvirt wrapper probes them.
using libvirt::HostCapabilities;
using libvirt::Version;

// One TEE family's needs. `sectype` is libvirt's <launchSecurity type=...> and domain-capabilities
// enum value; empty where ccvm passes the family to QEMU directly (Arm CCA, <qemu:commandline>).
struct FamilyRequirement {
    std::vector<TeeKind> kinds;
    std::string_view family;  // "SEV-SNP"
    std::string_view sectype;
    Version libvirt;
    std::optional<Version> qemu;  // none: no upstream QEMU release has it
    std::string_view qemu_note;   // what to use instead, or a caveat
    std::string_view kernel;      // host kernel (KVM): "Linux >= 6.11", for the message and the docs
};

const std::vector<FamilyRequirement>& family_requirements();

// Nothing when `host` can launch a `tee` guest; otherwise the one-line reason naming the family,
// the versions it needs and what the host has.
std::optional<std::string> host_cannot_launch(TeeKind tee, const HostCapabilities& host);

}  // namespace ccvm::platform

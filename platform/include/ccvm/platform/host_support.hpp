// Which libvirt, QEMU and host kernel each TEE family needs, and whether a probed host has them: the
// one table ccvmd checks a spec against at create (so a spec the host cannot launch fails there, in
// one line, instead of deep inside libvirt at start).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

struct Version {
    unsigned major = 0, minor = 0, micro = 0;

    // libvirt's encoding (virConnectGetLibVersion, virConnectGetVersion): major * 1e6 + minor * 1e3 + micro.
    static Version from_libvirt(unsigned long long encoded) noexcept;
    std::string str() const;  // "10.5.0"
    auto operator<=>(const Version&) const = default;
};

// What ccvmd learns about its libvirt host, once.
struct HostCapabilities {
    std::string uri;
    Version libvirt;
    std::optional<Version> qemu;  // the QEMU driver's emulator version; none on other drivers
    // The launch-security types the driver's domain capabilities list (sev, sev-snp, s390-pv, tdx,
    // ...); none when the driver reports no domain capabilities at all (the test driver).
    std::optional<std::vector<std::string>> launch_security;
};

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

// The launch-security types in a domain-capabilities document: the <launchSecurity> enum of libvirt
// >= 10.x, or the older per-feature elements (<sev supported='yes'/>, <tdx .../>, <s390-pv .../>).
std::vector<std::string> launch_security_types(std::string_view domcaps_xml);

// Nothing when `host` can launch a `tee` guest; otherwise the one-line reason naming the family,
// the versions it needs and what the host has.
std::optional<std::string> host_cannot_launch(TeeKind tee, const HostCapabilities& host);

}  // namespace ccvm::platform

// What a libvirt host offers for confidential guests: the libvirt and QEMU versions and the
// launch-security types its domain capabilities list (libvirt formatdomaincaps, "Features").
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccvm::libvirt {

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

// The launch-security types in a domain-capabilities document: the <launchSecurity> sectype enum of
// libvirt >= 10.x, or the older per-feature elements (<sev supported='yes'/>, <tdx .../>, <s390-pv .../>).
// InputError naming the document when it is not well-formed XML.
std::vector<std::string> launch_security_types(std::string_view domcaps_xml);

}  // namespace ccvm::libvirt

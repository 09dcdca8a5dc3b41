#include "ccvm/platform/host_support.hpp"

#include <algorithm>

namespace ccvm::platform {

// Sources: libvirt's docs/news.rst and formatdomain "launchSecurity" (sev 4.4/4.5, the SEV
// measurement parameters and virDomainSetLaunchSecurityState 8.0.0, sev-snp 10.5.0, tdx 11.8.0);
// QEMU's ChangeLog (SEV 2.12, SEV-ES 6.0, kernel-hashes 6.2, sev-snp-guest 9.1, tdx-guest 10.1);
// Linux's arch/x86/kvm history (SEV 4.16, SEV-ES 5.11, SNP 6.11, TDX 6.16). ccvm's SEV, SEV-ES and
// CSV launches inject their secret through virDomainSetLaunchSecurityState, hence libvirt 8.0.0.
const std::vector<FamilyRequirement>& family_requirements() {
    static const std::vector<FamilyRequirement> table = {
        {{TeeKind::sev}, "SEV", "sev", {8, 0, 0}, Version{6, 2, 0}, "", "Linux >= 4.16"},
        {{TeeKind::sev_es}, "SEV-ES", "sev", {8, 0, 0}, Version{6, 2, 0}, "", "Linux >= 5.11"},
        {{TeeKind::sev_snp}, "SEV-SNP", "sev-snp", {10, 5, 0}, Version{9, 1, 0}, "", "Linux >= 6.11"},
        {{TeeKind::tdx}, "TDX", "tdx", {11, 8, 0}, Version{10, 1, 0}, "", "Linux >= 6.16"},
        {{TeeKind::csv, TeeKind::csv2, TeeKind::csv3},
         "Hygon CSV",
         "sev",
         {8, 0, 0},
         Version{6, 2, 0},
         "Hygon's QEMU for CSV2/CSV3",
         "Hygon's CSV host kernel"},
        {{TeeKind::cca},
         "Arm CCA",
         "",
         {8, 0, 0},
         std::nullopt,
         "Linaro's QEMU cca/latest (rme-guest)",
         "Arm's CCA host kernel (not upstream)"},
    };
    return table;
}

namespace {

const FamilyRequirement* requirement_of(TeeKind tee) {
    for (const FamilyRequirement& r : family_requirements())
        if (std::find(r.kinds.begin(), r.kinds.end(), tee) != r.kinds.end()) return &r;
    return nullptr;
}

std::string needs(const FamilyRequirement& r) {
    std::string qemu = r.qemu ? "QEMU >= " + r.qemu->str() : std::string(r.qemu_note);
    if (r.qemu && !r.qemu_note.empty()) qemu += " (" + std::string(r.qemu_note) + ")";
    return std::string(r.family) + " needs libvirt >= " + r.libvirt.str() + ", " + qemu + " and " +
           std::string(r.kernel);
}

std::string host_has(const HostCapabilities& host) {
    std::string out = "host " + host.uri + ": libvirt " + host.libvirt.str() + ", ";
    out += host.qemu ? "QEMU " + host.qemu->str() : std::string("no QEMU driver");
    if (!host.launch_security) return out + ", no launch security reported";
    if (host.launch_security->empty()) return out + ", launch security: none";
    std::string types;
    for (const std::string& t : *host.launch_security) types += (types.empty() ? "" : " ") + t;
    return out + ", launch security: " + types;
}

}  // namespace

std::optional<std::string> host_cannot_launch(TeeKind tee, const HostCapabilities& host) {
    const FamilyRequirement* r = requirement_of(tee);
    if (r == nullptr) return std::nullopt;  // a plain VM
    bool ok = host.libvirt >= r->libvirt;
    // The QEMU version is known only on the QEMU driver; the family's sectype must be listed by a
    // driver that reports domain capabilities, and a driver that reports none offers no launch security.
    if (host.qemu && r->qemu) ok = ok && *host.qemu >= *r->qemu;
    if (!host.launch_security) ok = false;
    if (host.launch_security && !r->sectype.empty())
        ok = ok && std::find(host.launch_security->begin(), host.launch_security->end(), r->sectype) !=
                       host.launch_security->end();
    if (ok) return std::nullopt;
    return needs(*r) + " (" + host_has(host) + ")";
}

}  // namespace ccvm::platform

#include "ccvm/platform/host_support.hpp"

#include <algorithm>

namespace ccvm::platform {

Version Version::from_libvirt(unsigned long long encoded) noexcept {
    return {static_cast<unsigned>(encoded / 1000000), static_cast<unsigned>(encoded / 1000 % 1000),
            static_cast<unsigned>(encoded % 1000)};
}

std::string Version::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro);
}

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

// The value of attribute `name` in the start tag beginning at `tag` ("supported='yes'").
bool attribute_is(std::string_view xml, std::size_t tag, std::string_view name, std::string_view value) {
    const std::size_t end = xml.find('>', tag);
    const std::string_view start_tag =
        xml.substr(tag, end == std::string_view::npos ? std::string_view::npos : end - tag);
    for (const char quote : {'\'', '"'}) {
        const std::string want = std::string(name) + "=" + quote + std::string(value) + quote;
        if (start_tag.find(want) != std::string_view::npos) return true;
    }
    return false;
}

std::optional<std::size_t> find_tag(std::string_view xml, std::string_view name, std::size_t from = 0) {
    // Built by append: GCC 12 at -O3 reports a false -Wrestrict for "<" + std::string(name).
    std::string open_tag(1, '<');
    open_tag += name;
    for (std::size_t pos = xml.find(open_tag, from); pos != std::string_view::npos; pos = xml.find(open_tag, pos + 1)) {
        const char next = pos + name.size() + 1 < xml.size() ? xml[pos + name.size() + 1] : '\0';
        if (next == ' ' || next == '>' || next == '/') return pos;
    }
    return std::nullopt;
}

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

std::vector<std::string> launch_security_types(std::string_view xml) {
    std::vector<std::string> out;
    if (const auto ls = find_tag(xml, "launchSecurity"); ls && attribute_is(xml, *ls, "supported", "yes")) {
        const std::size_t end = xml.find("</launchSecurity>", *ls);
        const std::string_view body =
            xml.substr(*ls, end == std::string_view::npos ? std::string_view::npos : end - *ls);
        for (std::size_t v = body.find("<value>"); v != std::string_view::npos; v = body.find("<value>", v + 1)) {
            const std::size_t close = body.find("</value>", v);
            if (close == std::string_view::npos) break;
            out.emplace_back(body.substr(v + 7, close - v - 7));
        }
        return out;
    }
    for (const std::string_view feature : {"sev", "sev-snp", "tdx", "s390-pv"})
        if (const auto pos = find_tag(xml, feature); pos && attribute_is(xml, *pos, "supported", "yes"))
            out.emplace_back(feature);
    return out;
}

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

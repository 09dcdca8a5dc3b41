#include "families/families.hpp"

#include <cstdio>

#include "blob_file.hpp"

namespace ccvm::platform {

std::string hex_value(std::uint64_t v, int min_digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%0*llx", min_digits, static_cast<unsigned long long>(v));
    return buf;
}

XmlElement sev_guest_launch_security(const VmSpec& spec, const SevOptions& o, std::size_t session_size) {
    XmlElement ls("launchSecurity");
    ls.attr("type", "sev").attr("kernelHashes", o.kernel_hashes ? "yes" : "no");
    ls.add("cbitpos", std::to_string(spec.host.cbitpos));
    ls.add("reducedPhysBits", std::to_string(spec.host.reduced_phys_bits));
    ls.add("policy", hex_value(o.policy, 4));
    if (o.handle) ls.add("handle", std::to_string(*o.handle));
    // SEV API and csv-rs src/certs: the guest owner's certificate is 2084 bytes (AMD GODH, Hygon PDH-usage cert).
    if (o.dh_cert_file) ls.add("dhCert", load_blob_base64(*o.dh_cert_file, 2084, "tee.dh-cert-file"));
    if (o.session_file) ls.add("session", load_blob_base64(*o.session_file, session_size, "tee.session-file"));
    return ls;
}

const TeeFamily& tee_family(TeeKind kind) {
    switch (kind) {
        case TeeKind::none:
            return no_tee_family();
        case TeeKind::sev:
        case TeeKind::sev_es:
            return sev_family(kind);
        case TeeKind::sev_snp:
            return sev_snp_family();
        case TeeKind::tdx:
            return tdx_family();
        case TeeKind::csv:
        case TeeKind::csv2:
        case TeeKind::csv3:
            return csv_family(kind);
        case TeeKind::cca:
            return cca_family();
    }
    return no_tee_family();
}

}  // namespace ccvm::platform

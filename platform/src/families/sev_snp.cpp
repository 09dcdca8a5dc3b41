// AMD SEV-SNP guests: <launchSecurity type='sev-snp'> (libvirt.md §8.1, libvirt >= 10.5).
#include "blob_file.hpp"
#include "families/families.hpp"
#include "families/registers.hpp"
#include "families/sev_measure.hpp"

namespace ccvm::platform {
namespace {

class SevSnpFamily final : public TeeFamily {
public:
    TeeKind kind() const noexcept override { return TeeKind::sev_snp; }

    void shape_domain(const VmSpec& spec, DomainParts& parts) const override {
        const SnpOptions& o = *spec.options<SnpOptions>();
        // QEMU's SNP support needs a single -bios image (libvirt.md §8.2, AMDESE/AMDSEV#223).
        parts.loader_type = "rom";
        parts.loader_stateless = true;
        parts.iommu_platform = true;
        parts.on_reboot = "destroy";
        XmlElement ls("launchSecurity");
        ls.attr("type", "sev-snp")
            .attr("kernelHashes", o.kernel_hashes ? "yes" : "no")
            .attr("authorKey", o.author_key ? "yes" : "no")
            .attr("vcek", o.vcek ? "yes" : "no");
        ls.add("cbitpos", std::to_string(spec.host.cbitpos));
        ls.add("reducedPhysBits", std::to_string(spec.host.reduced_phys_bits));
        ls.add("policy", hex_value(o.policy));
        if (o.guest_visible_workarounds) ls.add("guestVisibleWorkarounds", *o.guest_visible_workarounds);
        // SEV-SNP ABI: ID_BLOCK is 96 bytes, ID_AUTH_INFO 4096.
        if (o.id_block_file) ls.add("idBlock", load_blob_base64(*o.id_block_file, 96, "tee.id-block-file"));
        if (o.id_auth_file) ls.add("idAuth", load_blob_base64(*o.id_auth_file, 4096, "tee.id-auth-file"));
        if (o.host_data) ls.add("hostData", *o.host_data);
        parts.launch_security = std::move(ls);
    }

    std::vector<std::string> registers() const override { return {"launch_digest"}; }

    json::Value measure(const VmSpec& spec) const override {
        Registers regs(registers());
        measure_sev_launch_digest(spec, regs);
        return regs.to_json();
    }
};

}  // namespace

const TeeFamily& sev_snp_family() {
    static const SevSnpFamily family;
    return family;
}

}  // namespace ccvm::platform

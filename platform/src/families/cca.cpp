// Arm CCA realms: libvirt has no launchSecurity type for them, so the rme-guest object and the
// confidential-guest-support link go through <qemu:commandline> (libvirt.md §9, cca.md §7).
#include "ccvm/base/encoding.hpp"
#include "families/cca_measure.hpp"
#include "families/families.hpp"
#include "families/registers.hpp"

namespace ccvm::platform {
namespace {

class CcaFamily final : public TeeFamily {
public:
    TeeKind kind() const noexcept override { return TeeKind::cca; }

    void shape_domain(const VmSpec& spec, DomainParts& parts) const override {
        const CcaOptions& o = *spec.options<CcaOptions>();
        parts.arch = "aarch64";
        parts.machine = "virt";
        parts.loader_type = "rom";
        parts.features = {XmlElement("gic").attr("version", "3")};
        parts.iommu_platform = true;
        parts.on_reboot = "destroy";
        parts.dtb = o.dtb;
        std::string object = "rme-guest,id=rme0,measurement-algorithm=";
        object += o.hash_algo == CcaHashAlgo::sha256 ? "sha256" : "sha512";
        if (o.personalization_value) object += ",personalization-value=" + *o.personalization_value;
        if (o.measurement_log) object += ",measurement-log=on";
        parts.qemu_args = {"-object", object, "-machine", "confidential-guest-support=rme0"};
    }

    std::vector<std::string> registers() const override { return {"rim", "rem0", "rem1", "rem2", "rem3"}; }

    Registers measure(const VmSpec& spec) const override {
        RegisterTable regs(registers());
        // cca.md §4.5: REMs start at zero and only the running realm extends them.
        for (const char* rem : {"rem0", "rem1", "rem2", "rem3"})
            regs.not_computed(rem, "extended by the realm at run time (RSI_MEASUREMENT_EXTEND); no launch value");
        measure_cca_rim(spec, regs);
        return std::move(regs).finish();
    }
};

}  // namespace

const TeeFamily& cca_family() {
    static const CcaFamily family;
    return family;
}

}  // namespace ccvm::platform

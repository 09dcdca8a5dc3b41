// AMD SEV and SEV-ES guests: QEMU's sev-guest object through <launchSecurity type='sev'>
// (libvirt.md §8); SEV-ES is SEV with policy bit 2.
#include "families/families.hpp"
#include "families/registers.hpp"
#include "families/sev_measure.hpp"

namespace ccvm::platform {
namespace {

class SevFamily final : public TeeFamily {
public:
    explicit SevFamily(TeeKind kind) : kind_(kind) {}
    TeeKind kind() const noexcept override { return kind_; }

    void shape_domain(const VmSpec& spec, DomainParts& parts) const override {
        // libvirt.md §8.2: the launch measures one ROM image, so no writable varstore.
        parts.loader_type = "rom";
        parts.loader_stateless = true;
        parts.iommu_platform = true;
        parts.on_reboot = "destroy";  // a SEV guest cannot be reset into a fresh launch
        parts.launch_security = sev_guest_launch_security(spec, *spec.options<SevOptions>(), kSevSessionSize);
    }

    std::vector<std::string> registers() const override { return {"launch_digest"}; }

    Registers measure(const VmSpec& spec) const override {
        RegisterTable regs(registers());
        measure_sev_launch_digest(spec, regs);
        return std::move(regs).finish();
    }

private:
    TeeKind kind_;
};

}  // namespace

const TeeFamily& sev_family(TeeKind kind) {
    static const SevFamily sev(TeeKind::sev);
    static const SevFamily sev_es(TeeKind::sev_es);
    return kind == TeeKind::sev_es ? sev_es : sev;
}

}  // namespace ccvm::platform

// Intel TDX guests: <launchSecurity type='tdx'> plus the machine shape a TD needs (libvirt.md §8.2,
// tdx.md §9): ROM firmware, private guest memory, split irqchip, no SMM, no HPET, no suspend.
#include "families/families.hpp"
#include "families/registers.hpp"
#include "families/tdx_measure.hpp"

namespace ccvm::platform {
namespace {

class TdxFamily final : public TeeFamily {
public:
    TeeKind kind() const noexcept override { return TeeKind::tdx; }

    void shape_domain(const VmSpec& spec, DomainParts& parts) const override {
        const TdxOptions& o = *spec.options<TdxOptions>();
        parts.loader_type = "rom";
        parts.loader_stateless = false;
        parts.private_memory = true;
        parts.disable_suspend = true;
        parts.on_reboot = "destroy";
        parts.features.push_back(XmlElement("ioapic").attr("driver", "qemu"));
        parts.features.push_back(XmlElement("smm").attr("state", "off"));
        parts.timers.push_back(XmlElement("timer").attr("name", "hpet").attr("present", "no"));
        XmlElement ls("launchSecurity");
        ls.attr("type", "tdx");
        ls.add("policy", hex_value(o.attributes));
        if (o.mrconfigid) ls.add("mrConfigId", *o.mrconfigid);
        if (o.mrowner) ls.add("mrOwner", *o.mrowner);
        if (o.mrownerconfig) ls.add("mrOwnerConfig", *o.mrownerconfig);
        if (o.quote_generation_socket)
            ls.add("quoteGenerationService").attr("path", o.quote_generation_socket->string());
        parts.launch_security = std::move(ls);
    }

    std::vector<std::string> registers() const override { return {"mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3"}; }

    Registers measure(const VmSpec& spec) const override {
        RegisterTable regs(registers());
        measure_tdx_registers(spec, regs);
        return std::move(regs).finish();
    }
};

}  // namespace

const TeeFamily& tdx_family() {
    static const TdxFamily family;
    return family;
}

}  // namespace ccvm::platform

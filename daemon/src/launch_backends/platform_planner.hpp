// SpecPlanner on the platform library: parse_vm_spec, check_spec_inputs, render_domain_xml, measure_spec.
#pragma once

#include <string>
#include <utility>

#include "ccvm/daemon/spec_planner.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::daemon {

class PlatformPlanner final : public SpecPlanner {
public:
    // `kbs_url`: the key broker a SEV-SNP, TDX or CCA VM whose spec names no initdata is pointed at
    // by the initdata ccvmd writes for it (platform::default_initdata); empty: such VMs get none.
    explicit PlatformPlanner(std::string kbs_url = {}) : kbs_url_(std::move(kbs_url)) {}
    std::string vm_name(std::string_view spec_yaml, std::string_view source) const override;
    VmPlan plan(std::string_view spec_yaml, std::string_view source, const PlanInputs& inputs) const override;

private:
    void use_default_initdata(platform::VmSpec& spec, const PlanInputs& inputs) const;
    std::string kbs_url_;
};

// The platform VmSpec a PlatformPlanner put into `plan`.
const platform::VmSpec& native_spec(const VmPlan& plan);

}  // namespace ccvm::daemon

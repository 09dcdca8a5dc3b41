// SpecPlanner on the platform library: parse_vm_spec, check_spec_inputs, render_domain_xml, measure_spec.
#pragma once

#include "ccvm/daemon/spec_planner.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::daemon {

class PlatformPlanner final : public SpecPlanner {
public:
    std::string vm_name(std::string_view spec_yaml, std::string_view source) const override;
    VmPlan plan(std::string_view spec_yaml, std::string_view source, const PlanInputs& inputs) const override;
};

// The platform VmSpec a PlatformPlanner put into `plan`.
const platform::VmSpec& native_spec(const VmPlan& plan);

}  // namespace ccvm::daemon

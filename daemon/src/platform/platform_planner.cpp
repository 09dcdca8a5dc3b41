#include "platform/platform_planner.hpp"

#include "ccvm/daemon/errors.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/measure_spec.hpp"

namespace ccvm::daemon {

VmPlan PlatformPlanner::plan(std::string_view spec_yaml, std::string_view source) const {
    try {
        platform::VmSpec spec = platform::parse_vm_spec(spec_yaml, source);
        platform::check_spec_inputs(spec);
        VmPlan plan;
        plan.name = spec.name;
        plan.tee = std::string(platform::tee_name(spec.tee));
        plan.domain_xml = platform::render_domain_xml(spec);
        plan.expected = platform::measure_spec(spec);
        for (const platform::SecretRef& s : spec.secrets) plan.secrets.push_back({s.guid, s.file});
        plan.native = std::move(spec);
        return plan;
    } catch (const InputError& e) {
        throw DaemonError(ErrorCode::spec_invalid, e.what());
    }
}

const platform::VmSpec& native_spec(const VmPlan& plan) {
    const auto* spec = std::any_cast<platform::VmSpec>(&plan.native);
    if (spec == nullptr) throw DaemonError(ErrorCode::internal, "VM plan of '" + plan.name + "' has no platform spec");
    return *spec;
}

}  // namespace ccvm::daemon

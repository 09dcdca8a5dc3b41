#include "launch_backends/platform_planner.hpp"

#include "ccvm/base/error.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "launch_backends/caller_inputs.hpp"

namespace ccvm::daemon {

std::string PlatformPlanner::vm_name(std::string_view spec_yaml, std::string_view source) const {
    try {
        return platform::parse_vm_spec(spec_yaml, source).name;
    } catch (const InputError& e) {
        throw DaemonError(ErrorCode::spec_invalid, e.what());
    }
}

VmPlan PlatformPlanner::plan(std::string_view spec_yaml, std::string_view source, const PlanInputs& inputs) const {
    platform::VmSpec original;
    try {
        original = platform::parse_vm_spec(spec_yaml, source);
    } catch (const InputError& e) {
        throw DaemonError(ErrorCode::spec_invalid, e.what());
    }
    platform::VmSpec spec = original;
    // Everything below reads only ccvmd's copies: the bytes measured are the bytes that boot.
    if (inputs.caller_files != nullptr)
        take_caller_files(spec, *inputs.caller_files, inputs.copy_dir);
    else
        point_at_copies(spec, inputs.copy_dir);
    if (inputs.launching) check_in_place_unchanged(original, inputs.copy_dir);
    try {
        platform::check_spec_inputs(spec);
        VmPlan plan;
        plan.name = spec.name;
        plan.tee = spec.tee;
        plan.expected = platform::measure_spec(spec).registers;
        point_at_copies(spec, inputs.inputs_dir);
        plan.domain_xml = platform::render_domain_xml(spec);
        for (const platform::SecretRef& s : spec.secrets) plan.secrets.push_back({s.guid, s.file});
        plan.native = std::move(spec);
        return plan;
    } catch (const InputError& e) {
        throw DaemonError(ErrorCode::spec_invalid, name_originals(e.what(), original, inputs.copy_dir));
    }
}

const platform::VmSpec& native_spec(const VmPlan& plan) {
    const auto* spec = std::any_cast<platform::VmSpec>(&plan.native);
    if (spec == nullptr) throw DaemonError(ErrorCode::internal, "VM plan of '" + plan.name + "' has no platform spec");
    return *spec;
}

}  // namespace ccvm::daemon

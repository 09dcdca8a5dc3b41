#include "launch_backends/platform_planner.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/daemon/atomic_file.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/initdata.hpp"
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

void PlatformPlanner::use_default_initdata(platform::VmSpec& spec, const PlanInputs& inputs) const {
    if (spec.initdata || !platform::initdata_field_size(spec.tee)) return;
    // A spec that sets the field itself (tee.host-data, ...) has chosen its own binding.
    const bool field_set = std::visit(
        [](const auto& o) {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, platform::SnpOptions>) return o.host_data.has_value();
            if constexpr (std::is_same_v<T, platform::TdxOptions>) return o.mrconfigid.has_value();
            if constexpr (std::is_same_v<T, platform::CcaOptions>) return o.personalization_value.has_value();
            return false;
        },
        spec.tee_options);
    if (field_set) return;
    // Kept where a spec's own initdata is copied ("initdata", spec_files()), so a later plan of the
    // same VM finds it there.
    const std::filesystem::path file = inputs.copy_dir / "initdata";
    if (inputs.caller_files != nullptr) {
        if (kbs_url_.empty()) return;
        std::filesystem::create_directories(inputs.copy_dir);
        write_file_atomic(file, platform::default_initdata(spec.name, kbs_url_), 0644);
    } else if (!std::filesystem::exists(file)) {
        return;
    }
    spec.initdata = file;
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
        use_default_initdata(spec, inputs);
        platform::check_spec_inputs(spec);
        VmPlan plan;
        plan.name = spec.name;
        plan.tee = std::string(platform::tee_name(spec.tee));
        plan.expected = platform::measure_spec(spec);
        // Bound while the initdata is read from where it is now; the XML then names its final place.
        if (const std::optional<Bytes> binding = platform::apply_initdata(spec)) plan.init_data = to_hex(*binding);
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

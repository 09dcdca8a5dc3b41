#include "ccvm/platform/measure_spec.hpp"

#include "ccvm/platform/tee_family.hpp"
#include "spec_inputs.hpp"

namespace ccvm::platform {

json::Value measure_spec(const VmSpec& spec) {
    const TeeFamily& family = tee_family(spec.tee);
    // The boot files the families measure; a missing one is the spec's error, not the engine's.
    if (!family.registers().empty()) {
        if (spec.firmware) require_spec_file(spec, "firmware", *spec.firmware);
        if (spec.kernel) require_spec_file(spec, "kernel", *spec.kernel);
        if (spec.initrd) require_spec_file(spec, "initrd", *spec.initrd);
    }
    json::Value out = json::Object{};
    out.set("name", spec.name);
    out.set("tee", std::string(tee_name(spec.tee)));
    json::Value registers = family.measure(spec);
    for (auto& [key, value] : registers.as_object_mut()) out.set(key, std::move(value));
    return out;
}

}  // namespace ccvm::platform

#include "ccvm/platform/measure_spec.hpp"

#include "ccvm/platform/tee_family.hpp"
#include "spec_inputs.hpp"

namespace ccvm::platform {

Measurement measure_spec(const VmSpec& spec) {
    const TeeFamily& family = tee_family(spec.tee);
    // The boot files the families measure; a missing one is the spec's error, not the engine's.
    if (!family.registers().empty()) {
        if (spec.firmware) require_spec_file(spec, "firmware", *spec.firmware);
        if (spec.kernel) require_spec_file(spec, "kernel", *spec.kernel);
        if (spec.initrd) require_spec_file(spec, "initrd", *spec.initrd);
    }
    return {spec.name, spec.tee, family.measure(spec)};
}

std::vector<std::string> register_names(TeeKind tee) { return tee_family(tee).registers(); }

}  // namespace ccvm::platform

#include "ccvm/platform/measure_spec.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/platform/initdata.hpp"
#include "ccvm/platform/tee_family.hpp"
#include "spec_inputs.hpp"

namespace ccvm::platform {

namespace {

// Registers the spec pins (tee.reference-values) fill what the family cannot compute; one it does
// compute must agree with the pin, or the spec contradicts itself.
void apply_reference_values(const VmSpec& spec, Registers& registers) {
    for (const auto& [name, pinned] : spec.reference_values) {
        const std::string key = "tee.reference-values." + name;
        if (const auto computed = registers.values.find(name); computed != registers.values.end()) {
            if (computed->second != pinned)
                throw InputError(spec.where(key) + ": " + key + ": pins " + to_hex(pinned) +
                                 " but the spec measures to " + to_hex(computed->second));
        } else if (registers.not_computed.erase(name) != 0) {
            registers.values.emplace(name, pinned);
        }
    }
}

}  // namespace

Measurement measure_spec(const VmSpec& spec) {
    const TeeFamily& family = tee_family(spec.tee);
    // The boot files the families measure; a missing one is the spec's error, not the engine's.
    if (!family.registers().empty()) {
        if (spec.firmware) require_spec_file(spec, "firmware", *spec.firmware);
        if (spec.kernel) require_spec_file(spec, "kernel", *spec.kernel);
        if (spec.initrd) require_spec_file(spec, "initrd", *spec.initrd);
    }
    Measurement out{spec.name, spec.tee, family.measure(spec), std::nullopt};
    apply_reference_values(spec, out.registers);
    // What the evidence's initdata field (HOST_DATA, MRCONFIGID, personalization value) must hold.
    VmSpec bound = spec;
    out.init_data = apply_initdata(bound);
    return out;
}

std::vector<std::string> register_names(TeeKind tee) { return tee_family(tee).registers(); }

}  // namespace ccvm::platform

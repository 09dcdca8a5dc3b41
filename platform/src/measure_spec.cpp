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
void apply_reference_values(const VmSpec& spec, json::Value& out) {
    if (spec.reference_values.empty()) return;
    json::Object& registers = out.as_object_mut();
    json::Value* regs = nullptr;
    json::Value* not_computed = nullptr;
    for (auto& [key, value] : registers) {
        if (key == "registers") regs = &value;
        if (key == "not_computed") not_computed = &value;
    }
    if (regs == nullptr) return;
    for (const auto& [name, pinned] : spec.reference_values) {
        const std::string key = "tee.reference-values." + name;
        const std::string hex = to_hex(pinned);
        for (auto& [reg, value] : regs->as_object_mut()) {
            if (reg != name) continue;
            if (value.is_string() && value.as_string() != hex)
                throw InputError(spec.where(key) + ": " + key + ": pins " + hex + " but the spec measures to " +
                                 value.as_string());
            value = hex;
        }
        if (not_computed != nullptr && not_computed->is_object()) {
            json::Object& reasons = not_computed->as_object_mut();
            std::erase_if(reasons, [&](const auto& kv) { return kv.first == name; });
        }
    }
}

}  // namespace

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
    apply_reference_values(spec, registers);
    for (auto& [key, value] : registers.as_object_mut()) out.set(key, std::move(value));
    // What the evidence's initdata field (HOST_DATA, MRCONFIGID, personalization value) must hold.
    VmSpec bound = spec;
    if (const std::optional<Bytes> binding = apply_initdata(bound)) out.set("init_data", to_hex(*binding));
    return out;
}

}  // namespace ccvm::platform

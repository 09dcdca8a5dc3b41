#include "attest/verify_report_spec.hpp"

#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/platform/measure_spec.hpp"

namespace ccvm::cli {

std::optional<SpecExpectations> load_spec_expectations(const VerifyReportArgs& args, platform::TeeKind tee) {
    if (!args.spec) return std::nullopt;
    for (const auto* flag : {&args.expected_measurement, &args.expected_mrtd, &args.expected_host_data,
                             &args.expected_policy})
        if (*flag) throw InputError("--spec replaces the --expected-* register flags; give one or the other");
    SpecExpectations out{platform::load_vm_spec(*args.spec), {}, json::Object{}};
    if (out.spec.tee != tee)
        throw InputError("--spec: '" + *args.spec + "' describes a " + std::string(platform::tee_name(out.spec.tee)) +
                         " VM, not " + std::string(platform::tee_name(tee)));
    const json::Value measured = platform::measure_spec(out.spec);
    if (const json::Value* regs = measured.find("registers"))
        for (const auto& [name, value] : regs->as_object())
            if (value.is_string()) out.registers.emplace(name, from_hex(value.as_string(), "measured " + name));
    if (const json::Value* why = measured.find("not_computed")) out.not_computed = *why;
    return out;
}

void add_not_compared(json::Value& registers, const std::optional<SpecExpectations>& spec) {
    if (spec && !spec->not_computed.as_object().empty()) registers.set("not_compared", spec->not_computed);
}

}  // namespace ccvm::cli

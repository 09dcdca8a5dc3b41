// `--spec FILE` for `ccvm attest verify-report`: the registers `ccvm measure --spec` computes,
// as the expected values of the evidence.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "attest/verify_report_args.hpp"
#include "ccvm/firmware-measure/bytes.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::cli {

struct SpecExpectations {
    platform::VmSpec spec;
    std::map<std::string, Bytes> registers;  // the computed ones, by the family's register name
    json::Value not_computed;                // {register: why ccvm cannot precompute it}
};

// nullopt without --spec. The spec's TEE must be `tee`; an --expected-* flag given as well is an
// InputError (the spec replaces them).
std::optional<SpecExpectations> load_spec_expectations(const VerifyReportArgs& args, platform::TeeKind tee);

// The registers of the spec that could not be compared, for the JSON output (null when none).
void add_not_compared(json::Value& registers, const std::optional<SpecExpectations>& spec);

}  // namespace ccvm::cli

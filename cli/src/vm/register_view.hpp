// A VM's expected and reported registers in one form for `ccvm status` and `ccvm attest`: the
// register names of the family, lowercase hex with its byte length, and the SEV/CSV LAUNCH_MEASURE
// blob split into MEASURE and MNONCE (an HMAC, not the launch digest), so equal values look equal
// and values that cannot be equal are not shown side by side.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ccvm/base/json_fwd.hpp"
#include "ccvm/firmware-measure/registers.hpp"
#include "ccvm/platform/measure_spec.hpp"

namespace ccvm::cli {

// {"registers": {name: hex or null}, "not_computed": {name: why}} with every register of `tee` in
// report order (platform::register_names), then any other register `regs` holds.
json::Value expected_registers_json(platform::TeeKind tee, const Registers& regs);

// {"name", "tee", "registers", "not_computed"}: `ccvm measure SPEC`, and the expected measurement
// `ccvm status` and `ccvm attest` show.
json::Value measurement_json(const platform::Measurement& m);

struct RegisterRow {
    std::string name;
    std::optional<std::string> expected, reported;  // lowercase hex
    std::string note;                               // what the value is, or why it is missing
};

// `expected`: ccvmd's ExpectedMeasurement object ({"registers": {...}, "not_computed": {...}});
// `launch_measurement`: the hex MEASURE || MNONCE of a pre-attested launch ("" when none);
// `evidence`: the registers read from verified evidence (attest --evidence), or null.
std::vector<RegisterRow> register_rows(const json::Value& expected, const std::string& launch_measurement,
                                       const json::Value& evidence);

// [{"name", "bytes", "expected", "reported", "note"}], absent values as null.
json::Value registers_json(const std::vector<RegisterRow>& rows);

// One line per register: "launch_digest (32 bytes): expected 1f2e..., reported 1f2e... (equal)".
void print_registers(std::ostream& out, const std::vector<RegisterRow>& rows);

}  // namespace ccvm::cli

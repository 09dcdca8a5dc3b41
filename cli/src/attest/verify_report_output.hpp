// What `ccvm attest verify-report` prints, shared by the evidence families.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ccvm/firmware-measure/bytes.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/platform/evidence/checks.hpp"

namespace ccvm::cli {

// Prints the verdict and returns the exit status (0 verified, 1 a check failed). Without --json:
// "verified" on stdout, or one "check <name> failed: <reason>" line per failed check on stderr.
// With --json: one object {verified, <registers>..., checks: [{name, ok, reason}]} on stdout.
int print_verdict(const platform::evidence::CheckList& checks, const json::Value& registers, bool as_json);

// The file a required flag names; InputError when the flag is missing.
Bytes read_flag_file(const std::optional<std::string>& path, std::string_view flag, std::string_view mode);
}  // namespace ccvm::cli

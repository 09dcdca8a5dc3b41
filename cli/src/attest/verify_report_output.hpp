// What `ccvm attest verify-report` prints, shared by the evidence families.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json_fwd.hpp"

namespace ccvm::cli {

// Prints the verdict and returns the exit status (0 when every check that ran passed, 1 when one
// failed). Without --json: "verified" on stdout when every check ran and passed; "skipped: ..." and
// one line per skipped check when some did not run; one "check <name> failed: <reason>" line per
// failed check on stderr. With --json: one object {verified, verdict, <registers>...,
// checks: [{name, status, ok, reason}]} on stdout; verified is true only for verdict "verified".
int print_verdict(const attestation::CheckList& checks, const json::Value& registers, bool as_json);

// The file a required flag names; InputError when the flag is missing.
Bytes read_flag_file(const std::optional<std::string>& path, std::string_view flag, std::string_view mode);
}  // namespace ccvm::cli

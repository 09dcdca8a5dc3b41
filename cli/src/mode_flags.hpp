// Which flags each --mode of a command takes, as one table per command: a flag of another mode is
// refused (exit 2, naming flag and mode) instead of being silently ignored.
#pragma once

#include <CLI/CLI.hpp>

#include <string_view>
#include <vector>

namespace ccvm::cli {

// Modes that take the same flags, and those flags (beyond the command's common ones).
struct ModeFlags {
    std::vector<std::string_view> modes;
    std::vector<std::string_view> flags;
};

// A better reason than "it is a flag of --mode X" for refusing `flag` in `mode`.
struct FlagHint {
    std::string_view mode, flag, hint;
};

struct ModeFlagTable {
    std::string_view command;              // as typed: "measure", "attest verify-report"
    std::vector<std::string_view> common;  // flags (and positionals, by name) every mode takes
    std::vector<ModeFlags> modes;
    std::vector<FlagHint> hints = {};
};

// Checks that `table` names exactly the options of `cmd` (besides --help): a flag added to the command
// but not to its table, or a misspelt table entry, throws std::logic_error when the command is built.
void check_mode_flag_table(const CLI::App& cmd, const ModeFlagTable& table);

// Throws InputError "FLAG is not a flag of COMMAND --mode MODE (...)" for the first option given on
// `cmd` that `mode` does not take. A mode missing from the table is left to the command's own
// unknown-mode error.
void refuse_foreign_flags(const CLI::App& cmd, std::string_view mode, const ModeFlagTable& table);

}  // namespace ccvm::cli

// A clearer message for a mistyped subcommand or flag: CLI11 reports "A subcommand is required" or
// "The following arguments were not expected", which hides the slip and its likely fix.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccvm::cli {

// Edit distance with adjacent transpositions (optimal string alignment): "mdoe" is 1 from "mode".
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known name closest to `typed`, when it is close enough to be the intended one.
std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& known);

// Walks `args` (argv without the program name) down the command tree of `app` and returns
// "unknown command 'mesure'; did you mean 'measure'?" or "unknown flag '--mdoe' of measure; did you
// mean '--mode'?" for the first name that is neither; nothing when every name is known.
std::optional<std::string> explain_unknown_name(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace ccvm::cli

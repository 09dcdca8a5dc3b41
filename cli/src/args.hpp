// Argument parsing helpers shared by the commands: integers in C notation, sizes, output formats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccvm::cli {

// Parses decimal, 0x-hex or 0o/0-octal like Python's int(x, 0); throws InputError naming `flag`.
std::uint64_t parse_uint(std::string_view text, std::string_view flag);
// Parses a byte size: plain bytes or with suffix K/M/G/T (binary, optional "iB"/"B").
std::uint64_t parse_size(std::string_view text, std::string_view flag);

}  // namespace ccvm::cli

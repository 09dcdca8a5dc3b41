// Caller input repeated in an error message, made safe to show (ccvm(1) EXIT STATUS).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ccvm {

// How much of a caller's input an error message repeats.
inline constexpr std::size_t kMaxEchoedInput = 200;

// `input` as an error message may show it: control characters and bytes outside printable ASCII
// escaped (\n, \t, \xNN: a message stays one line, cannot drive a terminal and is valid UTF-8 on
// D-Bus; backslashes stay, so escaping twice changes nothing), cut after `max_bytes` bytes with
// "..." appended. The one helper every message that repeats caller input goes through.
std::string echo_input(std::string_view input, std::size_t max_bytes = kMaxEchoedInput);

}  // namespace ccvm

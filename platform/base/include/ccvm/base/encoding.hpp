// Hex and base64 (standard alphabet, padded) conversions.
#pragma once

#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm {

std::string to_hex(ByteSpan data);  // lowercase
// Accepts upper/lower case, an optional 0x prefix; throws InputError naming `what` on bad input.
Bytes from_hex(std::string_view hex, std::string_view what = "hex value");

std::string to_base64(ByteSpan data);
// Accepts standard base64 with padding and ignores whitespace; throws InputError naming `what`.
Bytes from_base64(std::string_view text, std::string_view what = "base64 value");

}  // namespace ccvm

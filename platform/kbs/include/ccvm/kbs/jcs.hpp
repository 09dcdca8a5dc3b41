// JSON Canonicalization Scheme (RFC 8785): the byte form the KBS protocol hashes runtime-data in.
#pragma once

#include <string>

#include "ccvm/base/json_fwd.hpp"

namespace ccvm::kbs {

// The canonical serialization of `value`: object members sorted by the UTF-16 code units of their
// names (RFC 8785 section 3.2.3), strings with the minimal escapes of section 3.2.2.2, numbers as
// ECMAScript prints IEEE-754 doubles (section 3.2.2.3), no whitespace. Throws InputError for a
// NaN or infinite number, or a string that is not valid UTF-8.
std::string jcs(const json::Value& value);

}  // namespace ccvm::kbs

// base64url without padding (RFC 4648 section 5, as JOSE uses it: RFC 7515 section 2).
#pragma once

#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::kbs {

std::string base64url_encode(ByteSpan data);
// Refuses padding, whitespace and characters outside the URL-safe alphabet; InputError names `what`.
Bytes base64url_decode(std::string_view text, std::string_view what);

}  // namespace ccvm::kbs

// The one wording of a failed system call in an error message (the OpenSSL counterpart is
// openssl_error() in openssl.hpp).
#pragma once

#include <string>
#include <string_view>

#include "ccvm/base/error.hpp"

namespace ccvm {

// "<what>: <strerror(err)>".
std::string errno_message(std::string_view what, int err);
// Throws SystemError(errno_message(what, errno)); call it right after the call that failed.
[[noreturn]] void throw_errno(std::string_view what);

}  // namespace ccvm

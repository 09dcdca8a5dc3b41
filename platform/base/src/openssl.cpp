#include "ccvm/base/openssl.hpp"

#include <openssl/err.h>

#include "ccvm/base/error.hpp"

namespace ccvm {

std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown error";
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

void throw_openssl_error(std::string_view what) {
    throw SystemError("OpenSSL: " + std::string(what) + ": " + openssl_error());
}

}  // namespace ccvm

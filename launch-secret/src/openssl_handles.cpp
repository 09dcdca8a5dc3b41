#include "ccvm/launch-secret/openssl_handles.hpp"

#include <openssl/err.h>

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::secret {

void throw_openssl_error(std::string_view what) {
    std::string msg = "OpenSSL: " + std::string(what);
    unsigned long code = ERR_get_error();
    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        msg += ": ";
        msg += buf;
    }
    ERR_clear_error();
    throw SystemError(msg);
}

}  // namespace ccvm::secret

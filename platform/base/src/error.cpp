#include "ccvm/base/error.hpp"

#include <cerrno>
#include <cstring>

#include "ccvm/base/system_error.hpp"

namespace ccvm {

int exit_code(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::mismatch:
            return 1;
        case ErrorKind::input:
            return 2;
        case ErrorKind::system:
            return 3;
    }
    return 3;
}

std::string errno_message(std::string_view what, int err) {
    std::string message(what);
    message += ": ";
    message += std::strerror(err);
    return message;
}

void throw_errno(std::string_view what) { throw SystemError(errno_message(what, errno)); }

}  // namespace ccvm

#include "ccvm/base/error.hpp"

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

}  // namespace ccvm

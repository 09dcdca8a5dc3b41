#include "ccvm/base/unique_fd.hpp"

#include <unistd.h>

namespace ccvm {

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0) (void)::close(fd_);
    fd_ = fd;
}

int UniqueFd::close() noexcept {
    // No retry on EINTR: Linux has released the descriptor whatever close(2) returns.
    return fd_ >= 0 ? ::close(release()) : 0;
}

}  // namespace ccvm

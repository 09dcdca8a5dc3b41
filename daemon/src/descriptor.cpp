#include "ccvm/daemon/descriptor.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "ccvm/base/system_error.hpp"
#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {

namespace {

constexpr std::size_t kInitialBuffer = 64 * 1024;

// Waits until `fd` is readable (or hung up) before `deadline`; false on timeout.
bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline, std::string_view what) {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        const int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n > 0) return true;  // POLLIN, POLLHUP or POLLERR: read() tells which
        if (n < 0 && errno != EINTR)
            throw DaemonError(ErrorCode::invalid_argument,
                              errno_message(std::string(what) + ": cannot wait for data", errno));
    }
}

}  // namespace

secret::SecretBytes read_descriptor(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout,
                                    std::string_view what) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // Grown as data arrives (a limit sized for firmware images is not allocated up front); one spare
    // byte past the limit detects oversized data.
    secret::SecretBytes buf(std::min<std::size_t>(max_bytes + 1, kInitialBuffer));
    std::size_t done = 0;
    for (;;) {
        if (done == buf.size()) {
            if (done > max_bytes) break;
            secret::SecretBytes bigger(std::min<std::size_t>(max_bytes + 1, buf.size() * 2));
            std::memcpy(bigger.mutable_span().data(), buf.data(), done);
            buf = std::move(bigger);
        }
        if (!wait_readable(fd, deadline, what))
            throw DaemonError(ErrorCode::invalid_argument, std::string(what) + ": no end of data within " +
                                                               std::to_string(timeout.count()) +
                                                               " ms (is the writing end of the pipe still open?)");
        const ssize_t n = ::read(fd, buf.data() + done, buf.size() - done);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0)
            throw DaemonError(ErrorCode::invalid_argument, errno_message(std::string(what) + ": read failed", errno));
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    if (done > max_bytes)
        throw DaemonError(ErrorCode::invalid_argument,
                          std::string(what) + ": more than the " + std::to_string(max_bytes) + "-byte limit");
    return secret::SecretBytes(buf.span().first(done));
}

}  // namespace ccvm::daemon

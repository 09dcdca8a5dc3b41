// Reading a descriptor a D-Bus caller passed (InjectSecret's secret, spec files): the caller controls
// the other end, so a pipe whose writer never closes, or endless data, must not hold a worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::daemon {

// How long ccvmd waits for a passed descriptor to reach its end of file.
inline constexpr std::chrono::milliseconds kDescriptorTimeout = std::chrono::seconds(5);

// Reads `fd` until end of file (regular file, pipe or socket) into wiped memory, waiting with poll()
// at most `timeout` in all. Throws DaemonError(invalid_argument) naming `what` when the data has not
// ended by then, when more than `max_bytes` arrive, or on a read error. The descriptor is not closed.
secret::SecretBytes read_descriptor(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout,
                                    std::string_view what);

}  // namespace ccvm::daemon

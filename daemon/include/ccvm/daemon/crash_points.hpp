// Fault injection for the crash-recovery tests: ccvmd kills itself with SIGKILL when it reaches the
// named step (set with the CCVMD_CRASH_AT environment variable; unset in production).
#pragma once

#include <string>

namespace ccvm::daemon {

class CrashPoints {
public:
    CrashPoints() = default;
    explicit CrashPoints(std::string armed) : armed_(std::move(armed)) {}
    void hit(const char* point) const;

private:
    std::string armed_;
};

}  // namespace ccvm::daemon

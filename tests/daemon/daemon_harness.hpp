// A private system-like dbus-daemon loading the shipped bus policy, and ccvmd as a child process on
// it (DBUS_SYSTEM_BUS_ADDRESS), backed by libvirt's test driver. Used by the daemon integration
// tests and the load benchmark; everything lives in one temporary directory removed at the end.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace ccvm::test {

struct HarnessPaths {
    std::filesystem::path ccvmd;       // the built daemon
    std::filesystem::path ccvm;        // the built CLI
    std::filesystem::path bus_policy;  // systemd/org.ccvm.ccvm1.conf from the source tree
};

class DaemonHarness {
public:
    // Creates the directory and starts the bus. `launch_security`: libvirt or simulated.
    // `bus_open_to_all` adds a mandatory bus policy letting every user call ccvmd, so tests can see
    // the daemon's own authorization behind the shipped policy.
    explicit DaemonHarness(HarnessPaths paths, std::string launch_security = "simulated", bool bus_open_to_all = false);
    DaemonHarness(const DaemonHarness&) = delete;
    DaemonHarness& operator=(const DaemonHarness&) = delete;
    // Stops ccvmd and the bus (by PID) and removes the directory.
    ~DaemonHarness();

    // Starts ccvmd and waits for its READY=1 on a NOTIFY_SOCKET of our own. `env` is added (e.g.
    // CCVMD_CRASH_AT). Returns false when ccvmd exited before it was ready.
    bool start_daemon(const std::map<std::string, std::string>& env = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // SIGTERM and wait; returns the exit status (128+signal when killed).
    int stop_daemon();
    // SIGKILL now (a crash at a random point).
    void kill_daemon();
    // Waits for a ccvmd that kills itself (crash point); returns its status, or -1 on timeout.
    int wait_daemon(std::chrono::milliseconds timeout);
    bool daemon_running() const { return daemon_pid_ > 0; }
    // The running ccvmd's PID (memory checks read /proc/<pid>/status); -1 when none runs.
    pid_t daemon_pid() const noexcept { return daemon_pid_; }

    struct Result {
        int exit_code = -1;
        std::string out;
        std::string err;
    };
    // Runs the CLI on this bus; `as_user` runs it through runuser -u USER.
    Result ccvm(const std::vector<std::string>& args, const std::string& as_user = {}) const;
    // Runs another client program on this bus, the same way.
    Result run(const std::filesystem::path& program, const std::vector<std::string>& args,
               const std::string& as_user = {}) const;

    const std::filesystem::path& dir() const noexcept { return tmp_.path(); }
    std::filesystem::path state_dir() const { return tmp_ / "state"; }
    const std::string& bus_address() const noexcept { return bus_address_; }
    std::string daemon_log() const;

private:
    HarnessPaths paths_;
    std::string launch_security_;
    TempDir tmp_;  // removed last, after ccvmd and the bus are stopped
    std::string bus_address_;
    pid_t bus_pid_ = -1;
    pid_t daemon_pid_ = -1;
};

// An unprivileged account in ccvmd's administrators' group `ccvm` (the group of the shipped bus policy),
// created once when running as root: the caller the least-privilege tests act as. Returns the user
// name, or nothing with `why` set (not root, or useradd/groupadd failed): tests then skip saying why.
std::optional<std::string> admin_test_user(std::string& why);

// A spec of a plain (no TEE) VM on the test hypervisor, with a dummy kernel in the harness directory.
std::string plain_spec(const DaemonHarness& h, const std::string& name);
// Writes `text` as <harness dir>/<name>.yaml and returns that path.
std::filesystem::path write_spec(const DaemonHarness& h, const std::string& name, const std::string& text);

// Writes `content` to `path` with `mode`.
void write_file(const std::filesystem::path& path, const std::string& content, unsigned mode = 0644);

}  // namespace ccvm::test

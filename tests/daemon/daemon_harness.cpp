#include "daemon_harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "ccvm/base/unique_fd.hpp"
#include "support/process.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace ccvm::test {

namespace {

std::string read_all(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The stock <policy context="default"> block of the distribution's system bus (default deny).
std::string stock_default_policy() {
    const std::string stock = read_all("/usr/share/dbus-1/system.conf");
    const auto from = stock.find("<policy context=\"default\">");
    const auto to = stock.find("</policy>", from);
    if (from == std::string::npos || to == std::string::npos)
        throw std::runtime_error("no default policy in /usr/share/dbus-1/system.conf");
    return stock.substr(from, to + 9 - from);
}

}  // namespace

std::optional<std::string> admin_test_user(std::string& why) {
    static constexpr const char* kUser = "ccvm-tester";
    if (::geteuid() != 0) {
        why = "needs root to create the unprivileged test account in group ccvm";
        return std::nullopt;
    }
    if (run_process({"/usr/bin/getent", "group", "ccvm"}).exit_code != 0 &&
        run_process({"/usr/sbin/groupadd", "--system", "ccvm"}).exit_code != 0) {
        why = "groupadd ccvm failed";
        return std::nullopt;
    }
    if (run_process({"/usr/bin/id", "-u", kUser}).exit_code != 0 &&
        run_process({"/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups",
                     "ccvm", kUser})
                .exit_code != 0) {
        why = "useradd ccvm-tester failed";
        return std::nullopt;
    }
    // An account left from an earlier run may have lost the group.
    if (run_process({"/usr/sbin/usermod", "--append", "--groups", "ccvm", kUser}).exit_code != 0) {
        why = "usermod ccvm-tester failed";
        return std::nullopt;
    }
    return std::string(kUser);
}

std::string plain_spec(const DaemonHarness& h, const std::string& name) {
    const fs::path kernel = h.dir() / "vmlinuz";
    if (!fs::exists(kernel)) write_file(kernel, std::string(4096, 'k'));
    return "name: " + name + "\ntee: none\nvcpus: 1\nmemory: 256M\nkernel: " + kernel.string() +
           "\nlibvirt:\n  domain-type: test\n";
}

fs::path write_spec(const DaemonHarness& h, const std::string& name, const std::string& text) {
    const fs::path p = h.dir() / (name + ".yaml");
    write_file(p, text);
    return p;
}

void write_file(const fs::path& path, const std::string& content, unsigned mode) {
    fs::remove(path);
    std::ofstream(path) << content;
    ::chmod(path.c_str(), mode);
}

DaemonHarness::DaemonHarness(HarnessPaths paths, std::string launch_security, bool bus_open_to_all)
    : paths_(std::move(paths)), launch_security_(std::move(launch_security)) {
    // Unprivileged test users reach the bus socket and the spec files through this directory.
    ::chmod(dir().c_str(), 0755);
    fs::create_directories(dir() / "system.d");
    fs::copy_file(paths_.bus_policy, dir() / "system.d" / "org.ccvm.ccvm1.conf");
    if (bus_open_to_all)
        write_file(dir() / "system.d" / "zz-open.conf",
                   "<busconfig><policy context=\"mandatory\"><allow send_destination=\"org.ccvm.ccvm1\"/>"
                   "</policy></busconfig>\n");
    write_file(dir() / "system.conf",
               "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
               " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n<busconfig>\n"
               "  <type>system</type>\n  <auth>EXTERNAL</auth>\n"
               "  <listen>unix:path=" +
                   (dir() / "system_bus_socket").string() + "</listen>\n  " + stock_default_policy() +
                   "\n  <includedir>" + (dir() / "system.d").string() + "</includedir>\n</busconfig>\n");
    write_file(dir() / "ccvmd.yaml", "libvirt_uri: test:///default\nstate_dir: " + state_dir().string() +
                                         "\nlaunch_security: " + launch_security_ + "\nlog_level: debug\n");
    const ProcessResult bus = run_process({"/usr/bin/dbus-daemon", "--config-file=" + (dir() / "system.conf").string(),
                                           "--fork", "--print-address=1", "--print-pid=1", "--nopidfile"});
    std::istringstream lines(bus.out);
    std::string pid;
    std::getline(lines, bus_address_);
    std::getline(lines, pid);
    if (bus.exit_code != 0 || bus_address_.empty() || pid.empty())
        throw std::runtime_error("dbus-daemon did not start: " + bus.err);
    bus_pid_ = static_cast<pid_t>(std::stol(pid));
}

DaemonHarness::~DaemonHarness() {
    if (daemon_pid_ > 0) stop_daemon();
    if (bus_pid_ > 0) ::kill(bus_pid_, SIGTERM);
}

bool DaemonHarness::start_daemon(const std::map<std::string, std::string>& env, std::chrono::milliseconds timeout) {
    // Our own NOTIFY_SOCKET: ccvmd is ready when it says READY=1 there (Type=notify).
    const fs::path notify_path = dir() / "notify.sock";
    fs::remove(notify_path);
    const UniqueFd notify(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, notify_path.c_str(), sizeof addr.sun_path - 1);
    if (!notify.valid() || ::bind(notify.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("cannot bind the notify socket");

    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string kv = *e;
        const auto eq = kv.find('=');
        if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    merged.erase("JOURNAL_STREAM");
    merged["DBUS_SYSTEM_BUS_ADDRESS"] = bus_address_;
    merged["NOTIFY_SOCKET"] = notify_path.string();
    for (const auto& [k, v] : env) merged[k] = v;
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = {paths_.ccvmd.string(), "--config", (dir() / "ccvmd.yaml").string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (dir() / "ccvmd.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&daemon_pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        daemon_pid_ = -1;
        throw std::runtime_error("cannot start ccvmd: " + std::string(std::strerror(rc)));
    }

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool ready = false;
    while (!ready && std::chrono::steady_clock::now() < deadline) {
        pollfd p{notify.get(), POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
            char buf[512];
            const ssize_t n = ::recv(notify.get(), buf, sizeof buf, 0);
            if (n > 0 && std::string(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos)
                ready = true;
        }
        int status = 0;
        if (!ready && ::waitpid(daemon_pid_, &status, WNOHANG) == daemon_pid_) {
            daemon_pid_ = -1;
            break;
        }
    }
    return ready;
}

int DaemonHarness::stop_daemon() {
    if (daemon_pid_ <= 0) return -1;
    ::kill(daemon_pid_, SIGTERM);
    const int status = wait_daemon(std::chrono::seconds(30));
    if (status == -1) kill_daemon();
    return status;
}

void DaemonHarness::kill_daemon() {
    if (daemon_pid_ <= 0) return;
    ::kill(daemon_pid_, SIGKILL);
    int status = 0;
    ::waitpid(daemon_pid_, &status, 0);
    daemon_pid_ = -1;
}

int DaemonHarness::wait_daemon(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (daemon_pid_ > 0) {
        int status = 0;
        if (::waitpid(daemon_pid_, &status, WNOHANG) == daemon_pid_) {
            daemon_pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if (std::chrono::steady_clock::now() > deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

DaemonHarness::Result DaemonHarness::ccvm(const std::vector<std::string>& args, const std::string& as_user) const {
    return run(paths_.ccvm, args, as_user);
}

DaemonHarness::Result DaemonHarness::run(const fs::path& program, const std::vector<std::string>& args,
                                         const std::string& as_user) const {
    std::vector<std::string> argv;
    if (!as_user.empty()) {
        argv = {"/usr/sbin/runuser", "-u", as_user, "--", "/usr/bin/env", "DBUS_SYSTEM_BUS_ADDRESS=" + bus_address_};
    }
    argv.push_back(program.string());
    argv.insert(argv.end(), args.begin(), args.end());
    const ProcessResult r = run_process(argv, {{"DBUS_SYSTEM_BUS_ADDRESS", bus_address_}});
    return {r.exit_code, r.out, r.err};
}

std::string DaemonHarness::daemon_log() const { return read_all(dir() / "ccvmd.log"); }

}  // namespace ccvm::test

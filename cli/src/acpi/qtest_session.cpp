#include "acpi/qtest_session.hpp"
#include "ccvm/base/hex_number.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/system_error.hpp"

extern char** environ;

namespace ccvm::cli {

QtestSession::QtestSession(std::vector<std::string> argv) : program_(argv.at(0)) {
    argv.push_back("-qtest");
    argv.push_back("stdio");
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe");
    UniqueFd qemu_stdin(fds[0]);
    to_qemu_.reset(fds[1]);
    if (pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe");
    from_qemu_.reset(fds[0]);
    UniqueFd qemu_stdout(fds[1]);
    // QEMU's stderr goes to an anonymous file so a large error text can never block it.
    stderr_file_.reset(memfd_create("qemu-stderr", MFD_CLOEXEC));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, qemu_stdin.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, qemu_stdout.get(), 1);
    if (stderr_file_.valid()) posix_spawn_file_actions_adddup2(&actions, stderr_file_.get(), 2);
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const int rc = posix_spawnp(&pid_, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        pid_ = -1;
        throw SystemError(errno_message("cannot start " + program_, rc));
    }
    signal(SIGPIPE, SIG_IGN);  // a dying QEMU must surface as an error, not kill ccvm
}

QtestSession::~QtestSession() {
    to_qemu_.reset();  // EOF on the qtest channel makes QEMU exit
    from_qemu_.reset();
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        int status = 0;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    }
}

void QtestSession::fail(const std::string& what) {
    std::string err;
    if (stderr_file_.valid()) {
        char buf[1024];
        ssize_t n = pread(stderr_file_.get(), buf, sizeof buf - 1, 0);
        if (n > 0) err.assign(buf, static_cast<std::size_t>(n));
        while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
        for (char& c : err)
            if (c == '\n') c = ' ';
    }
    throw SystemError(program_ + " (qtest): " + what + (err.empty() ? "" : ": " + err));
}

std::string QtestSession::read_line() {
    for (;;) {
        const std::size_t nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        char buf[65536];
        const ssize_t n = ::read(from_qemu_.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("exited before answering");
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
}

std::string QtestSession::command(const std::string& line) {
    const std::string msg = line + "\n";
    std::size_t done = 0;
    while (done < msg.size()) {
        const ssize_t n = ::write(to_qemu_.get(), msg.data() + done, msg.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("exited while receiving '" + line.substr(0, 40) + "'");
        done += static_cast<std::size_t>(n);
    }
    for (;;) {
        std::string reply = read_line();
        if (reply.rfind("IRQ", 0) == 0) continue;  // asynchronous interrupt notifications
        if (reply == "OK") return {};
        if (reply.rfind("OK ", 0) == 0) return reply.substr(3);
        fail("'" + line.substr(0, 40) + "' answered '" + reply.substr(0, 200) + "'");
    }
}

void QtestSession::outb(std::uint16_t port, std::uint8_t value) {
    command("outb " + hex_number(port) + " " + hex_number(value));
}
void QtestSession::outw(std::uint16_t port, std::uint16_t value) {
    command("outw " + hex_number(port) + " " + hex_number(value));
}
void QtestSession::outl(std::uint16_t port, std::uint32_t value) {
    command("outl " + hex_number(port) + " " + hex_number(value));
}

void QtestSession::write_memory(std::uint64_t addr, ByteSpan data) {
    command("write " + hex_number(addr) + " " + hex_number(data.size()) + " 0x" + to_hex(data));
}

Bytes QtestSession::read_memory(std::uint64_t addr, std::size_t size) {
    std::string reply = command("read " + hex_number(addr) + " " + hex_number(size));
    Bytes out = from_hex(reply, "qtest read reply");
    if (out.size() != size) fail("read of " + std::to_string(size) + " bytes returned " + std::to_string(out.size()));
    return out;
}

}  // namespace ccvm::cli

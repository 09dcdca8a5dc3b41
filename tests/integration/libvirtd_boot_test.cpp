// A plain guest rendered from a `tee: none` spec boots under a hand-started libvirtd (TCG) and powers
// itself off (libvirt.md §5-§7). Every daemon the test starts is stopped by PID; the domain is undefined.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "ccvm/base/mapped_file.hpp"
#include "ccvm/libvirt/connection.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "support/process.hpp"

namespace ccvm::platform {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using libvirt::Domain;
using libvirt::DomainEvent;
using libvirt::DomainState;
using libvirt::LibvirtConnection;
using libvirt::LifecycleEvent;

class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "ccvm-it-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
        ::chmod(path_.c_str(), 0755);  // QEMU runs as libvirt-qemu and must reach kernel and initrd
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// A daemon started by this test, stopped by its PID (SIGTERM, then SIGKILL after 10 s).
class Daemon {
public:
    explicit Daemon(std::vector<std::string> argv, const fs::path& log) {
        pid_ = ::fork();
        if (pid_ == 0) {
            std::FILE* out = std::freopen(log.c_str(), "a", stderr);
            if (out != nullptr) ::dup2(::fileno(stderr), STDOUT_FILENO);
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
    }
    ~Daemon() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(100ms);
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;
    bool running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

private:
    pid_t pid_ = -1;
};

std::optional<fs::path> debian_kernel() {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/boot", ec))
        if (e.path().filename().string().starts_with("vmlinuz-")) return e.path();
    return std::nullopt;
}

// A busybox initramfs whose /init prints a marker and powers the guest off (libvirt.md §6).
fs::path build_initramfs(const fs::path& dir) {
    fs::path root = dir / "initramfs";
    fs::create_directories(root / "bin");
    fs::create_directories(root / "proc");
    fs::create_directories(root / "sys");
    fs::copy_file("/bin/busybox", root / "bin" / "busybox");
    {
        std::ofstream init(root / "init");
        init << "#!/bin/busybox sh\n"
                "/bin/busybox mount -t proc proc /proc\n"
                "/bin/busybox mount -t sysfs sys /sys\n"
                "echo CCVM-GUEST: hello\n"
                "/bin/busybox poweroff -f\n";
    }
    ::chmod((root / "init").c_str(), 0755);
    fs::path img = dir / "initrd.img";
    auto r = test::run_process(
        {"/bin/sh", "-c", "cd '" + root.string() + "' && find . | cpio -o -H newc --quiet > '" + img.string() + "'"});
    if (r.exit_code != 0) throw std::runtime_error("cpio failed: " + r.err);
    ::chmod(img.c_str(), 0644);
    return img;
}

class Events {
public:
    void add(const DomainEvent& e) {
        std::lock_guard lock(mu_);
        seen_.push_back(e.event);
        cv_.notify_all();
    }
    bool wait_for(LifecycleEvent ev, std::chrono::seconds timeout) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] { return std::find(seen_.begin(), seen_.end(), ev) != seen_.end(); });
    }
    std::vector<LifecycleEvent> seen() {
        std::lock_guard lock(mu_);
        return seen_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<LifecycleEvent> seen_;
};

TEST(LibvirtdBoot, PlainGuestStartsAndPowersOffByItself) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: libvirtd's QEMU driver runs privileged";
    auto kernel_src = debian_kernel();
    if (!kernel_src || !fs::exists("/usr/sbin/libvirtd") || !fs::exists("/usr/bin/qemu-system-x86_64"))
        GTEST_SKIP() << "needs linux-image-amd64, libvirt-daemon-system and qemu-system-x86";

    TempDir dir;
    fs::create_directories(dir.path() / "run");
    fs::create_directories(dir.path() / "log");
    // libvirt relabels the boot files for the guest; private copies keep /boot untouched.
    fs::path kernel = dir.path() / "vmlinuz";
    fs::copy_file(*kernel_src, kernel);
    ::chmod(kernel.c_str(), 0644);
    fs::path initrd = build_initramfs(dir.path());
    fs::path serial = dir.path() / "serial.log";

    fs::path conf = dir.path() / "libvirtd.conf";
    std::ofstream(conf) << "unix_sock_dir = \"" << (dir.path() / "run").string() << "\"\n"
                        << "unix_sock_group = \"root\"\n"
                        << "unix_sock_ro_perms = \"0777\"\n"
                        << "unix_sock_rw_perms = \"0770\"\n"
                        << "auth_unix_ro = \"none\"\n"
                        << "auth_unix_rw = \"none\"\n"
                        << "log_outputs = \"3:file:" << (dir.path() / "log" / "libvirtd.log").string() << "\"\n";

    Daemon virtlogd({"/usr/sbin/virtlogd", "-p", (dir.path() / "virtlogd.pid").string()},
                    dir.path() / "log" / "virtlogd.out");
    Daemon libvirtd({"/usr/sbin/libvirtd", "-f", conf.string(), "-p", (dir.path() / "libvirtd.pid").string()},
                    dir.path() / "log" / "libvirtd.out");
    fs::path sock = dir.path() / "run" / "libvirt-sock";
    for (int i = 0; i < 200 && !fs::exists(sock); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(fs::exists(sock)) << "libvirtd did not create its socket";
    ASSERT_TRUE(libvirtd.running());

    std::string name = "ccvm-it-" + std::to_string(::getpid());
    std::string yaml =
        "name: " + name + "\ntee: none\nvcpus: 1\nmemory: 256M\nmachine: pc\nkernel: " + kernel.string() +
        "\ninitrd: " + initrd.string() + "\ncmdline: console=ttyS0 panic=-1 quiet\nserial-log: " + serial.string() +
        "\nlibvirt:\n  uri: qemu:///system?socket=" + sock.string() + "\n  domain-type: qemu\n";
    VmSpec spec = parse_vm_spec(yaml, "boot.yaml");
    check_spec_inputs(spec);

    auto conn = LibvirtConnection::open(spec.libvirt_uri);
    Events events;
    auto sub = conn.subscribe_lifecycle([&](const DomainEvent& e) {
        if (e.domain == name) events.add(e);
    });
    Domain dom = conn.define_domain(render_domain_xml(spec));
    struct Cleanup {
        LibvirtConnection& conn;
        std::string name;
        ~Cleanup() {
            try {
                if (auto d = conn.lookup_domain(name)) {
                    if (d->state() != DomainState::shutoff) d->destroy();
                    d->undefine();
                }
            } catch (const std::exception&) {}
        }
    } cleanup{conn, name};

    dom.start(false);
    ASSERT_TRUE(events.wait_for(LifecycleEvent::started, 60s));
    ASSERT_TRUE(events.wait_for(LifecycleEvent::stopped, 240s)) << "the guest did not power off; serial log:\n"
                                                                << (fs::exists(serial) ? read_text_file(serial) : "");
    EXPECT_EQ(dom.state(), DomainState::shutoff);
    EXPECT_NE(read_text_file(serial).find("CCVM-GUEST: hello"), std::string::npos);
    auto seen = events.seen();
    EXPECT_NE(std::find(seen.begin(), seen.end(), LifecycleEvent::defined), seen.end());
    EXPECT_NE(std::find(seen.begin(), seen.end(), LifecycleEvent::shutdown), seen.end());  // guest-initiated

    dom.undefine();
    EXPECT_FALSE(conn.lookup_domain(name).has_value());
}

}  // namespace
}  // namespace ccvm::platform

// ccvmd against a hostile caller (issue "least privilege and honest verdicts"): the real daemon on a
// private bus with the shipped policy and libvirt's test driver, driven by the real CLI (and busctl
// where a call needs a descriptor the CLI would not pass), as root, as an unprivileged member of the
// admin group and as `nobody`.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sdbus-c++/sdbus-c++.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "ccvm/base/json.hpp"
#include "ccvm/base/unique_fd.hpp"
#include "daemon_harness.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;

namespace ccvm::test {
namespace {

HarnessPaths paths() { return {CCVMD_PATH, CCVM_CLI_PATH, CCVM_BUS_POLICY}; }

constexpr const char* kGuid = "736869e5-84f0-4973-92ec-06879ce3da0b";

void create(const DaemonHarness& h, const std::string& name) {
    const auto r = h.ccvm({"create", write_spec(h, name, plain_spec(h, name)).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

// A forked child that calls InjectSecret on `vm` as `user`, passing `fifo` opened for reading (the
// CLI only passes regular files, busctl no descriptors); it writes the answer to `log`.
class InjectCall {
public:
    InjectCall(const std::string& user, const std::string& bus, const std::string& vm, const fs::path& fifo,
               const fs::path& log)
        : log_(log) {
        const passwd* pw = ::getpwnam(user.c_str());
        if (pw == nullptr) return;
        const uid_t uid = pw->pw_uid;
        const gid_t gid = pw->pw_gid;
        pid_ = ::fork();
        if (pid_ != 0) return;
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int fd = ::open(fifo.c_str(), O_RDONLY | O_CLOEXEC);
        std::string answer = "ok";
        if (out < 0 || fd < 0 || ::initgroups(user.c_str(), gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) {
            answer = "cannot become " + user;
        } else {
            ::setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.c_str(), 1);
            try {
                auto connection = sdbus::createSystemBusConnection();
                auto proxy = sdbus::createProxy(*connection, "org.ccvm.ccvm1", "/org/ccvm/ccvm1/vm/" + vm);
                proxy->callMethod("InjectSecret")
                    .onInterface("org.ccvm.ccvm1.VM")
                    .withTimeout(std::chrono::seconds(60))
                    .withArguments(std::string(kGuid), sdbus::UnixFd(fd));
            } catch (const sdbus::Error& e) {
                answer = e.getName() + ": " + e.getMessage();
            }
        }
        if (out >= 0) (void)!::write(out, answer.data(), answer.size());
        ::_exit(answer == "ok" ? 0 : 1);
    }
    InjectCall(const InjectCall&) = delete;
    InjectCall& operator=(const InjectCall&) = delete;
    ~InjectCall() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    // Exit status, or -1 when it did not start.
    int wait() {
        if (pid_ <= 0) return -1;
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::string output() const { return read_all(log_); }

private:
    fs::path log_;
    pid_t pid_ = -1;
};

// A "VmXxx:" line of /proc/<pid>/status in KiB.
std::size_t status_kib(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0) return std::stoul(line.substr(field.size() + 1));
    return 0;
}

#define REQUIRE_ADMIN_USER(user)                    \
    std::string why_skipped;                        \
    const auto user = admin_test_user(why_skipped); \
    if (!user) GTEST_SKIP() << why_skipped

// Item 2: parsing guest evidence is for root and the admin group; plain Attest stays open; evidence
// is capped at 1 MiB.
TEST(Hardening, AttestEvidenceNeedsTheAdminGroupAndIsCapped) {
    REQUIRE_ADMIN_USER(admin);
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    create(h, "vm1");
    const fs::path quote = source_dir() / "tests/data/tdx/trustee-quote-v4.dat";
    const fs::path evidence = h.dir() / "quote.dat";
    fs::copy_file(quote, evidence);
    fs::permissions(evidence, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);

    auto r = h.ccvm({"attest", "vm1", "--json"}, "nobody");
    EXPECT_EQ(r.exit_code, 0) << r.err;  // the recorded verdict: open to every local user
    r = h.ccvm({"attest", "vm1", "--evidence", evidence.string()}, "nobody");
    EXPECT_EQ(r.exit_code, 3) << r.out;
    EXPECT_NE(r.err.find("uid 65534 may not verify guest evidence"), std::string::npos) << r.err;

    // A member gets past the authorization (the VM has no TEE, so the verifier answers instead).
    r = h.ccvm({"attest", "vm1", "--evidence", evidence.string()}, *admin);
    EXPECT_EQ(r.err.find("may not"), std::string::npos) << r.err;

    const fs::path big = h.dir() / "big.dat";
    write_file(big, std::string((1u << 20) + 1, 'x'));
    r = h.ccvm({"attest", "vm1", "--evidence", big.string()}, *admin);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "ccvm: error: Attest evidence of 1048577 bytes is larger than the 1048576-byte (1 MiB) limit\n");
}

// Item 3: a verdict over skipped checks is "skipped", never "verified", and says what was skipped;
// the exit status stays 0 as no check that ran failed.
TEST(Hardening, SkippedChecksAreNeverVerified) {
    const std::string token = (source_dir() / "tests/data/cca/tf-rmm-token.cbor").string();
    auto r = run_process({CCVM_CLI_PATH, "attest", "verify-report", "--mode", "cca", "--token", token,
                          "--no-signature-check", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value out = json::parse(r.out, "verify-report");
    EXPECT_FALSE(json::get_bool(json::at(out, "verified")));
    EXPECT_EQ(json::get_string(json::at(out, "verdict")), "skipped");
    bool saw_signatures = false;
    for (const json::Value& c : json::get_array(json::at(out, "checks"))) {
        const std::string status = json::get_string(json::at(c, "status"));
        EXPECT_TRUE(status == "passed" || status == "skipped") << json::dump(c);
        EXPECT_EQ(json::get_bool(json::at(c, "ok")), status != "failed");
        if (json::get_string(json::at(c, "name")) == "signatures") {
            saw_signatures = true;
            EXPECT_EQ(status, "skipped");
        }
    }
    EXPECT_TRUE(saw_signatures) << r.out;

    r = run_process(
        {CCVM_CLI_PATH, "attest", "verify-report", "--mode", "cca", "--token", token, "--no-signature-check"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("skipped: not every check ran\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("  signatures skipped: not checked (--no-signature-check)"), std::string::npos) << r.out;
}

// Item 4: secret pipes whose writer never closes, sent by one member to 20 VMs, neither block root's
// calls nor hang: each fails with a clear error, at once (over the caller's share) or at the deadline.
TEST(Hardening, HeldOpenDescriptorsDoNotStarveTheDaemon) {
    REQUIRE_ADMIN_USER(admin);
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    constexpr int kVms = 20;
    for (int i = 0; i < kVms; ++i) create(h, "vm" + std::to_string(i));

    // Each call passes the reading end of a FIFO whose writing end the test holds open throughout.
    const fs::path fifo = h.dir() / "secret.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const UniqueFd writer(::open(fifo.c_str(), O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(writer.valid());
    ASSERT_EQ(::write(writer.get(), "partial", 7), 7);
    std::vector<std::unique_ptr<InjectCall>> calls;
    for (int i = 0; i < kVms; ++i) {
        const std::string vm = "vm" + std::to_string(i);
        calls.push_back(
            std::make_unique<InjectCall>(*admin, h.bus_address(), vm, fifo, h.dir() / ("inject-" + vm + ".log")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));

    const auto t0 = std::chrono::steady_clock::now();
    const auto r = h.ccvm({"create", write_spec(h, "rootvm", plain_spec(h, "rootvm")).string()});
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(took, std::chrono::seconds(3)) << "root's CreateVM waited behind the member's calls";

    std::size_t busy = 0;
    std::size_t timed_out = 0;
    for (auto& c : calls) {
        EXPECT_NE(c->wait(), 0);
        const std::string out = c->output();
        if (out.find("busy: too many calls in flight from uid") != std::string::npos)
            ++busy;
        else if (out.find("the InjectSecret descriptor: no end of data within 5000 ms") != std::string::npos)
            ++timed_out;
        else
            ADD_FAILURE() << "unexpected answer: " << out;
    }
    EXPECT_GT(busy, 0u);
    EXPECT_GT(timed_out, 0u);
    EXPECT_EQ(busy + timed_out, static_cast<std::size_t>(kVms));
}

// Item 5: deeply nested YAML is refused before yaml-cpp builds it: eight concurrent CreateVM calls
// of "[" x 500000 fail fast, and ccvmd's memory stays bounded and returns near its baseline.
TEST(Hardening, DeepYamlIsRefusedWithoutGrowingMemory) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    const pid_t pid = h.daemon_pid();
    const std::size_t baseline = status_kib(pid, "VmRSS");
    ASSERT_GT(baseline, 0u);
    const fs::path spec = write_spec(h, "deep", std::string(500000, '['));
    std::vector<DaemonHarness::Result> results(8);
    std::vector<std::thread> threads;
    const auto t0 = std::chrono::steady_clock::now();
    for (auto& result : results)
        threads.emplace_back([&h, &spec, &result] { result = h.ccvm({"create", spec.string()}); });
    for (auto& t : threads) t.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
    for (const auto& r : results) {
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_NE(r.err.find(spec.string() + ":1: more than 1024 '[' or '{' (nesting too deep)"), std::string::npos)
            << r.err;
    }
    const std::size_t peak = status_kib(pid, "VmHWM");
    const std::size_t after = status_kib(pid, "VmRSS");
    EXPECT_LT(peak, 200u * 1024) << "peak RSS " << peak << " KiB";
    EXPECT_LT(after, baseline + 32u * 1024) << "RSS " << after << " KiB after, " << baseline << " KiB before";
}

// Item 6: broken or conflicting records are quarantined at start-up instead of stopping ccvmd, shown
// by `list --all`, and their names stay free for create.
TEST(Hardening, BrokenRecordsAreQuarantined) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    create(h, "vm1");
    create(h, "vm2");
    ASSERT_EQ(h.stop_daemon(), 0);
    const fs::path vms = h.state_dir() / "vms";
    fs::copy(vms / "vm1", vms / "vm3", fs::copy_options::recursive);  // a second record claiming vm1
    fs::create_directory(vms / "vm4");
    fs::copy(vms / "vm2", vms / "vm4", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    write_file(vms / "vm4" / "state.json", "{\"name\": \"vm4\", ");  // unparsable
    std::string state = read_all(vms / "vm2" / "state.json");
    fs::create_directory(vms / "vm5");
    fs::copy(vms / "vm2", vms / "vm5", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    state.replace(state.find("\"vm2\""), 5, "\"vm5\"");
    state.insert(state.find('{') + 1, "\"owner\": \"mallory\",");  // unknown field
    write_file(vms / "vm5" / "state.json", state);
    write_file(vms / "vm6", "not a directory");

    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    auto r = h.ccvm({"list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> names;
    const json::Value listed = json::parse(r.out, "list");
    for (const json::Value& vm : json::get_array(listed)) names.push_back(json::get_string(json::at(vm, "name")));
    EXPECT_EQ(names, (std::vector<std::string>{"vm1", "vm2"}));

    r = h.ccvm({"list", "--all", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::string> quarantined;
    const json::Value all = json::parse(r.out, "list --all");
    for (const json::Value& vm : json::get_array(all))
        if (json::get_string(json::at(vm, "state")) == "quarantined")
            quarantined[json::get_string(json::at(vm, "name")).substr(0, 3)] = json::get_string(json::at(vm, "reason"));
    ASSERT_EQ(quarantined.size(), 4u) << r.out;
    EXPECT_NE(quarantined["vm3"].find("its record names VM 'vm1', not 'vm3'"), std::string::npos) << quarantined["vm3"];
    EXPECT_NE(quarantined["vm4"].find("state.json"), std::string::npos) << quarantined["vm4"];
    EXPECT_NE(quarantined["vm5"].find("unknown field 'owner'"), std::string::npos) << quarantined["vm5"];
    EXPECT_EQ(quarantined["vm6"], "not a VM directory");
    r = h.ccvm({"list", "--all"});
    EXPECT_NE(r.out.find("quarantined: its record names VM 'vm1'"), std::string::npos) << r.out;
    const std::string log = h.daemon_log();
    EXPECT_EQ(count(log, "state: quarantined "), 4u) << log;
    EXPECT_EQ(std::distance(fs::directory_iterator(h.state_dir() / "quarantine"), fs::directory_iterator{}), 8);

    // The names are free again and consistent across status, create and remove.
    EXPECT_EQ(h.ccvm({"status", "vm3"}).exit_code, 2);
    for (const char* name : {"vm3", "vm4", "vm5", "vm6"}) {
        r = h.ccvm({"create", write_spec(h, name, plain_spec(h, name)).string()});
        EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
        EXPECT_EQ(h.ccvm({"remove", name}).exit_code, 0) << name;
    }
    EXPECT_EQ(h.ccvm({"remove", "vm1"}).exit_code, 0);
    EXPECT_EQ(h.stop_daemon(), 0);
}

// Item 7: the temporary files of interrupted writes do not outlive a restart.
TEST(Hardening, TempFilesOfInterruptedWritesAreRemovedAtStart) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    create(h, "vm1");
    h.kill_daemon();
    const fs::path dir = h.state_dir() / "vms/vm1";
    for (const char* tmp : {".state.json.tmp", ".session.b64.tmp", ".godh.b64.tmp", ".domain.xml.tmp"})
        write_file(dir / tmp, "half written", 0600);
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    for (const auto& item : fs::directory_iterator(dir))
        EXPECT_FALSE(item.path().filename().string().ends_with(".tmp")) << item.path();
    EXPECT_EQ(h.ccvm({"status", "vm1"}).exit_code, 0);
}

// Item 7: every refused or failed mutating call is logged once with uid, method, VM and outcome,
// never the secret; messages escape control characters and bound the input they repeat.
TEST(Hardening, RefusedAndFailedCallsAreAuditedAndMessagesEscaped) {
    DaemonHarness h(paths(), "simulated", /*bus_open_to_all=*/true);
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    create(h, "vm1");
    const fs::path spec = write_spec(h, "vm2", plain_spec(h, "vm2"));
    fs::permissions(spec, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);

    auto r = h.ccvm({"create", spec.string()}, "nobody");  // refused by ccvmd itself
    EXPECT_EQ(r.exit_code, 3) << r.err;
    r = h.ccvm({"destroy", "vm1"});  // not running: fails
    EXPECT_EQ(r.exit_code, 2) << r.err;
    const fs::path secret = h.dir() / "secret.bin";
    write_file(secret, "TOPSECRET-4f1d", 0600);
    r = h.ccvm({"inject", "vm1", "--guid", kGuid, "--file", secret.string()});  // not paused: fails
    EXPECT_EQ(r.exit_code, 2) << r.err;

    const std::string log = h.daemon_log();
    EXPECT_EQ(count(log, "audit: uid 65534 CreateVM vm -: refused: org.ccvm.ccvm1.Error.AccessDenied"), 1u) << log;
    EXPECT_EQ(count(log, "audit: uid 0 Destroy vm vm1: failed: org.ccvm.ccvm1.Error.InvalidState"), 1u) << log;
    EXPECT_EQ(count(log, "audit: uid 0 InjectSecret vm vm1: failed: org.ccvm.ccvm1.Error.InvalidState"), 1u) << log;
    EXPECT_EQ(log.find("TOPSECRET"), std::string::npos);

    // A name with a terminal escape and a newline, then one of 10000 characters.
    const std::string evil = "name: \"a\\e[31mred\\nline\"\nmemory: 256M\n";
    r = h.ccvm({"create", write_spec(h, "evil", evil).string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("got 'a\\x1b[31mred\\nline'"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
    EXPECT_EQ(count(r.err, "\n"), 1u) << r.err;
    r = h.ccvm({"create", write_spec(h, "long", "name: " + std::string(10000, 'n') + "\nmemory: 256M\n").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("got '" + std::string(200, 'n') + "...'"), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 600u) << r.err;
}

}  // namespace
}  // namespace ccvm::test

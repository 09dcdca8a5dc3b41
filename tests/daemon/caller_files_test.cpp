// ccvmd acts on a spec's files only with its caller's own rights (issue "confused deputy"): as an
// unprivileged member of group ccvm, through the real daemon on a private bus with the shipped
// policy, a file the caller cannot open is never read, measured, injected or handed to libvirt,
// and every such refusal reads the same whatever the reason.
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "daemon_harness.hpp"
#include "support/paths.hpp"

namespace fs = std::filesystem;

namespace ccvm::test {
namespace {

HarnessPaths paths() { return {CCVMD_PATH, CCVM_CLI_PATH, CCVM_BUS_POLICY}; }

// OVMF with a footer table (Debian's ovmf package): a firmware whose SEV launch digest ccvm computes.
const fs::path kOvmf = "/usr/share/OVMF/OVMF_CODE_4M.fd";
constexpr const char* kLuksGuid = "736869e5-84f0-4973-92ec-06879ce3da0b";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

class CallerFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string why;
        const auto user = admin_test_user(why);
        if (!user) GTEST_SKIP() << why;
        if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
        user_ = *user;
        const passwd* pw = ::getpwnam(user_.c_str());
        ASSERT_NE(pw, nullptr);
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        h_ = std::make_unique<DaemonHarness>(paths());
        ASSERT_TRUE(h_->start_daemon()) << h_->daemon_log();
        firmware_ = readable("ovmf.fd");
        fs::copy_file(kOvmf, firmware_, fs::copy_options::overwrite_existing);
    }

    // Root's files: readable by everyone, or by root only.
    fs::path readable(const std::string& name, const std::string& content = "x") const {
        write_file(h_->dir() / name, content, 0644);
        return h_->dir() / name;
    }
    fs::path root_only(const std::string& name, const std::string& content = "x") const {
        write_file(h_->dir() / name, content, 0600);
        return h_->dir() / name;
    }
    // A file or directory of the test user's own.
    fs::path owned(const fs::path& path, unsigned mode) const {
        EXPECT_EQ(::chown(path.c_str(), uid_, gid_), 0);
        EXPECT_EQ(::chmod(path.c_str(), mode), 0);
        return path;
    }

    std::string sev_spec(const std::string& name, const fs::path& firmware, const std::string& extra = "") const {
        return "name: " + name +
               "\ntee:\n  type: sev\n  policy: 0x1\nvcpus: 1\nmemory: 512M\nfirmware: " + firmware.string() +
               "\nlibvirt:\n  domain-type: test\n" + extra;
    }
    std::string plain_spec(const std::string& name, const std::string& extra) const {
        const fs::path kernel = h_->dir() / "vmlinuz";
        if (!fs::exists(kernel)) write_file(kernel, std::string(4096, 'k'), 0644);
        return "name: " + name + "\ntee: none\nvcpus: 1\nmemory: 256M\nkernel: " + kernel.string() +
               "\nlibvirt:\n  domain-type: test\n" + extra;
    }
    fs::path spec_file(const std::string& name, const std::string& text) const {
        write_file(h_->dir() / (name + ".yaml"), text, 0644);
        return h_->dir() / (name + ".yaml");
    }

    DaemonHarness::Result create(const std::string& name, const std::string& text) const {
        return h_->ccvm({"create", spec_file(name, text).string()}, user_);
    }
    DaemonHarness::Result measure(const std::string& name, const std::string& text, const std::string& as) const {
        return h_->run(MEASURE_CLIENT_PATH, {spec_file(name, text).string()}, as);
    }

    // The SEV launch digest of `firmware`, computed offline by root.
    std::string offline_digest(const fs::path& firmware) const {
        const auto r = h_->ccvm({"measure", "--mode", "sev", "--ovmf", firmware.string()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, r.out.find('\n'));
    }

    fs::path vm_dir(const std::string& name) const { return h_->state_dir() / "vms" / name; }
    std::vector<std::string> listed() const {
        const auto r = h_->ccvm({"list", "--json"});
        std::vector<std::string> names;
        const json::Value list = json::parse(r.out, "list");  // the range below refers into it
        for (const json::Value& vm : json::get_array(list)) names.push_back(json::get_string(json::at(vm, "name")));
        return names;
    }

    std::string user_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    std::unique_ptr<DaemonHarness> h_;
    fs::path firmware_;
};

TEST_F(CallerFilesTest, RootOnlyFirmwareIsNeitherMeasuredNorDefined) {
    const fs::path secret_fw = h_->dir() / "root-only.fd";
    fs::copy_file(kOvmf, secret_fw);
    ::chmod(secret_fw.c_str(), 0600);
    const std::string digest = offline_digest(secret_fw);
    ASSERT_EQ(digest.size(), 64u);

    auto r = create("vm1", sev_spec("vm1", secret_fw));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "ccvm: error: " + (h_->dir() / "vm1.yaml").string() + ":7:1: firmware: " + secret_fw.string() +
                         ": not accessible to the caller\n");
    EXPECT_TRUE(listed().empty());
    EXPECT_FALSE(fs::exists(vm_dir("vm1")));

    r = measure("m1", sev_spec("m1", secret_fw), user_);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_EQ(r.err, "org.ccvm.ccvm1.Error.InvalidArgument: spec:7:1: firmware: " + secret_fw.string() +
                         ": not accessible to the caller\n");
    EXPECT_EQ(r.out.find(digest), std::string::npos);
    EXPECT_EQ(h_->daemon_log().find(digest), std::string::npos);

    // Root is unaffected: the same Measure from root reports that very digest.
    r = measure("m1", sev_spec("m1", secret_fw), "");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value expected = json::at(json::parse(r.out, "measure"), "expected");
    EXPECT_EQ(json::get_string(json::at(json::at(expected, "registers"), "launch_digest")), digest);
}

TEST_F(CallerFilesTest, InaccessiblePathsAllReadTheSame) {
    const fs::path private_dir = h_->dir() / "private";
    fs::create_directory(private_dir);
    ::chmod(private_dir.c_str(), 0700);
    write_file(private_dir / "fw.fd", "x", 0644);
    const std::vector<fs::path> cases = {root_only("root-only.fd"), "/etc/shadow",
                                         h_->dir() / "missing.fd",  h_->dir(),
                                         private_dir / "fw.fd",     private_dir / "missing.fd"};
    std::string first_create, first_measure;
    for (const fs::path& p : cases) {
        const auto c = create("vm1", sev_spec("vm1", p));
        EXPECT_EQ(c.exit_code, 2) << p;
        const auto m = measure("vm1", sev_spec("vm1", p), user_);
        EXPECT_EQ(m.exit_code, 2) << p;
        // The spec file's own path first: one case is the directory holding it.
        const std::string spec_path = (h_->dir() / "vm1.yaml").string();
        const std::string c_text = replace_all(replace_all(c.err, spec_path, "SPEC"), p.string(), "PATH");
        const std::string m_text = replace_all(replace_all(m.err, spec_path, "SPEC"), p.string(), "PATH");
        if (first_create.empty()) {
            first_create = c_text;
            first_measure = m_text;
        }
        EXPECT_EQ(c_text, first_create) << p;
        EXPECT_EQ(m_text, first_measure) << p;
    }
    EXPECT_EQ(first_create, "ccvm: error: SPEC:7:1: firmware: PATH: not accessible to the caller\n");
}

TEST_F(CallerFilesTest, ReadableFirmwareBootsTheDaemonsCopy) {
    const std::string digest = offline_digest(firmware_);
    auto r = create("vm1", sev_spec("vm1", firmware_));
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    const fs::path copy = vm_dir("vm1") / "inputs" / "firmware";
    EXPECT_EQ(read_file(copy), read_file(firmware_));
    struct stat st {};
    ASSERT_EQ(::stat(copy.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_mode & 022, 0u);  // nobody but ccvmd may change what boots
    const std::string xml = read_text_file(vm_dir("vm1") / "domain.xml");
    EXPECT_NE(xml.find(">" + copy.string() + "</loader>"), std::string::npos) << xml;
    EXPECT_EQ(xml.find(firmware_.string() + "<"), std::string::npos) << xml;

    r = h_->ccvm({"status", "vm1", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(
        json::get_string(json::at(json::at(json::at(json::parse(r.out, "status"), "expected_measurement"), "registers"),
                                  "launch_digest")),
        digest);
    // Measure from the same user gives the same digest.
    r = measure("m1", sev_spec("m1", firmware_), user_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::get_string(json::at(json::at(json::at(json::parse(r.out, "measure"), "expected"), "registers"),
                                        "launch_digest")),
              digest);
    // Measure's copies are gone once it answered; removing the VM takes its copies with it.
    for (const auto& e : fs::directory_iterator(h_->state_dir() / "vms"))
        EXPECT_EQ(e.path().filename(), "vm1") << e.path();
    r = h_->ccvm({"remove", "vm1"}, user_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(vm_dir("vm1")));
}

TEST_F(CallerFilesTest, SecretTheCallerCannotReadIsNeverInjected) {
    const fs::path roots = root_only("root.key", "root's disk key");
    auto r = create("vm1",
                    sev_spec("vm1", firmware_,
                             "secrets:\n  - guid: " + std::string(kLuksGuid) + "\n    file: " + roots.string() + "\n"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "ccvm: error: " + (h_->dir() / "vm1.yaml").string() + ":12:5: secrets[0].file: " + roots.string() +
                         ": not accessible to the caller\n");
    EXPECT_TRUE(listed().empty());

    // The caller's own private key file works, and its copy stays private to ccvmd.
    const fs::path mine = owned(root_only("mine.key", "correct horse battery staple"), 0600);
    r = create("vm2",
               sev_spec("vm2", firmware_,
                        "secrets:\n  - guid: " + std::string(kLuksGuid) + "\n    file: " + mine.string() + "\n"));
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    struct stat st {};
    ASSERT_EQ(::stat((vm_dir("vm2") / "inputs" / "secret-0").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(st.st_uid, 0u);
    r = h_->ccvm({"start", "vm2"}, user_);
    ASSERT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
    EXPECT_EQ(r.out, "vm2: running\n");
    const std::string log = h_->daemon_log();
    EXPECT_NE(log.find("LAUNCH_SECRET accepted"), std::string::npos) << log;
    EXPECT_EQ(log.find("correct horse"), std::string::npos);
    EXPECT_EQ(log.find("root's disk key"), std::string::npos);
}

TEST_F(CallerFilesTest, DiskNeedsTheCallersReadAndWriteAccess) {
    const auto disk_spec = [&](const std::string& name, const fs::path& disk) {
        return plain_spec(name, "disks:\n  - file: " + disk.string() + "\n");
    };
    const fs::path roots = root_only("root.img");
    auto r = create("vm1", disk_spec("vm1", roots));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "ccvm: error: " + (h_->dir() / "vm1.yaml").string() + ":9:5: disks[0].file: " + roots.string() +
                         ": not accessible to the caller\n");
    // Readable is not enough: QEMU would write it.
    const fs::path read_only = readable("shared.img");
    r = create("vm1", disk_spec("vm1", read_only));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "ccvm: error: " + (h_->dir() / "vm1.yaml").string() +
                         ":9:5: disks[0].file: " + read_only.string() + ": not accessible to the caller\n");
    EXPECT_TRUE(listed().empty());

    const fs::path mine = owned(root_only("mine.img"), 0600);
    r = create("vm1", disk_spec("vm1", mine));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string xml = read_text_file(vm_dir("vm1") / "domain.xml");
    EXPECT_NE(xml.find("<source file='" + mine.string() + "'/>"), std::string::npos) << xml;
    r = h_->ccvm({"start", "vm1"}, user_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(h_->ccvm({"destroy", "vm1"}, user_).exit_code, 0);

    // After create the caller swaps the disk for a link to root's file: the next launch refuses.
    fs::remove(mine);
    fs::create_symlink(roots, mine);
    r = h_->ccvm({"start", "vm1"}, user_);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(":9:5: disks[0].file: " + mine.string() +
                         " no longer names the file the VM was created with; create the VM again\n"),
              std::string::npos)
        << r.err;
    r = h_->ccvm({"status", "vm1", "--json"});
    EXPECT_EQ(json::get_string(json::at(json::parse(r.out, "status"), "state")), "defined");
}

// libvirt runs the emulator with its own rights: a member of the admin group may not choose it.
TEST_F(CallerFilesTest, OnlyRootChoosesTheEmulator) {
    const fs::path kernel = h_->dir() / "vmlinuz";
    write_file(kernel, std::string(4096, 'k'), 0644);
    const std::string text = "name: vm1\ntee: none\nvcpus: 1\nmemory: 256M\nkernel: " + kernel.string() +
                             "\nlibvirt:\n  domain-type: test\n  emulator: /usr/bin/qemu-system-x86_64\n";
    auto r = create("vm1", text);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("libvirt.emulator: uid " + std::to_string(uid_) +
                         " may not choose the program libvirt runs: needs root"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(listed().empty());
    r = h_->ccvm({"create", spec_file("vm1", text).string()});
    EXPECT_EQ(r.err.find("may not choose"), std::string::npos) << r.err;
}

TEST_F(CallerFilesTest, SerialLogOnlyWhereTheCallerMayWrite) {
    const fs::path closed = h_->dir() / "closed";
    fs::create_directory(closed);
    ::chmod(closed.c_str(), 0755);  // root's directory: the caller can look but not create
    for (const fs::path& log : {closed / "console.log", fs::path("/etc/cron.d/ccvm-deputy-test")}) {
        const auto r = create("vm1", plain_spec("vm1", "serial-log: " + log.string() + "\n"));
        EXPECT_EQ(r.exit_code, 2) << log;
        EXPECT_EQ(r.err, "ccvm: error: " + (h_->dir() / "vm1.yaml").string() + ":8:1: serial-log: " + log.string() +
                             ": not accessible to the caller\n");
        EXPECT_FALSE(fs::exists(log)) << log;
    }
    EXPECT_TRUE(listed().empty());

    const fs::path open = h_->dir() / "mine";
    fs::create_directory(open);
    owned(open, 0700);
    const auto r = create("vm1", plain_spec("vm1", "serial-log: " + (open / "console.log").string() + "\n"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(::stat((open / "console.log").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, uid_);  // created by the caller, not by root
}

// Root creates; the kernel at the spec's path is replaced afterwards. What boots (and what the
// simulated CSV firmware measures) is ccvmd's copy, so the verified launch still matches.
TEST(CallerFilesRoot, KernelSwappedAfterCreateDoesNotChangeWhatBoots) {
    DaemonHarness h(paths());
    ASSERT_TRUE(h.start_daemon()) << h.daemon_log();
    for (const char* f : {"OVMF-deb-amdsev-suffix.fd", "csv-kernel.bin", "csv-initrd.bin"})
        fs::copy_file(gen_dir() / f, h.dir() / f);
    const fs::path kernel = h.dir() / "csv-kernel.bin";
    const std::string spec =
        "name: csv-guest\ntee:\n  type: csv\n  policy: 0x1\n  kernel-hashes: true\nvcpus: 2\n"
        "memory: 2G\nfirmware: " +
        (h.dir() / "OVMF-deb-amdsev-suffix.fd").string() + "\nkernel: " + kernel.string() +
        "\ninitrd: " + (h.dir() / "csv-initrd.bin").string() +
        "\ncmdline: console=ttyS0\nhost:\n  cbitpos: 47\n  reduced-phys-bits: 5\n"
        "libvirt:\n  domain-type: test\n";
    write_file(h.dir() / "csv.yaml", spec, 0644);
    auto r = h.ccvm({"create", (h.dir() / "csv.yaml").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Bytes original = read_file(kernel);
    {
        std::ofstream swapped(kernel, std::ios::trunc | std::ios::binary);
        swapped << "another kernel";
    }
    const fs::path copy = h.state_dir() / "vms" / "csv-guest" / "inputs" / "kernel";
    EXPECT_EQ(read_file(copy), original);
    EXPECT_NE(read_text_file(h.state_dir() / "vms" / "csv-guest" / "domain.xml")
                  .find("<kernel>" + copy.string() + "</kernel>"),
              std::string::npos);
    r = h.ccvm({"start", "csv-guest"});
    ASSERT_EQ(r.exit_code, 0) << r.err << h.daemon_log();
    r = h.ccvm({"status", "csv-guest", "--json"});
    const json::Value s = json::parse(r.out, "status");
    EXPECT_EQ(json::get_string(json::at(s, "state")),
              "paused");  // verified, waiting for a secret (the spec names none)
    EXPECT_EQ(json::get_string(json::at(json::at(s, "attestation"), "verdict")), "ok");
}

}  // namespace
}  // namespace ccvm::test

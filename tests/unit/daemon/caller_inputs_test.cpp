// ccvmd takes a new spec's files only from its caller's descriptors (platform/caller_inputs.hpp):
// the descriptors a hostile client could send instead of the ones `ccvm create` opens.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "../platform/platform_test_util.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/platform/spec_files.hpp"
#include "launch_backends/caller_inputs.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {
namespace {

using test::TempDir;

class CallerInputsTest : public ::testing::Test {
protected:
    void SetUp() override {
        firmware_ = tmp_.write("ovmf.fd", "firmware bytes", 0644);
        disk_ = tmp_.write("disk.img", std::string(512, 'd'), 0600);
        key_ = tmp_.write("disk.key", "correct horse battery staple", 0600);
    }

    platform::VmSpec spec() const {
        return platform::parse_vm_spec(
            "name: vm1\ntee:\n  type: sev\nmemory: 256M\nfirmware: " + firmware_.string() +
                "\ndisks:\n  - file: " + disk_.string() +
                "\nsecrets:\n  - guid: 736869e5-84f0-4973-92ec-06879ce3da0b\n    file: " + key_.string() + "\n",
            "vm1.yaml");
    }

    static UniqueFd open(const fs::path& p, int flags) { return UniqueFd(::open(p.c_str(), flags | O_CLOEXEC)); }

    // The message take_caller_files refuses with, or "" when it accepts.
    std::string refusal(CallerFiles& files) const {
        platform::VmSpec s = spec();
        try {
            take_caller_files(s, files, tmp_.path() / "copies");
            return "";
        } catch (const DaemonError& e) {
            EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
            return e.what();
        }
    }

    CallerFiles honest() const { return platform::open_spec_files(spec()); }

    TempDir tmp_;
    fs::path firmware_, disk_, key_;
};

TEST_F(CallerInputsTest, CopiesWhatItReadsAndPointsTheSpecAtTheCopies) {
    CallerFiles files = honest();
    ASSERT_EQ(files.size(), 3u);
    platform::VmSpec s = spec();
    take_caller_files(s, files, tmp_.path() / "copies");
    EXPECT_EQ(*s.firmware, tmp_.path() / "copies" / "firmware");
    EXPECT_EQ(read_text_file(*s.firmware), "firmware bytes");
    EXPECT_EQ(s.secrets.at(0).file, tmp_.path() / "copies" / "secret-0");
    EXPECT_EQ(read_text_file(s.secrets.at(0).file), "correct horse battery staple");
    EXPECT_EQ(s.disks.at(0).file, disk_);  // used in place
    struct stat st {};
    ASSERT_EQ(::stat((tmp_.path() / "copies").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    ASSERT_EQ(::stat(s.secrets.at(0).file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    // The copies, and which file the disk path named; no temporary file of the atomic writes is left.
    std::vector<std::string> entries;
    for (const auto& e : fs::directory_iterator(tmp_.path() / "copies")) entries.push_back(e.path().filename());
    std::sort(entries.begin(), entries.end());
    EXPECT_EQ(entries, (std::vector<std::string>{"firmware", "in-place.json", "secret-0"}));
    ASSERT_EQ(::stat(disk_.c_str(), &st), 0);
    const json::Value in_place = json::parse(read_text_file(tmp_.path() / "copies" / "in-place.json"), "in-place");
    EXPECT_EQ(json::get_u64(json::at(json::at(in_place, disk_.string()), "ino")), st.st_ino);
    EXPECT_EQ(json::get_u64(json::at(json::at(in_place, disk_.string()), "dev")), st.st_dev);
}

TEST_F(CallerInputsTest, EveryUnusableDescriptorGetsTheSameMessage) {
    const std::string expected_firmware =
        "vm1.yaml:5:1: firmware: " + firmware_.string() + ": not accessible to the caller";
    CallerFiles files = honest();
    files.erase(firmware_.string());  // not passed (the caller could not open it)
    EXPECT_EQ(refusal(files), expected_firmware);

    files = honest();
    files[firmware_.string()] = open(firmware_, O_PATH);  // names the file without any right to read it
    EXPECT_EQ(refusal(files), expected_firmware);

    files = honest();
    files[firmware_.string()] = open(tmp_.path(), O_RDONLY | O_DIRECTORY);  // not a regular file
    EXPECT_EQ(refusal(files), expected_firmware);

    files = honest();
    files[firmware_.string()] = open(firmware_, O_WRONLY);  // write-only: no right to read
    EXPECT_EQ(refusal(files), expected_firmware);
}

TEST_F(CallerInputsTest, DiskNeedsReadWriteOnTheFileStillAtItsPath) {
    const std::string expected = "vm1.yaml:7:5: disks[0].file: " + disk_.string() + ": not accessible to the caller";
    CallerFiles files = honest();
    files[disk_.string()] = open(disk_, O_RDONLY);
    EXPECT_EQ(refusal(files), expected);

    // The caller opened another file of theirs; the path now names a different one.
    files = honest();
    const fs::path mine = tmp_.write("mine.img", "x", 0600);
    files[disk_.string()] = open(mine, O_RDWR);
    EXPECT_EQ(refusal(files), expected);

    // Swapped after the caller opened it: the path no longer names the inode passed.
    files = honest();
    fs::rename(disk_, tmp_.path() / "moved.img");
    tmp_.write("disk.img", "root's", 0600);
    EXPECT_EQ(refusal(files), expected);
}

TEST_F(CallerInputsTest, SecretKeepsTheModeRuleOfSecretFiles) {
    ::chmod(key_.c_str(), 0644);
    CallerFiles files = honest();
    EXPECT_NE(refusal(files).find("disk.key' is readable by group or others (mode 0644)"), std::string::npos);
    EXPECT_FALSE(fs::exists(tmp_.path() / "copies" / "secret-0"));
}

TEST_F(CallerInputsTest, MessagesAboutCopiesNameTheCallersFiles) {
    const platform::VmSpec original = spec();
    const fs::path copies = tmp_.path() / "copies";
    EXPECT_EQ(
        name_originals((copies / "firmware").string() + ": no OVMF footer table; " + (copies / "secret-0").string(),
                       original, copies),
        firmware_.string() + ": no OVMF footer table; " + key_.string());
}

// host.acpi-dir: the caller passes each file of the directory as "<dir>/<name>"; only names directly
// in that directory are taken, each copied into the VM's own acpi/ directory.
TEST(CallerInputsDirectory, EachFileOfTheDirectoryIsCopied) {
    TempDir tmp;
    const fs::path firmware = tmp.write("tdvf.fd", "tdvf", 0644);
    fs::create_directory(tmp.path() / "acpi");
    tmp.write("acpi/etc_table-loader", "loader", 0644);
    tmp.write("acpi/etc_acpi_rsdp", "rsdp", 0644);
    const std::string yaml = "name: td1\ntee:\n  type: tdx\nmemory: 2G\nfirmware: " + firmware.string() +
                             "\nhost:\n  acpi-dir: " + (tmp.path() / "acpi").string() + "\n";
    const platform::VmSpec original = platform::parse_vm_spec(yaml, "td1.yaml");
    CallerFiles files = platform::open_spec_files(original);
    ASSERT_EQ(files.size(), 3u);
    EXPECT_TRUE(files.contains((tmp.path() / "acpi" / "etc_acpi_rsdp").string()));
    // A key that climbs out of the directory is not one of its files.
    files.emplace((tmp.path() / "acpi" / "..").string(), UniqueFd(::open(firmware.c_str(), O_RDONLY)));

    platform::VmSpec spec = original;
    take_caller_files(spec, files, tmp.path() / "copies");
    EXPECT_EQ(*spec.host.acpi_dir, tmp.path() / "copies" / "acpi");
    EXPECT_EQ(read_text_file(tmp.path() / "copies" / "acpi" / "etc_table-loader"), "loader");
    EXPECT_EQ(read_text_file(tmp.path() / "copies" / "acpi" / "etc_acpi_rsdp"), "rsdp");
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path() / "copies" / "acpi")) ++entries;
    EXPECT_EQ(entries, 2u);

    // No file of the directory passed: refused like any other inaccessible path.
    CallerFiles none;
    none.emplace(firmware.string(), UniqueFd(::open(firmware.c_str(), O_RDONLY)));
    spec = original;
    try {
        take_caller_files(spec, none, tmp.path() / "copies2");
        FAIL() << "accepted a directory without its files";
    } catch (const DaemonError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "td1.yaml:7:3: host.acpi-dir: " + (tmp.path() / "acpi").string() + ": not accessible to the caller");
    }
}

}  // namespace
}  // namespace ccvm::daemon

// The one atomic-file writer: content and mode of the published file, and no temporary left behind
// on any error path.
#include "ccvm/base/atomic_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ccvm/base/error.hpp"
#include "ccvm/base/unique_fd.hpp"
#include "support/temp_dir.hpp"

namespace ccvm {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) throw std::runtime_error("stat " + p.string());
    return st.st_mode & 07777;
}

// The caller's mode, less the umask (022 in every test runner): 0600 and 0640 pass through it.
TEST(AtomicFile, ReplacesTheTargetWithTheCallersMode) {
    test::TempDir dir;
    const fs::path target = dir / "state.json";
    dir.write("state.json", "old", 0644);
    write_file_atomic(target, std::string_view("new content"), 0600);
    EXPECT_EQ(slurp(target), "new content");
    EXPECT_EQ(mode_of(target), 0600u);
    EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"state.json"});
}

TEST(AtomicFile, BytesAreWrittenExactly) {
    test::TempDir dir;
    const Bytes data{std::byte{0}, std::byte{0xff}, std::byte{0x0a}, std::byte{0}};
    write_file_atomic(dir / "blob.bin", ByteSpan(data), 0644);
    EXPECT_EQ(slurp(dir / "blob.bin"), std::string("\0\xff\n\0", 4));
}

TEST(AtomicFile, AbandonedWriteLeavesTheOldFileAndNoTemporary) {
    test::TempDir dir;
    dir.write("session.b64", "old", 0600);
    EXPECT_THROW(
        {
            AtomicFile file(dir / "session.b64", 0600);
            file.write(as_bytes("half written"));
            EXPECT_EQ(entries(dir.path()).size(), 2u);  // the temporary exists meanwhile
            throw std::runtime_error("interrupted");
        },
        std::runtime_error);
    EXPECT_EQ(slurp(dir / "session.b64"), "old");
    EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"session.b64"});
}

TEST(AtomicFile, TemporaryNamesAreRecognisedForCleanUp) {
    test::TempDir dir;
    AtomicFile file(dir / "domain.xml", 0600);
    const std::vector<std::string> names = entries(dir.path());
    ASSERT_EQ(names.size(), 1u);
    EXPECT_TRUE(names[0].starts_with(".domain.xml.")) << names[0];
    EXPECT_TRUE(is_atomic_temp_name(names[0])) << names[0];
    EXPECT_TRUE(is_atomic_temp_name(".state.json.tmp"));
    EXPECT_FALSE(is_atomic_temp_name("state.json"));
    EXPECT_FALSE(is_atomic_temp_name(".tmp"));
    EXPECT_FALSE(is_atomic_temp_name(".new-vm"));
}

TEST(AtomicFile, MissingDirectoryIsASystemErrorNamingTheFile) {
    test::TempDir dir;
    try {
        write_file_atomic(dir / "absent" / "out.bin", std::string_view("x"), 0644);
        FAIL() << "no error";
    } catch (const SystemError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot create"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("out.bin"), std::string::npos) << e.what();
    }
}

TEST(AtomicFile, PublishNewNeverReplaces) {
    test::TempDir dir;
    dir.write("n_tek.bin", "existing", 0600);
    {
        AtomicFile file(dir / "n_tek.bin", 0600);
        file.write(as_bytes("new key"));
        EXPECT_THROW(file.publish_new(), InputError);
    }
    EXPECT_EQ(slurp(dir / "n_tek.bin"), "existing");
    EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"n_tek.bin"});

    AtomicFile fresh(dir / "n_tik.bin", 0600);
    fresh.write(as_bytes("tik"));
    fresh.publish_new();
    EXPECT_EQ(slurp(dir / "n_tik.bin"), "tik");
    EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"n_tek.bin", "n_tik.bin"}));
}

TEST(AtomicFile, CopyOverTheLimitLeavesNothing) {
    test::TempDir dir;
    const fs::path source = dir.write("source", std::string(100, 's'), 0600);
    const UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(fd.valid());
    EXPECT_THROW(copy_file_atomic(fd.get(), dir / "copy", 0600, 99, "firmware"), InputError);
    EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"source"});
    copy_file_atomic(fd.get(), dir / "copy", 0640, 100, "firmware");
    EXPECT_EQ(slurp(dir / "copy"), std::string(100, 's'));
    EXPECT_EQ(mode_of(dir / "copy"), 0640u);
}

}  // namespace
}  // namespace ccvm

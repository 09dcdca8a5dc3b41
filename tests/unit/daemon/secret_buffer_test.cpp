#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ccvm/daemon/errors.hpp"
#include "ccvm/daemon/secret_buffer.hpp"

namespace ccvm::daemon {
namespace {

std::filesystem::path write_temp(const std::string& content, mode_t mode) {
    const auto path = std::filesystem::temp_directory_path() / ("ccvm-secret-" + std::to_string(::getpid()));
    std::filesystem::remove(path);
    std::ofstream(path) << content;
    ::chmod(path.c_str(), mode);
    return path;
}

TEST(SecretBuffer, ReadsAFileDescriptorWithinTheLimit) {
    const auto path = write_temp("0123456789", 0600);
    const int fd = ::open(path.c_str(), O_RDONLY);
    const SecretBuffer s = read_secret_fd(fd, 10);
    ::close(fd);
    ASSERT_EQ(s.size(), 10u);
    EXPECT_EQ(static_cast<char>(s.bytes()[9]), '9');
    const int fd2 = ::open(path.c_str(), O_RDONLY);
    EXPECT_THROW(read_secret_fd(fd2, 9), DaemonError);
    ::close(fd2);
    std::filesystem::remove(path);
}

TEST(SecretBuffer, RefusesGroupOrWorldReadableFiles) {
    const auto path = write_temp("key", 0640);
    try {
        read_secret_path(path, 100);
        FAIL();
    } catch (const DaemonError& e) {
        EXPECT_NE(std::string(e.what()).find(path.string() + " has mode 0640"), std::string::npos) << e.what();
    }
    ::chmod(path.c_str(), 0600);
    EXPECT_EQ(read_secret_path(path, 100).size(), 3u);
    std::filesystem::remove(path);
}

TEST(SecretBuffer, MoveLeavesTheSourceEmpty) {
    SecretBuffer a(std::vector<std::byte>(4, std::byte{0x5a}));
    SecretBuffer b(std::move(a));
    EXPECT_EQ(b.size(), 4u);
    EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from state is specified
}

}  // namespace
}  // namespace ccvm::daemon

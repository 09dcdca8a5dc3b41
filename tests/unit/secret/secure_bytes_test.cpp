// Secret buffers and the secret-file permission rule.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/unique_fd.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "secret_test_util.hpp"

using namespace ccvm;
using namespace ccvm::secret;

TEST(SecretBytes, MoveLeavesSourceEmpty) {
    SecretBytes a(as_bytes("key material"));
    SecretBytes b(std::move(a));
    EXPECT_EQ(b.size(), 12u);
    EXPECT_EQ(as_chars(b), "key material");
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
    SecretBytes c = b.clone();
    EXPECT_EQ(as_chars(c), "key material");
    c = SecretBytes(4);
    EXPECT_TRUE(is_all_zero(c));
}

TEST(SecretFile, OwnerOnlyFileAccepted) {
    test::TempDir dir;
    auto p = test::write_file(dir / "tik.bin", as_bytes("0123456789abcdef"), 0600);
    EXPECT_EQ(as_chars(read_secret_file(p)), "0123456789abcdef");
    EXPECT_EQ(read_secret_key_file(p, 16, "--tik").size(), 16u);
    EXPECT_THROW(read_secret_key_file(p, 32, "--tik"), InputError);
}

TEST(SecretFile, ReadOnlyFixtureAcceptedWritableReadableRefused) {
    test::TempDir dir;
    auto p = test::write_file(dir / "fixture.bin", as_bytes("0123456789abcdef"), 0444);
    EXPECT_EQ(as_chars(read_secret_file(p)), "0123456789abcdef");
    ::chmod(p.c_str(), 0664);
    EXPECT_THROW(read_secret_file(p), InputError);
}

TEST(SecretFile, ReadableFileRefusedWithPathAndMode) {
    test::TempDir dir;
    for (mode_t mode : {0640, 0604, 0644}) {
        auto p = test::write_file(dir / "tek.bin", as_bytes("0123456789abcdef"), mode);
        try {
            read_secret_file(p);
            FAIL() << "accepted mode " << mode;
        } catch (const InputError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find(p.string()), std::string::npos) << m;
            char octal[8];
            std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
            EXPECT_NE(m.find(octal), std::string::npos) << m;
        }
        EXPECT_NO_THROW(read_secret_file(p, SecretFileAccess::allow_readable));
    }
}

TEST(SecretFile, MissingAndNonRegularRefused) {
    test::TempDir dir;
    EXPECT_THROW(read_secret_file(dir / "absent"), InputError);
    EXPECT_THROW(read_secret_file(dir.path()), InputError);
}

TEST(SecretFd, ReadsPipeToEnd) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const UniqueFd reader(fds[0]);
    UniqueFd writer(fds[1]);
    ASSERT_EQ(::write(writer.get(), "passphrase", 10), 10);
    writer.reset();
    SecretBytes s = read_secret_fd(reader.get(), "fd");
    EXPECT_EQ(as_chars(s), "passphrase");
}

TEST(SecretFd, RejectsOversizedSecret) {
    test::TempDir dir;
    auto p = test::write_file(dir / "big", Bytes(kMaxSecretFileSize + 1, std::byte{1}));
    const UniqueFd fd(::open(p.c_str(), O_RDONLY));
    ASSERT_TRUE(fd.valid());
    EXPECT_THROW(read_secret_fd(fd.get(), "fd"), InputError);
    EXPECT_THROW(read_secret_file(p), InputError);
}

// The base owners of C handles: UniqueFd for descriptors, the OpenSSL unique_ptr aliases, and the one
// OpenSSL error helper.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/base/unique_fd.hpp"

namespace ccvm {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

TEST(UniqueFd, ClosesOnceWhateverPathOwnershipTakes) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    {
        UniqueFd reader(fds[0]);
        UniqueFd writer(fds[1]);
        UniqueFd moved(std::move(reader));
        EXPECT_FALSE(reader.valid());
        EXPECT_EQ(moved.get(), fds[0]);
        EXPECT_EQ(writer.close(), 0);
        EXPECT_FALSE(is_open(fds[1]));
        EXPECT_TRUE(is_open(fds[0]));
    }
    EXPECT_FALSE(is_open(fds[0]));

    ASSERT_EQ(::pipe(fds), 0);
    UniqueFd owner(fds[0]);
    const int released = owner.release();
    owner.reset(fds[1]);
    owner.reset();
    EXPECT_TRUE(is_open(released));
    EXPECT_FALSE(is_open(fds[1]));
    ::close(released);
}

TEST(Openssl, ErrorNamesTheCallAndOpensslsReasonThenClearsTheQueue) {
    ERR_clear_error();
    EvpMdPtr md(EVP_MD_fetch(nullptr, "NO-SUCH-DIGEST", nullptr));
    ASSERT_EQ(md, nullptr);
    try {
        openssl_check(md != nullptr, "EVP_MD_fetch(NO-SUCH-DIGEST)");
        FAIL() << "no error";
    } catch (const SystemError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("OpenSSL: EVP_MD_fetch(NO-SUCH-DIGEST): ", 0), 0u) << what;
        EXPECT_NE(what.find("unsupported"), std::string::npos) << what;
    }
    EXPECT_EQ(ERR_peek_error(), 0u);
    EXPECT_EQ(openssl_error(), "unknown error");
}

TEST(Openssl, OnlyOneIsSuccessForReturnCodes) {
    EXPECT_NO_THROW(openssl_check(1, "ok"));
    EXPECT_THROW(openssl_check(0, "zero"), SystemError);
    EXPECT_THROW(openssl_check(-1, "minus one"), SystemError);
    EXPECT_THROW(openssl_check(2, "two"), SystemError);
    EXPECT_THROW(openssl_checked(EvpMdCtxPtr(), "EVP_MD_CTX_new"), SystemError);
    EXPECT_NE(openssl_checked(EvpMdCtxPtr(EVP_MD_CTX_new()), "EVP_MD_CTX_new"), nullptr);
}

}  // namespace
}  // namespace ccvm

#include <gtest/gtest.h>

#include "ccvm/daemon/authorization.hpp"
#include "ccvm/daemon/bus_service.hpp"
#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {
namespace {

TEST(Authorizer, RootAndGroupMembersMayChange) {
    const Authorizer auth(gid_t{990});
    EXPECT_TRUE(auth.may_change({0, 0, {}}));
    EXPECT_TRUE(auth.may_change({1000, 990, {}}));
    EXPECT_TRUE(auth.may_change({1000, 1000, {27, 990}}));
    EXPECT_FALSE(auth.may_change({1000, 1000, {27}}));
    EXPECT_FALSE(auth.may_change({65534, 65534, {}}));
}

TEST(Authorizer, WithoutTheGroupOnlyRoot) {
    const Authorizer auth(std::nullopt);
    EXPECT_TRUE(auth.may_change({0, 0, {}}));
    EXPECT_FALSE(auth.may_change({1000, 990, {990}}));
}

TEST(Authorizer, RefusalIsAccessDeniedNamingTheUid) {
    const Authorizer auth(std::nullopt);
    try {
        auth.require_change({65534, 65534, {}}, "create VMs");
        FAIL();
    } catch (const DaemonError& e) {
        EXPECT_EQ(e.code(), ErrorCode::access_denied);
        EXPECT_EQ(dbus_error_name(e.code()), "org.ccvm.ccvm1.Error.AccessDenied");
        EXPECT_NE(std::string(e.what()).find("uid 65534 may not create VMs"), std::string::npos);
    }
}

TEST(Authorizer, UnknownGroupResolvesToNone) {
    EXPECT_FALSE(Authorizer::for_group("ccvm-no-such-group-xyz").may_change({1, 1, {1}}));
    EXPECT_TRUE(Authorizer::for_group("root").may_change({1, 0, {}}));
}

TEST(VmObjectPath, EscapesLikeSdBus) {
    EXPECT_EQ(vm_object_path("web1"), "/org/ccvm/ccvm1/vm/web1");
    // sd_bus_path_encode: every byte outside [A-Za-z0-9] becomes _xx (lowercase hex).
    EXPECT_EQ(vm_object_path("a-b.c_d"), "/org/ccvm/ccvm1/vm/a_2db_2ec_5fd");
    EXPECT_EQ(vm_object_path("1vm"), "/org/ccvm/ccvm1/vm/_31vm");
}

}  // namespace
}  // namespace ccvm::daemon

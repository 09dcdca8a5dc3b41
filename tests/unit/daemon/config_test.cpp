#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/daemon/config.hpp"

namespace ccvm::daemon {
namespace {

TEST(DaemonConfig, DefaultsWhenEmpty) {
    const DaemonConfig c = parse_config("", "ccvmd.yaml");
    EXPECT_EQ(c.libvirt_uri, "qemu:///system");
    EXPECT_EQ(c.state_dir, "/var/lib/ccvm");
    EXPECT_EQ(c.launch_security, LaunchSecurity::libvirt);
    EXPECT_EQ(c.log_level, "info");
}

TEST(DaemonConfig, ReadsEveryKey) {
    const DaemonConfig c = parse_config(
        "libvirt_uri: test:///default\nstate_dir: /tmp/x\nhost_profile: milan\nlog_level: debug\n"
        "launch_security: simulated\nadmin_group: wheel\n",
        "c.yaml");
    EXPECT_EQ(c.libvirt_uri, "test:///default");
    EXPECT_EQ(c.state_dir, "/tmp/x");
    EXPECT_EQ(c.host_profile, "milan");
    EXPECT_EQ(c.log_level, "debug");
    EXPECT_EQ(c.launch_security, LaunchSecurity::simulated);
    EXPECT_EQ(c.admin_group, "wheel");
}

TEST(DaemonConfig, UnknownKeyNamesFileLineAndKey) {
    try {
        parse_config("log_level: info\nstate-dir: /x\n", "c.yaml");
        FAIL() << "accepted an unknown key";
    } catch (const InputError& e) {
        EXPECT_STREQ(e.what(), "c.yaml:2:1: unknown key 'state-dir'");
    }
}

TEST(DaemonConfig, RejectsBadValues) {
    EXPECT_THROW(parse_config("launch_security: firmware\n", "c.yaml"), InputError);
    EXPECT_THROW(parse_config("log_level: loud\n", "c.yaml"), InputError);
    EXPECT_THROW(parse_config("state_dir: relative/path\n", "c.yaml"), InputError);
    EXPECT_THROW(parse_config("state_dir: [a, b]\n", "c.yaml"), InputError);
    EXPECT_THROW(parse_config("- a\n- b\n", "c.yaml"), InputError);
    EXPECT_THROW(parse_config("key: [unclosed\n", "c.yaml"), InputError);
}

}  // namespace
}  // namespace ccvm::daemon

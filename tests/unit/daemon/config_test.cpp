#include <gtest/gtest.h>

#include <chrono>

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

std::string error_of(const std::string& yaml) {
    try {
        parse_config(yaml, "c.yaml");
    } catch (const InputError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(DaemonConfig, KeyBrokerIsOffByDefault) {
    const DaemonConfig c = parse_config("", "ccvmd.yaml");
    EXPECT_FALSE(c.kbs_listen.has_value());
    EXPECT_EQ(c.kbs_session_ttl, std::chrono::seconds(300));
    EXPECT_EQ(c.kbs_url, "");
    EXPECT_FALSE(c.kbs_tls());
}

TEST(DaemonConfig, KeyBrokerKeys) {
    DaemonConfig c = parse_config("kbs_listen: \"127.0.0.1:8080\"\nkbs_session_ttl: 30\n", "c.yaml");
    ASSERT_TRUE(c.kbs_listen.has_value());
    EXPECT_EQ(c.kbs_listen->host, "127.0.0.1");
    EXPECT_EQ(c.kbs_listen->port, 8080);
    EXPECT_EQ(c.kbs_session_ttl, std::chrono::seconds(30));
    EXPECT_EQ(c.kbs_url, "http://127.0.0.1:8080");  // derived: plain HTTP without TLS

    c = parse_config(
        "kbs_listen: \"[::1]:8443\"\nkbs_tls_cert: /etc/ccvm/kbs.crt\nkbs_tls_key: /etc/ccvm/kbs.key\n"
        "kbs_session_ttl: 120s\n",
        "c.yaml");
    EXPECT_EQ(c.kbs_listen->host, "::1");
    EXPECT_EQ(c.kbs_listen->str(), "[::1]:8443");
    EXPECT_TRUE(c.kbs_tls());
    EXPECT_EQ(c.kbs_tls_cert, "/etc/ccvm/kbs.crt");
    EXPECT_EQ(c.kbs_tls_key, "/etc/ccvm/kbs.key");
    EXPECT_EQ(c.kbs_session_ttl, std::chrono::seconds(120));
    EXPECT_EQ(c.kbs_url, "https://[::1]:8443");

    // An explicit URL wins, and may name a Trustee with no local key broker at all.
    c = parse_config("kbs_listen: 0.0.0.0:8080\nkbs_url: http://192.168.122.1:8080\n", "c.yaml");
    EXPECT_EQ(c.kbs_url, "http://192.168.122.1:8080");
    c = parse_config("kbs_url: https://trustee.example:8080\n", "c.yaml");
    EXPECT_FALSE(c.kbs_listen.has_value());
    EXPECT_EQ(c.kbs_url, "https://trustee.example:8080");
}

// The address forms themselves are kbs::parse_listen's (tests/unit/kbs/kbs_http_test.cpp); here the
// config's location prefix and its refusal of port 0, which no guest could be told.
TEST(DaemonConfig, KeyBrokerErrorsNameTheKey) {
    EXPECT_EQ(error_of("kbs_listen: 8080\n"), "c.yaml:1:13: kbs_listen: '8080' is not ADDR:PORT: no ':PORT'");
    EXPECT_EQ(error_of("kbs_listen: \"localhost:0\"\n"),
              "c.yaml:1:13: kbs_listen: 'localhost:0' is not ADDR:PORT: the port must be a number from 1 to 65535");
    EXPECT_EQ(error_of("kbs_listen: 0.0.0.0:8080\n"),
              "c.yaml:1:13: kbs_listen 0.0.0.0:8080 is no address a guest can reach: set kbs_url to the URL "
              "guests use");
    EXPECT_EQ(error_of("kbs_listen: 127.0.0.1:1\nkbs_tls_cert: /k.crt\n"),
              "c.yaml:2:15: kbs_tls_cert needs kbs_tls_key as well (HTTPS takes both)");
    EXPECT_EQ(error_of("kbs_listen: 127.0.0.1:1\nkbs_tls_key: /k.key\n"),
              "c.yaml:2:14: kbs_tls_key needs kbs_tls_cert as well (HTTPS takes both)");
    EXPECT_EQ(error_of("kbs_listen: 127.0.0.1:1\nkbs_tls_cert: k.crt\n"),
              "c.yaml:2:15: kbs_tls_cert must be an absolute path");
    EXPECT_EQ(error_of("kbs_session_ttl: 0\n"),
              "c.yaml:1:18: kbs_session_ttl '0' is not a number of seconds from 1 to 86400");
    EXPECT_EQ(error_of("kbs_listen: 127.0.0.1:1\nkbs_session_ttl: 5m\n"),
              "c.yaml:2:18: kbs_session_ttl '5m' is not a number of seconds from 1 to 86400");
    EXPECT_EQ(error_of("kbs_session_ttl: 30\n"),
              "c.yaml:1:18: kbs_session_ttl configures the key broker, which needs kbs_listen");
    EXPECT_EQ(error_of("kbs_url: ftp://x\n"),
              "c.yaml:1:10: kbs_url 'ftp://x' is not an http:// or https:// URL without quotes, spaces or backslashes");
    EXPECT_EQ(error_of("kbs_listen: [a, b]\n"), "c.yaml:1:13: 'kbs_listen' must be a string");
}

}  // namespace
}  // namespace ccvm::daemon

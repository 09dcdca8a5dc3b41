// What the libvirt wrapper learns about a host: libvirt's version encoding and ordering, and the
// launch-security types of a domain-capabilities document.
#include "ccvm/libvirt/host_capabilities.hpp"

#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"

namespace ccvm::libvirt {
namespace {

TEST(HostCapabilities, VersionsDecodeAndOrderAsLibvirtEncodesThem) {
    // virConnectGetLibVersion: major * 1,000,000 + minor * 1,000 + micro.
    EXPECT_EQ(Version::from_libvirt(9000000).str(), "9.0.0");
    EXPECT_EQ(Version::from_libvirt(10005000).str(), "10.5.0");
    EXPECT_EQ(Version::from_libvirt(7002022).str(), "7.2.22");
    EXPECT_LT(Version::from_libvirt(9000000), (Version{10, 5, 0}));
    EXPECT_LT((Version{9, 2, 0}), (Version{10, 1, 0}));  // not a string comparison
    EXPECT_LT((Version{10, 4, 99}), (Version{10, 5, 0}));
    EXPECT_EQ((Version{10, 5, 0}), Version::from_libvirt(10005000));
}

TEST(HostCapabilities, LaunchSecurityTypesFromDomainCapabilities) {
    // libvirt >= 10.x: the <launchSecurity> enum (formatdomaincaps "Launch security").
    const std::string modern =
        "<domainCapabilities><features><sev supported='yes'><cbitpos>51</cbitpos></sev>"
        "<launchSecurity supported='yes'><enum name='sectype'><value>sev</value><value>sev-snp</value>"
        "</enum></launchSecurity></features></domainCapabilities>";
    EXPECT_EQ(launch_security_types(modern), (std::vector<std::string>{"sev", "sev-snp"}));
    // libvirt 9.0: per-feature elements only.
    const std::string old =
        "<domainCapabilities><features><gic supported='no'/><sev supported='yes'>"
        "<cbitpos>47</cbitpos></sev><sgx supported='no'/></features></domainCapabilities>";
    EXPECT_EQ(launch_security_types(old), std::vector<std::string>{"sev"});
    const std::string none =
        "<domainCapabilities><features><sev supported='no'/><sgx supported='no'/>"
        "<launchSecurity supported='no'/></features></domainCapabilities>";
    EXPECT_TRUE(launch_security_types(none).empty());
}

TEST(HostCapabilities, LaunchSecurityTypesReadTheSectypeEnumOnly) {
    // A comment or another enum naming a type does not make the host offer it.
    const std::string caps =
        "<domainCapabilities><!-- <launchSecurity supported='yes'><value>tdx</value> -->"
        "<features><launchSecurity supported=\"yes\"><enum name='other'><value>s390-pv</value></enum>"
        "<enum name=\"sectype\"><value>sev-snp</value></enum></launchSecurity></features></domainCapabilities>";
    EXPECT_EQ(launch_security_types(caps), std::vector<std::string>{"sev-snp"});
    EXPECT_THROW(launch_security_types("<domainCapabilities>"), InputError);
}

}  // namespace
}  // namespace ccvm::libvirt

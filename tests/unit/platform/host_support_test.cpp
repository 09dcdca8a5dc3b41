// The per-family host requirements and the one-line refusal ccvmd gives at create.
#include <gtest/gtest.h>

#include <algorithm>

#include "ccvm/platform/host_support.hpp"

namespace ccvm::platform {
namespace {

TEST(HostSupport, EveryTeeFamilyHasExactlyOneRow) {
    for (TeeKind k : {TeeKind::sev, TeeKind::sev_es, TeeKind::sev_snp, TeeKind::tdx, TeeKind::cca, TeeKind::csv,
                      TeeKind::csv2, TeeKind::csv3}) {
        int rows = 0;
        for (const FamilyRequirement& r : family_requirements())
            rows += static_cast<int>(std::count(r.kinds.begin(), r.kinds.end(), k));
        EXPECT_EQ(rows, 1) << tee_name(k);
    }
}

TEST(HostSupport, RefusalNamesFamilyNeedsAndHost) {
    HostCapabilities debian12{"qemu:///system", {9, 0, 0}, Version{7, 2, 0}, std::vector<std::string>{"sev"}};
    EXPECT_EQ(host_cannot_launch(TeeKind::sev_snp, debian12),
              "SEV-SNP needs libvirt >= 10.5.0, QEMU >= 9.1.0 and Linux >= 6.11 (host qemu:///system: libvirt 9.0.0, "
              "QEMU 7.2.0, launch security: sev)");
    EXPECT_EQ(host_cannot_launch(TeeKind::sev, debian12), std::nullopt);
    EXPECT_EQ(host_cannot_launch(TeeKind::csv2, debian12), std::nullopt);  // Hygon CSV uses libvirt's sev type
    EXPECT_EQ(host_cannot_launch(TeeKind::none, debian12), std::nullopt);

    // Versions suffice but the capabilities lack the type: still refused.
    HostCapabilities new_without_tdx{
        "qemu:///system", {11, 8, 0}, Version{10, 1, 0}, std::vector<std::string>{"sev-snp"}};
    EXPECT_EQ(host_cannot_launch(TeeKind::tdx, new_without_tdx),
              "TDX needs libvirt >= 11.8.0, QEMU >= 10.1.0 and Linux >= 6.16 (host qemu:///system: libvirt 11.8.0, "
              "QEMU 10.1.0, launch security: sev-snp)");
    EXPECT_EQ(host_cannot_launch(TeeKind::sev_snp, new_without_tdx), std::nullopt);

    // An old QEMU under a new libvirt.
    HostCapabilities old_qemu{
        "qemu:///system", {10, 5, 0}, Version{8, 2, 2}, std::vector<std::string>{"sev", "sev-snp"}};
    EXPECT_NE(host_cannot_launch(TeeKind::sev_snp, old_qemu), std::nullopt);

    // The test driver: no QEMU, no domain capabilities.
    HostCapabilities test_driver{"test:///default", {9, 0, 0}, std::nullopt, std::nullopt};
    EXPECT_EQ(host_cannot_launch(TeeKind::cca, test_driver),
              "Arm CCA needs libvirt >= 8.0.0, Linaro's QEMU cca/latest (rme-guest) and Arm's CCA host kernel (not "
              "upstream) (host test:///default: libvirt 9.0.0, no QEMU driver, no launch security reported)");
    EXPECT_EQ(host_cannot_launch(TeeKind::none, test_driver), std::nullopt);
}

}  // namespace
}  // namespace ccvm::platform

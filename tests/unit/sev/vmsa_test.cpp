#include <gtest/gtest.h>

#include <vector>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"
#include "sev_vectors.hpp"

using namespace ccvm;
namespace vec = ccvm::test::sev_vectors;

namespace {

// Every byte of `page` outside the reference's non-zero ranges is zero, and the ranges match.
void expect_ranges(const sev::VmsaPage& page, const json::Value& ranges) {
    std::vector<bool> covered(page.size(), false);
    for (const auto& r : json::get_array(ranges)) {
        const std::size_t off = json::get_u64(json::get_array(r).at(0));
        const Bytes want = from_hex(json::get_string(json::get_array(r).at(1)));
        ASSERT_LE(off + want.size(), page.size());
        EXPECT_EQ(vec::hex(ByteSpan(page).subspan(off, want.size())), vec::hex(want)) << "range at " << off;
        for (std::size_t i = 0; i < want.size(); ++i) covered[off + i] = true;
    }
    for (std::size_t i = 0; i < page.size(); ++i)
        if (!covered[i]) {
            EXPECT_EQ(page[i], std::byte{0}) << "byte " << i;
        }
}

}  // namespace

// BSP and AP pages of every VMSA primitive: SHA-384, SHA-256 and the non-zero byte ranges.
TEST(Vmsa, MatchesReferencePages) {
    int checked = 0;
    for (const auto& p : json::get_array(json::at(vec::doc(), "primitives"))) {
        const std::string& id = json::get_string(json::at(p, "id"));
        if (id.rfind("sev-vmsa.", 0) != 0) continue;
        SCOPED_TRACE(id);
        const std::string kind = id.substr(std::string("sev-vmsa.").size());
        sev::VmsaParams params;
        params.vmm = kind.rfind("ec2-", 0) == 0   ? sev::VmmType::ec2
                     : kind.rfind("gce-", 0) == 0 ? sev::VmmType::gce
                                                  : sev::VmmType::qemu;
        params.sev_features = json::get_u64(json::at(p, "sev_features"));
        params.vcpu_sig =
            json::at(p, "vcpu_sig").is_null() ? 0 : static_cast<std::uint32_t>(json::get_u64(json::at(p, "vcpu_sig")));
        const auto pages =
            sev::build_vmsa_pages(static_cast<std::uint32_t>(json::get_u64(json::at(p, "ap_eip"))), params);
        ASSERT_TRUE(pages.has_ap);
        EXPECT_EQ(vec::hex(sha384(pages.bsp)), json::get_string(json::at(p, "bsp_sha384")));
        EXPECT_EQ(vec::hex(sha384(pages.ap)), json::get_string(json::at(p, "ap_sha384")));
        EXPECT_EQ(vec::hex(sha256(pages.bsp)), json::get_string(json::at(p, "bsp_sha256")));
        EXPECT_EQ(vec::hex(sha256(pages.ap)), json::get_string(json::at(p, "ap_sha256")));
        expect_ranges(pages.bsp, json::at(p, "bsp_nonzero_ranges"));
        expect_ranges(pages.ap, json::at(p, "ap_nonzero_ranges"));
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

// EC2 and GCE put 0x600 in RDX whatever vCPU signature is requested.
TEST(Vmsa, CloudVmmsIgnoreVcpuSignature) {
    for (auto vmm : {sev::VmmType::ec2, sev::VmmType::gce}) {
        sev::VmsaParams a{0x1, 0x800F12, vmm, sev::VmsaProfile::modern};
        sev::VmsaParams b{0x1, 0xA00F11, vmm, sev::VmsaProfile::modern};
        EXPECT_EQ(sev::build_vmsa(sev::kBspEip, a), sev::build_vmsa(sev::kBspEip, b));
    }
}

// AMD64 APM vol. 2 Table B-4, VMSA layout: legacy and modern QEMU pages differ only in MXCSR (0x408) and FCW (0x410);
// the legacy pages and both SEV-ES digests are the libvirt / sev-snp-measure reference values.
TEST(Vmsa, LegacyVersusModern) {
    const auto& p = vec::primitive("sev-seves-legacy-vs-modern-vmsa");
    sev::VmsaParams modern{0, 0x800F12, sev::VmmType::qemu, sev::VmsaProfile::modern};
    sev::VmsaParams legacy = modern;
    legacy.profile = sev::VmsaProfile::legacy;
    const auto m = sev::build_vmsa_pages(0x80B004, modern);
    const auto l = sev::build_vmsa_pages(0x80B004, legacy);
    EXPECT_EQ(vec::hex(sha256(l.bsp)), json::get_string(json::at(json::at(p, "legacy_vmsa_sha256"), "bsp")));
    EXPECT_EQ(vec::hex(sha256(l.ap)), json::get_string(json::at(json::at(p, "legacy_vmsa_sha256"), "ap")));
    for (std::size_t i = 0; i < m.bsp.size(); ++i) {
        const bool fp = (i >= 0x408 && i < 0x40A) || (i >= 0x410 && i < 0x412);
        if (fp) {
            EXPECT_EQ(l.bsp[i], std::byte{0}) << "byte " << i;
        } else {
            EXPECT_EQ(m.bsp[i], l.bsp[i]) << "byte " << i;
        }
    }

    MappedFile ovmf(vec::file_path("OVMF.fd"));
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "OVMF.fd");
    EXPECT_EQ(vec::hex(sev::seves_launch_digest(fw, std::nullopt, 2, modern)),
              json::get_string(json::at(p, "modern_digest_sev_snp_measure_0.0.13")));
    EXPECT_EQ(vec::hex(sev::seves_launch_digest(fw, std::nullopt, 2, legacy)),
              json::get_string(json::at(p, "legacy_digest_libvirt_virt_qemu_sev_validate_9.0.0")));
}

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: SVSM entry state. Reference quirks: GS stays a 16-bit segment,
// FCW is 0.
TEST(Vmsa, SvsmPageLayout) {
    const auto page = sev::build_svsm_vmsa(0xFFB84000, 0x800F12);
    EXPECT_EQ(load_le<std::uint16_t>(page, 0x10), 8u);            // CS selector
    EXPECT_EQ(load_le<std::uint16_t>(page, 0x12), 0xC9Bu);        // CS attributes
    EXPECT_EQ(load_le<std::uint32_t>(page, 0x14), 0xFFFFFFFFu);   // CS limit
    EXPECT_EQ(load_le<std::uint16_t>(page, 0x52), 0x93u);         // GS attributes
    EXPECT_EQ(load_le<std::uint64_t>(page, 0x158), 0x11u);        // CR0
    EXPECT_EQ(load_le<std::uint64_t>(page, 0x178), 0xFFB84000u);  // RIP = full EIP
    EXPECT_EQ(load_le<std::uint64_t>(page, 0x3B0), 0x1u);         // sev_features
    EXPECT_EQ(load_le<std::uint32_t>(page, 0x408), 0x1F80u);      // MXCSR
    EXPECT_EQ(load_le<std::uint16_t>(page, 0x410), 0u);           // FCW
}

TEST(Vmsa, ProfileNames) {
    EXPECT_EQ(sev::parse_vmsa_profile("legacy"), sev::VmsaProfile::legacy);
    EXPECT_EQ(sev::parse_vmsa_profile("modern"), sev::VmsaProfile::modern);
    EXPECT_THROW(sev::parse_vmsa_profile("new"), InputError);
    EXPECT_THROW(sev::parse_vmm_type("qemu"), InputError);  // sev-snp-measure spells it QEMU
}

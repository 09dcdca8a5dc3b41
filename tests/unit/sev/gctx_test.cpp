#include <gtest/gtest.h>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/sev/gctx.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "sev_vectors.hpp"

using namespace ccvm;
namespace vec = ccvm::test::sev_vectors;

// The 34-step PAGE_INFO trace of case snp-qemu-fix-kia-syn-EPYC-Milan-2: type, GPA, contents and LD.
TEST(GuestContext, ReproducesReferencePageTrace) {
    const auto& p = vec::primitive("sev-snp-page-trace.snp-qemu-fix-kia-syn-EPYC-Milan-2");
    MappedFile ovmf(vec::file_path("ovmf_AmdSev_suffix.bin"));
    MappedFile kernel(vec::file_path("vmlinuz-synth"));
    MappedFile initrd(vec::file_path("initrd-synth.img"));
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "ovmf_AmdSev_suffix.bin");
    sev::SnpInputs inputs;
    inputs.kernel_hashes =
        sev::build_kernel_hashes_table(kernel.bytes(), initrd.bytes(), "console=ttyS0 root=/dev/vda");
    const sev::VmsaParams params{0x1, 0xA00F11, sev::VmmType::qemu, sev::VmsaProfile::modern};

    sev::Trace trace;
    const auto ld = sev::snp_launch_digest(fw, inputs, 2, params, &trace);
    EXPECT_EQ(vec::hex(ld), json::get_string(json::at(p, "final_ld")));
    const auto& want = json::get_array(json::at(p, "updates"));
    ASSERT_EQ(trace.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE("step " + std::to_string(i));
        const auto type = static_cast<sev::PageType>(json::get_u64(want[i].at("page_type")));
        EXPECT_EQ(trace[i].type, sev::to_string(type));
        EXPECT_EQ(trace[i].gpa, json::get_u64(want[i].at("gpa")));
        EXPECT_EQ(vec::hex(trace[i].contents), json::get_string(want[i].at("contents_hex")));
        EXPECT_EQ(vec::hex(trace[i].digest_after), json::get_string(want[i].at("ld_after")));
    }
}

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE PAGE_INFO layout, checked against an independent SHA-384 of
// hand-assembled bytes.
TEST(GuestContext, PageInfoLayout) {
    Sha384Digest ld{}, contents{};
    ld.fill(std::byte{0xAA});
    contents.fill(std::byte{0xBB});
    const auto info = sev::make_page_info(ld, contents, sev::PageType::cpuid, 0x1122334455667788ULL);
    EXPECT_EQ(vec::hex(ByteSpan(info).subspan(0x60)),
              "7000060000000000"
              "8877665544332211");
    EXPECT_EQ(info[0x2F], std::byte{0xAA});
    EXPECT_EQ(info[0x30], std::byte{0xBB});
    sev::GuestContext g(ld);
    g.update_cpuid_page(0x1122334455667788ULL);
    const auto zero_info = sev::make_page_info(ld, Sha384Digest{}, sev::PageType::cpuid, 0x1122334455667788ULL);
    EXPECT_EQ(g.ld(), sha384(zero_info));
}

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: a precomputed OVMF hash gives the same digest as the full
// computation.
TEST(GuestContext, PrecomputedOvmfHashEqualsFullRun) {
    MappedFile full(vec::file_path("OVMF-deb-amdsev-suffix.fd"));
    MappedFile suffix(vec::file_path("ovmf_AmdSev_suffix.bin"));
    const auto fw_full = sev::FirmwareImage::parse(full.bytes(), "full");
    const auto fw_suffix = sev::FirmwareImage::parse(suffix.bytes(), "suffix");
    const sev::VmsaParams params{0x1, 0x800F12, sev::VmmType::qemu, sev::VmsaProfile::modern};
    sev::SnpInputs seeded;
    seeded.ovmf_hash = sev::snp_ovmf_hash(fw_full);
    EXPECT_EQ(sev::snp_launch_digest(fw_full, {}, 4, params), sev::snp_launch_digest(fw_suffix, seeded, 4, params));
}

TEST(GuestContext, RejectsPartialPages) {
    sev::GuestContext g;
    const Bytes data(4095, std::byte{1});
    EXPECT_THROW(g.update_normal_pages(0, data), InputError);
    EXPECT_THROW(g.update_zero_pages(0, 100), InputError);
}

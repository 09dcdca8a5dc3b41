#include "ccvm/firmware-measure/sev/vmsa.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::sev {
namespace {

// AMD64 APM vol. 2 Table B-4, VMSA layout: VMSA field offsets (AMD APM Vol 2 Table B-4, Linux struct sev_es_save_area).
constexpr std::size_t kEs = 0x00, kCs = 0x10, kSs = 0x20, kDs = 0x30, kFs = 0x40, kGs = 0x50;
constexpr std::size_t kGdtr = 0x60, kLdtr = 0x70, kIdtr = 0x80, kTr = 0x90;
constexpr std::size_t kEfer = 0xD0, kCr4 = 0x148, kCr0 = 0x158, kDr7 = 0x160, kDr6 = 0x168;
constexpr std::size_t kRflags = 0x170, kRip = 0x178, kGPat = 0x268, kRdx = 0x310;
constexpr std::size_t kSevFeatures = 0x3B0, kXcr0 = 0x3E8, kMxcsr = 0x408, kX87Fcw = 0x410;

// AMD64 APM vol. 2 Table B-4, VMSA layout register values at reset.
constexpr std::uint64_t kEferSvme = 0x1000;                 // KVM enables EFER.SVME
constexpr std::uint64_t kCr4Mce = 0x40;                     // KVM enables CR4.MCE
constexpr std::uint64_t kDefaultGPat = 0x0007040600070406;  // AMD APM Vol 2 A.3 PAT reset value
constexpr std::uint64_t kGceGPat = 0x00070106;              // GCE's hypervisor overwrites G_PAT
constexpr std::uint64_t kCloudRdx = 0x600;                  // EC2 and GCE put 0x600 in RDX whatever the vCPU model
constexpr std::uint32_t kMxcsrReset = 0x1F80;
constexpr std::uint16_t kFcwReset = 0x037F;

struct Segment {
    std::uint16_t selector = 0, attrib = 0;
    std::uint32_t limit = 0;
    std::uint64_t base = 0;
};

void put_segment(VmsaPage& p, std::size_t off, const Segment& s) {
    store_le<std::uint16_t>(p, off, s.selector);
    store_le<std::uint16_t>(p, off + 2, s.attrib);
    store_le<std::uint32_t>(p, off + 4, s.limit);
    store_le<std::uint64_t>(p, off + 8, s.base);
}

// Registers common to the reset-state and SVSM pages.
void put_common(VmsaPage& p, std::uint64_t cr0, std::uint64_t rip, std::uint64_t g_pat, std::uint64_t rdx,
                std::uint64_t sev_features, std::uint32_t mxcsr, std::uint16_t fcw) {
    put_segment(p, kGdtr, {0, 0, 0xFFFF, 0});
    put_segment(p, kIdtr, {0, 0, 0xFFFF, 0});
    put_segment(p, kLdtr, {0, 0x82, 0xFFFF, 0});
    store_le<std::uint64_t>(p, kEfer, kEferSvme);
    store_le<std::uint64_t>(p, kCr4, kCr4Mce);
    store_le<std::uint64_t>(p, kCr0, cr0);
    store_le<std::uint64_t>(p, kDr7, 0x400);
    store_le<std::uint64_t>(p, kDr6, 0xFFFF0FF0);
    store_le<std::uint64_t>(p, kRflags, 0x2);
    store_le<std::uint64_t>(p, kRip, rip);
    store_le<std::uint64_t>(p, kGPat, g_pat);
    store_le<std::uint64_t>(p, kRdx, rdx);
    store_le<std::uint64_t>(p, kSevFeatures, sev_features);
    store_le<std::uint64_t>(p, kXcr0, 0x1);
    store_le<std::uint32_t>(p, kMxcsr, mxcsr);
    store_le<std::uint16_t>(p, kX87Fcw, fcw);
}

}  // namespace

VmsaProfile parse_vmsa_profile(std::string_view text) {
    if (text == "modern") return VmsaProfile::modern;
    if (text == "legacy") return VmsaProfile::legacy;
    throw InputError("vmsa-profile: unknown VMSA profile '" + std::string(text) +
                     "' (known: modern for KVM_SEV_INIT2 hosts, legacy for older hosts)");
}

std::string_view to_string(VmsaProfile profile) noexcept {
    return profile == VmsaProfile::modern ? "modern" : "legacy";
}

VmsaPage build_vmsa(std::uint32_t eip, const VmsaParams& params) {
    std::uint16_t cs_attr = 0x9B, ss_attr = 0x93, tr_attr = 0x8B;
    std::uint64_t g_pat = kDefaultGPat;
    std::uint64_t rdx = params.vcpu_sig;
    std::uint32_t mxcsr = kMxcsrReset;
    std::uint16_t fcw = kFcwReset;
    switch (params.vmm) {
        case VmmType::qemu:
            if (params.profile == VmsaProfile::legacy) mxcsr = 0, fcw = 0;
            break;
        case VmmType::ec2:
            if (eip == kBspEip) cs_attr = 0x9A;  // EC2 starts the BSP with a non-accessed CS
            ss_attr = 0x92;
            tr_attr = 0x83;
            rdx = kCloudRdx;
            mxcsr = 0, fcw = 0;
            break;
        case VmmType::gce:
            g_pat = kGceGPat;
            rdx = kCloudRdx;
            mxcsr = 0, fcw = 0;
            break;
    }
    VmsaPage p{};
    put_segment(p, kEs, {0, 0x93, 0xFFFF, 0});
    put_segment(p, kCs, {0xF000, cs_attr, 0xFFFF, eip & 0xFFFF0000u});
    put_segment(p, kSs, {0, ss_attr, 0xFFFF, 0});
    put_segment(p, kDs, {0, 0x93, 0xFFFF, 0});
    put_segment(p, kFs, {0, 0x93, 0xFFFF, 0});
    put_segment(p, kGs, {0, 0x93, 0xFFFF, 0});
    put_segment(p, kTr, {0, tr_attr, 0xFFFF, 0});
    put_common(p, 0x10, eip & 0xFFFFu, g_pat, rdx, params.sev_features, mxcsr, fcw);
    return p;
}

VmsaPage build_svsm_vmsa(std::uint64_t eip, std::uint32_t vcpu_sig) {
    VmsaPage p{};
    // AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: flat 32-bit code (sel 8) and data (sel 16) segments; GS
    // stays real-mode.
    put_segment(p, kEs, {16, 0xC93, 0xFFFFFFFF, 0});
    put_segment(p, kCs, {8, 0xC9B, 0xFFFFFFFF, 0});
    put_segment(p, kSs, {16, 0xC93, 0xFFFFFFFF, 0});
    put_segment(p, kDs, {16, 0xC93, 0xFFFFFFFF, 0});
    put_segment(p, kFs, {16, 0xC93, 0xFFFFFFFF, 0});
    put_segment(p, kGs, {0, 0x93, 0xFFFF, 0});
    put_segment(p, kTr, {0, 0x8B, 0xFFFF, 0});
    // AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: CR0 PE|ET, sev_features 0x1, FCW 0 (sev-snp-measure passes
    // it under a wrong name).
    put_common(p, 0x11, eip, kDefaultGPat, vcpu_sig, 0x1, kMxcsrReset, 0);
    return p;
}

VmsaPages build_vmsa_pages(std::uint32_t ap_eip, const VmsaParams& params) {
    VmsaPages pages;
    pages.bsp = build_vmsa(kBspEip, params);
    pages.has_ap = ap_eip != 0;
    if (pages.has_ap) pages.ap = build_vmsa(ap_eip, params);
    return pages;
}

}  // namespace ccvm::sev

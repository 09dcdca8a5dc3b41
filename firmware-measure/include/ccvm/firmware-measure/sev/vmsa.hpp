// VMSA (SEV-ES save area) pages for the boot and application processors (AMD64 APM vol. 2 Table B-4, VMSA layout).
#pragma once

#include <cstdint>
#include <string_view>

#include "ccvm/firmware-measure/sev/sev_hashes.hpp"
#include "ccvm/firmware-measure/sev/vmm_type.hpp"

namespace ccvm::sev {

// modern: KVM_SEV_INIT2 hosts (MXCSR 0x1F80, FCW 0x037F; sev-snp-measure >= 0.0.10).
// legacy: pre-INIT2 hosts (MXCSR = FCW = 0; libvirt virt-qemu-sev-validate, sevctl).
enum class VmsaProfile { modern, legacy };

VmsaProfile parse_vmsa_profile(std::string_view text);
std::string_view to_string(VmsaProfile profile) noexcept;

// AMD64 APM vol. 2 Table B-4, VMSA layout: the BSP starts at the reset vector.
inline constexpr std::uint32_t kBspEip = 0xFFFFFFF0;

using VmsaPage = Page;

struct VmsaParams {
    std::uint64_t sev_features = 0;  // SNP guest features; 0 for SEV-ES
    std::uint32_t vcpu_sig = 0;      // RDX at reset (QEMU); EC2/GCE use 0x600
    VmmType vmm = VmmType::qemu;
    VmsaProfile profile = VmsaProfile::modern;
};

// The save area of a vCPU starting at `eip` (BSP: kBspEip, APs: the SEV-ES reset-block EIP).
VmsaPage build_vmsa(std::uint32_t eip, const VmsaParams& params);

// Coconut-SVSM entry state (AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE): 32-bit flat segments, RIP = full EIP,
// sev_features 0x1, FCW 0 (sev-snp-measure quirk), MXCSR 0x1F80.
VmsaPage build_svsm_vmsa(std::uint64_t eip, std::uint32_t vcpu_sig);

// BSP page plus the page every AP shares.
struct VmsaPages {
    VmsaPage bsp{};
    VmsaPage ap{};
    bool has_ap = false;  // false when the firmware has no SEV-ES reset block (1 vCPU only)
    const VmsaPage& page(std::size_t index) const noexcept { return index == 0 ? bsp : ap; }
};

VmsaPages build_vmsa_pages(std::uint32_t ap_eip, const VmsaParams& params);

}  // namespace ccvm::sev

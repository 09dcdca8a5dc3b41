// SEV, SEV-ES and SEV-SNP launch digests (AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_DATA, LAUNCH_UPDATE_VMSA; AMD
// SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE) from typed inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/sev/firmware_image.hpp"
#include "ccvm/firmware-measure/sev/gctx.hpp"
#include "ccvm/firmware-measure/sev/measure_trace.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"

namespace ccvm::sev {

// AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_DATA: LD = SHA-256(firmware ‖ [176-byte table]). A table with a firmware
// whose hash-table base is 0 is an InputError naming the AmdSev build that supports measured direct boot.
Sha256Digest sev_launch_digest(const FirmwareImage& ovmf, const std::optional<KernelHashesTable>& table,
                               Trace* trace = nullptr);
// Convenience for callers holding raw bytes (e.g. MappedFile spans).
Sha256Digest sev_launch_digest(ByteSpan ovmf, std::optional<ByteSpan> kernel, std::optional<ByteSpan> initrd,
                               std::optional<std::string_view> append);

// AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_VMSA: LD = SHA-256(firmware ‖ [table] ‖ VMSA(BSP) ‖ VMSA(AP) ×
// (vcpus-1)); sev_features 0.
Sha256Digest seves_launch_digest(const FirmwareImage& ovmf, const std::optional<KernelHashesTable>& table,
                                 unsigned vcpus, const VmsaParams& params, Trace* trace = nullptr);
// The SEV-ES digests for 1..max_vcpus vCPUs from one pass over the firmware (element i: i+1 vCPUs).
std::vector<Sha256Digest> seves_launch_digests(const FirmwareImage& ovmf, const std::optional<KernelHashesTable>& table,
                                               unsigned max_vcpus, const VmsaParams& params, Trace* trace = nullptr);

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: the LD after the firmware pages ("OVMF hash").
Sha384Digest snp_ovmf_hash(const FirmwareImage& ovmf, Trace* trace = nullptr);

struct SnpInputs {
    std::optional<Sha384Digest> ovmf_hash;  // precomputed step 1 (skips hashing the firmware)
    std::optional<KernelHashesTable> kernel_hashes;
    VmmType vmm = VmmType::qemu;
};

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: firmware pages and metadata sections; VMSA pages are added by
// the caller.
GuestContext snp_context_before_vmsas(const FirmwareImage& ovmf, const SnpInputs& inputs, Trace* trace = nullptr);
// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE alone (metadata sections of `image` measured into `gctx`).
void snp_update_metadata_pages(GuestContext& gctx, const FirmwareImage& image,
                               const std::optional<KernelHashesTable>& kernel_hashes, VmmType vmm);

Sha384Digest snp_launch_digest(const FirmwareImage& ovmf, const SnpInputs& inputs, unsigned vcpus,
                               const VmsaParams& params, Trace* trace = nullptr);

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: `svsm` parsed with end_gpa = ovmf.gpa() - vars_size.
GuestContext svsm_context_before_vmsas(const FirmwareImage& ovmf, const FirmwareImage& svsm, Trace* trace = nullptr);
std::uint64_t svsm_entry_eip(const FirmwareImage& svsm);
Sha384Digest svsm_launch_digest(const FirmwareImage& ovmf, const FirmwareImage& svsm, unsigned vcpus,
                                std::uint32_t vcpu_sig, Trace* trace = nullptr);

}  // namespace ccvm::sev

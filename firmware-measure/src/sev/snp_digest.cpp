// SEV-SNP launch digests (AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE): firmware pages, metadata sections, VMSA
// pages.
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"

namespace ccvm::sev {
namespace {

constexpr std::uint64_t kPageMask = 0xFFF;

void update_kernel_hashes_section(GuestContext& gctx, const FirmwareImage& image, const MetadataSection& s,
                                  const std::optional<KernelHashesTable>& table) {
    if (!table) {
        gctx.update_zero_pages(s.gpa, s.size);
        return;
    }
    const auto base = image.hashes_table_gpa();
    if (!base) {
        throw InputError(image.source() +
                         ": kernel hashes: the OVMF footer table has no kernel hashes table entry "
                         "(Can't find SEV_HASH_TABLE_RV_GUID) but its metadata has an "
                         "SNP_KERNEL_HASHES section");
    }
    if (s.size != kPageSize) {
        throw InputError(image.source() + ": SNP_KERNEL_HASHES section at GPA " + std::to_string(s.gpa) + " has size " +
                         std::to_string(s.size) + " (must be 4096)");
    }
    const Page page = kernel_hashes_page(*table, *base & kPageMask);
    gctx.update_normal_pages(s.gpa, page, "kernel hashes page");
}

void update_section(GuestContext& gctx, const FirmwareImage& image, const MetadataSection& s,
                    const std::optional<KernelHashesTable>& table, VmmType vmm) {
    switch (s.type) {
        case SectionType::snp_sec_mem:
            // edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm: GCE leaves SEC memory unmeasured.
            if (vmm == VmmType::gce)
                gctx.update_unmeasured_pages(s.gpa, s.size);
            else
                gctx.update_zero_pages(s.gpa, s.size);
            return;
        case SectionType::snp_secrets:
            gctx.update_secrets_page(s.gpa);
            return;
        case SectionType::cpuid:
            if (vmm != VmmType::ec2) gctx.update_cpuid_page(s.gpa);  // EC2 measures CPUID last
            return;
        case SectionType::snp_kernel_hashes:
            update_kernel_hashes_section(gctx, image, s, table);
            return;
        case SectionType::svsm_caa:
            gctx.update_zero_pages(s.gpa, s.size);
            return;
    }
    throw InputError(image.source() + ": unknown SEV metadata section type " +
                     std::to_string(static_cast<std::uint32_t>(s.type)));
}

}  // namespace

void snp_update_metadata_pages(GuestContext& gctx, const FirmwareImage& image,
                               const std::optional<KernelHashesTable>& kernel_hashes, VmmType vmm) {
    if (kernel_hashes && !image.has_section(SectionType::snp_kernel_hashes)) {
        throw InputError(image.source() +
                         ": kernel hashes not supported: a kernel was given but the OVMF metadata has no "
                         "SNP_KERNEL_HASHES section (\"Kernel specified but OVMF metadata doesn't include "
                         "SNP_KERNEL_HASHES section\"). Measured direct boot needs an AmdSevX64 OVMF build "
                         "(edk2 OvmfPkg/AmdSev/AmdSevX64.dsc)");
    }
    for (const MetadataSection& s : image.metadata()) update_section(gctx, image, s, kernel_hashes, vmm);
    if (vmm == VmmType::ec2) {
        for (const MetadataSection& s : image.metadata())
            if (s.type == SectionType::cpuid) gctx.update_cpuid_page(s.gpa);
    }
}

Sha384Digest snp_ovmf_hash(const FirmwareImage& ovmf, Trace* trace) {
    ovmf.require_page_aligned();
    GuestContext gctx;
    gctx.set_trace(trace);
    gctx.update_normal_pages(ovmf.gpa(), ovmf.data(), ovmf.source());
    return gctx.ld();
}

GuestContext snp_context_before_vmsas(const FirmwareImage& ovmf, const SnpInputs& inputs, Trace* trace) {
    GuestContext gctx(inputs.ovmf_hash.value_or(Sha384Digest{}));
    gctx.set_trace(trace);
    if (!inputs.ovmf_hash) {
        ovmf.require_page_aligned();
        gctx.update_normal_pages(ovmf.gpa(), ovmf.data(), ovmf.source());
    }
    snp_update_metadata_pages(gctx, ovmf, inputs.kernel_hashes, inputs.vmm);
    return gctx;
}

Sha384Digest snp_launch_digest(const FirmwareImage& ovmf, const SnpInputs& inputs, unsigned vcpus,
                               const VmsaParams& params, Trace* trace) {
    if (vcpus == 0) throw InputError("vcpus: SEV-SNP needs at least 1 vCPU");
    const VmsaPages vmsas = build_vmsa_pages(ovmf.require_sev_es_reset_eip(), params);
    if (vcpus > 1 && !vmsas.has_ap)
        throw InputError(ovmf.source() + ": the SEV-ES reset block gives AP reset EIP 0, so only 1 vCPU can start");
    GuestContext gctx = snp_context_before_vmsas(ovmf, inputs, trace);
    const VmsaDigests d = vmsa_page_digests(vmsas.bsp, vmsas.ap);
    for (unsigned i = 0; i < vcpus; ++i) gctx.update_vmsa_digest(i == 0 ? d.bsp : d.ap);
    return gctx.ld();
}

std::uint64_t svsm_entry_eip(const FirmwareImage& svsm) {
    const auto off = svsm.svsm_info_offset();
    if (!off) {
        throw InputError(svsm.source() +
                         ": no SVSM info entry (a789a612-0597-4c4b-a49f-cbb1fe9d1ddd) in the footer "
                         "table (Can't find SVSM_INFO_GUID): is this a Coconut-SVSM image?");
    }
    return svsm.gpa() + *off;
}

GuestContext svsm_context_before_vmsas(const FirmwareImage& ovmf, const FirmwareImage& svsm, Trace* trace) {
    ovmf.require_page_aligned();
    svsm.require_page_aligned();
    GuestContext gctx;
    gctx.set_trace(trace);
    gctx.update_normal_pages(ovmf.gpa(), ovmf.data(), ovmf.source());
    gctx.update_normal_pages(svsm.gpa(), svsm.data(), svsm.source());
    // AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE: the SVSM's own metadata is measured; the OVMF's is not.
    snp_update_metadata_pages(gctx, svsm, std::nullopt, VmmType::qemu);
    return gctx;
}

Sha384Digest svsm_launch_digest(const FirmwareImage& ovmf, const FirmwareImage& svsm, unsigned vcpus,
                                std::uint32_t vcpu_sig, Trace* trace) {
    if (vcpus == 0) throw InputError("vcpus: SEV-SNP needs at least 1 vCPU");
    const VmsaPage page = build_svsm_vmsa(svsm_entry_eip(svsm), vcpu_sig);
    GuestContext gctx = svsm_context_before_vmsas(ovmf, svsm, trace);
    const Sha384Digest contents = sha384(page);  // every vCPU starts from the same page
    for (unsigned i = 0; i < vcpus; ++i) gctx.update_vmsa_digest(contents);
    return gctx.ld();
}

}  // namespace ccvm::sev

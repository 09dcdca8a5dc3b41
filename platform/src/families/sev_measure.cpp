#include "families/sev_measure.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/csv/csv_launch_digest.hpp"
#include "ccvm/firmware-measure/sev/firmware_image.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"
#include "ccvm/firmware-measure/sev/vcpu_types.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"

namespace ccvm::platform {
namespace {

// The 176-byte table QEMU writes with kernel-hashes=on (sev.md §3), from the spec's boot files.
std::optional<sev::KernelHashesTable> kernel_hashes_table(const VmSpec& spec, bool kernel_hashes) {
    if (!kernel_hashes || !spec.kernel) return std::nullopt;
    MappedFile kernel(*spec.kernel);
    std::optional<MappedFile> initrd;
    if (spec.initrd) initrd.emplace(*spec.initrd);
    std::optional<ByteSpan> initrd_bytes;
    if (initrd) initrd_bytes = initrd->bytes();
    std::optional<std::string_view> append;
    if (spec.cmdline) append = *spec.cmdline;
    return sev::build_kernel_hashes_table(kernel.bytes(), initrd_bytes, append);
}

// The VMSA inputs pinned by the host profile (sev.md §7); nullopt + reason when the vCPU
// signature is unknown.
std::optional<sev::VmsaParams> vmsa_params(const VmSpec& spec, std::uint64_t sev_features, std::string& why) {
    sev::VmsaParams p;
    p.sev_features = sev_features;
    if (spec.host.vmm_type) p.vmm = sev::parse_vmm_type(*spec.host.vmm_type);
    if (spec.host.vmsa_profile) p.profile = sev::parse_vmsa_profile(*spec.host.vmsa_profile);
    if (spec.host.vcpu_signature) {
        p.vcpu_sig = *spec.host.vcpu_signature;
    } else if (spec.cpu_model) {
        auto sig = sev::vcpu_sig_for_type(*spec.cpu_model);
        if (!sig && p.vmm == sev::VmmType::qemu) {
            why = "cpu-model " + *spec.cpu_model + " has no known vCPU signature (known: " + sev::known_vcpu_types() +
                  "); set host.vcpu-signature";
            return std::nullopt;
        }
        p.vcpu_sig = sig.value_or(0);
    } else if (p.vmm == sev::VmmType::qemu) {
        why = "the VMSA holds the vCPU signature: set cpu-model (a QEMU EPYC model) or host.vcpu-signature";
        return std::nullopt;
    }
    return p;
}

}  // namespace

void measure_sev_launch_digest(const VmSpec& spec, RegisterTable& regs) {
    MappedFile fw(*spec.firmware);
    const auto ovmf = sev::FirmwareImage::parse(fw.bytes(), spec.firmware->string());
    std::string why;
    if (const auto* o = spec.options<SevOptions>()) {
        auto table = kernel_hashes_table(spec, o->kernel_hashes);
        if (spec.tee == TeeKind::sev) {
            regs.set("launch_digest", sev::sev_launch_digest(ovmf, table));
            return;
        }
        // sev.md §5: SEV-ES VMSAs carry no guest features.
        auto params = vmsa_params(spec, 0, why);
        if (!params) return regs.not_computed("launch_digest", why);
        regs.set("launch_digest", sev::seves_launch_digest(ovmf, table, spec.vcpus, *params));
        return;
    }
    const SnpOptions& o = *spec.options<SnpOptions>();
    auto params = vmsa_params(spec, o.guest_features, why);
    if (!params) return regs.not_computed("launch_digest", why);
    sev::SnpInputs inputs;
    inputs.kernel_hashes = kernel_hashes_table(spec, o.kernel_hashes);
    inputs.vmm = params->vmm;
    regs.set("launch_digest", sev::snp_launch_digest(ovmf, inputs, spec.vcpus, *params));
}

void measure_csv_launch_digest(const VmSpec& spec, RegisterTable& regs) {
    MappedFile fw(*spec.firmware);
    const auto ovmf = sev::FirmwareImage::parse(fw.bytes(), spec.firmware->string());
    csv::LaunchDigestInput in;
    in.generation = csv::Generation::csv1;
    in.firmware = &ovmf;
    in.kernel_hashes_table = kernel_hashes_table(spec, spec.options<SevOptions>()->kernel_hashes);
    regs.set("launch_digest", csv::launch_digest(in));
}

}  // namespace ccvm::platform

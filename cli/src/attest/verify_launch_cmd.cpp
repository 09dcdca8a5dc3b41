// `ccvm attest verify-launch`: checks the SEV/SEV-ES LAUNCH_MEASURE blob against the launch digest
// ccvm precomputes from firmware, kernel, initrd, cmdline and vCPUs (sev.md §9).
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/firmware-measure/sev/firmware_image.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"
#include "ccvm/firmware-measure/sev/vcpu_types.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"
#include "commands.hpp"
#include "secret/secret_args.hpp"

namespace ccvm::cli {
namespace {

// sev.md §8: policy bit 2 (ES) makes the launch SEV-ES, so the VMSAs are part of the digest (§9).
constexpr std::uint32_t kPolicyEs = 1u << 2;

enum class LaunchMode { sev, seves };

struct VerifyLaunchArgs {
    std::string tik, measurement, api_major, api_minor, build_id, policy, ovmf;
    std::optional<std::string> kernel, initrd, append, mode, vcpus, vcpu_type, vcpu_sig, vmsa_profile;
    std::optional<std::string> vcpu_family, vcpu_model, vcpu_stepping;
};

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

LaunchMode launch_mode(const std::optional<std::string>& mode, std::uint32_t policy) {
    const LaunchMode from_policy = (policy & kPolicyEs) != 0 ? LaunchMode::seves : LaunchMode::sev;
    if (!mode) return from_policy;
    LaunchMode m;
    if (*mode == "sev") m = LaunchMode::sev;
    else if (*mode == "seves") m = LaunchMode::seves;
    else throw InputError("--mode: '" + *mode + "' is not sev or seves");
    // The policy is what the host reports; one that contradicts the owner's mode is a failed check.
    if (m != from_policy) {
        throw MismatchError("launch does not match --mode " + *mode + ": the reported policy " + hex32(policy) +
                            " has the ES bit (0x4) " +
                            ((policy & kPolicyEs) != 0 ? "set, so the guest was launched as SEV-ES"
                                                       : "clear, so the guest was launched as plain SEV"));
    }
    return m;
}

sev::VmsaParams vmsa_params(const VerifyLaunchArgs& a) {
    sev::VmsaParams p;  // SEV-ES: sev_features 0, QEMU
    if (a.vcpu_sig) {
        p.vcpu_sig = static_cast<std::uint32_t>(parse_bounded(*a.vcpu_sig, "--vcpu-sig", 32));
    } else if (a.vcpu_type) {
        const auto sig = sev::vcpu_sig_for_type(*a.vcpu_type);
        if (!sig) throw InputError("--vcpu-type: unknown '" + *a.vcpu_type + "' (known: " + sev::known_vcpu_types() + ")");
        p.vcpu_sig = *sig;
    } else if (a.vcpu_family) {
        if (!a.vcpu_model || !a.vcpu_stepping) throw InputError("--vcpu-family needs --vcpu-model and --vcpu-stepping");
        p.vcpu_sig = sev::cpu_sig(static_cast<std::uint32_t>(parse_bounded(*a.vcpu_family, "--vcpu-family", 32)),
                                  static_cast<std::uint32_t>(parse_bounded(*a.vcpu_model, "--vcpu-model", 32)),
                                  static_cast<std::uint32_t>(parse_bounded(*a.vcpu_stepping, "--vcpu-stepping", 32)));
    } else {
        throw InputError("SEV-ES needs --vcpu-type, --vcpu-sig or --vcpu-family/--vcpu-model/--vcpu-stepping "
                         "(the vCPU signature is in every VMSA)");
    }
    if (a.vmsa_profile) p.profile = sev::parse_vmsa_profile(*a.vmsa_profile);
    return p;
}

int run_verify_launch(const VerifyLaunchArgs& a) {
    const auto api_major = static_cast<std::uint8_t>(parse_bounded(a.api_major, "--api-major", 8));
    const auto api_minor = static_cast<std::uint8_t>(parse_bounded(a.api_minor, "--api-minor", 8));
    const auto build_id = static_cast<std::uint8_t>(parse_bounded(a.build_id, "--build-id", 8));
    const auto policy = static_cast<std::uint32_t>(parse_bounded(a.policy, "--policy", 32));
    const LaunchMode mode = launch_mode(a.mode, policy);
    if (a.initrd && !a.kernel) throw InputError("--initrd needs --kernel");
    if (a.append && !a.append->empty() && !a.kernel) throw InputError("--append needs --kernel");
    const Bytes blob = parse_measurement_blob(a.measurement, "--measurement");
    const secret::SecretBytes tik = secret::read_secret_key_file(a.tik, 16, "--tik", secret_file_access());

    MappedFile ovmf_file(a.ovmf);
    const sev::FirmwareImage ovmf = sev::FirmwareImage::parse(ovmf_file.bytes(), a.ovmf);
    std::optional<sev::KernelHashesTable> table;
    if (a.kernel) {
        MappedFile kernel(*a.kernel);
        std::optional<MappedFile> initrd;
        if (a.initrd) initrd.emplace(*a.initrd);
        table = sev::build_kernel_hashes_table(kernel.bytes(), initrd ? std::optional<ByteSpan>(initrd->bytes()) : std::nullopt,
                                               a.append ? std::optional<std::string_view>(*a.append) : std::nullopt);
    }
    Sha256Digest ld{};
    std::string what;
    if (mode == LaunchMode::sev) {
        if (a.vcpus || a.vcpu_type || a.vcpu_sig || a.vcpu_family || a.vmsa_profile) {
            throw InputError("--vcpus, --vcpu-type, --vcpu-sig, --vcpu-family and --vmsa-profile only apply to SEV-ES (policy bit 0x4)");
        }
        ld = sev::sev_launch_digest(ovmf, table);
        what = "mode sev";
    } else {
        if (!a.vcpus) throw InputError("SEV-ES needs --vcpus N (one VMSA per vCPU is measured)");
        const auto vcpus = static_cast<unsigned>(parse_bounded(*a.vcpus, "--vcpus", 16));
        if (vcpus == 0) throw InputError("--vcpus must be at least 1");
        const sev::VmsaParams params = vmsa_params(a);
        ld = sev::seves_launch_digest(ovmf, table, vcpus, params);
        what = "mode seves, " + std::to_string(vcpus) + " vCPUs, sig " + hex32(params.vcpu_sig) + ", VMSA profile " +
               std::string(sev::to_string(params.profile));
    }

    // The expected MEASURE is never printed: it is a TIK-keyed MAC the host could replay.
    if (!secret::launch_measurement_matches(tik, blob, api_major, api_minor, build_id, policy, ld)) {
        throw MismatchError("launch measurement does not match the expected launch digest " + to_hex(ld) + " (" + what +
                            ", policy " + hex32(policy) + ", API " + std::to_string(api_major) + "." +
                            std::to_string(api_minor) + " build " + std::to_string(build_id) +
                            "); a different firmware, kernel, initrd, cmdline, vCPU count/type, VMSA profile, policy, "
                            "platform version or TIK changes it");
    }
    std::cout << "ok\n";
    return 0;
}

}  // namespace

void add_verify_launch_command(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<VerifyLaunchArgs>();
    CLI::App* attest = ensure_subcommand(app, "attest", "Check launch measurements and attestation evidence");
    CLI::App* v = attest->add_subcommand("verify-launch", "Check an SEV/SEV-ES LAUNCH_MEASURE blob against the expected launch digest");
    v->add_option("--tik", a->tik, "File with the raw 16-byte TIK (mode 0600)")->required();
    v->add_option("--measurement", a->measurement, "LAUNCH_MEASURE blob, base64 (48 bytes; sev-measurement)")->required();
    v->add_option("--api-major", a->api_major, "Firmware API major version (sev-api-major)")->required();
    v->add_option("--api-minor", a->api_minor, "Firmware API minor version (sev-api-minor)")->required();
    v->add_option("--build-id", a->build_id, "Firmware build id (sev-build-id)")->required();
    v->add_option("--policy", a->policy, "Guest policy (sev-policy)")->required();
    v->add_option("--ovmf", a->ovmf, "OVMF firmware image")->required();
    v->add_option("--kernel", a->kernel, "Kernel for measured direct boot");
    v->add_option("--initrd", a->initrd, "Initrd for measured direct boot");
    v->add_option("--append", a->append, "Kernel command line");
    v->add_option("--mode", a->mode, "sev or seves (default: from the policy's ES bit)");
    v->add_option("--vcpus", a->vcpus, "Number of vCPUs (SEV-ES)");
    v->add_option("--vcpu-type", a->vcpu_type, "QEMU vCPU model, e.g. EPYC-Rome (SEV-ES)");
    v->add_option("--vcpu-sig", a->vcpu_sig, "vCPU signature (CPUID 1 EAX) instead of --vcpu-type (SEV-ES)");
    v->add_option("--vcpu-family", a->vcpu_family, "vCPU family, with --vcpu-model and --vcpu-stepping (SEV-ES)");
    v->add_option("--vcpu-model", a->vcpu_model, "vCPU model (SEV-ES)");
    v->add_option("--vcpu-stepping", a->vcpu_stepping, "vCPU stepping (SEV-ES)");
    v->add_option("--vmsa-profile", a->vmsa_profile, "SEV-ES VMSA flavour: modern (default, KVM_SEV_INIT2) or legacy");
    commands.add(v, [a] { return run_verify_launch(*a); });
}

}  // namespace ccvm::cli

// `ccvm attest verify-launch`: checks the SEV/SEV-ES LAUNCH_MEASURE blob against the launch digest
// ccvm precomputes from firmware, kernel, initrd, cmdline and vCPUs (AMD SEV API spec (pub. 55766) LAUNCH_MEASURE).
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/csv/csv_launch_digest.hpp"
#include "ccvm/firmware-measure/sev/firmware_image.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"
#include "ccvm/firmware-measure/sev/vcpu_types.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"
#include "ccvm/launch-secret/csv/launch_measure.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"
#include "commands.hpp"
#include "flag_names.hpp"
#include "mode_flags.hpp"
#include "secret/secret_args.hpp"

namespace ccvm::cli {
namespace {

// AMD SEV API spec (pub. 55766) LAUNCH_START: policy bit 2 (ES) makes the launch SEV-ES, so the VMSAs are part of the
// digest (LAUNCH_MEASURE).
constexpr std::uint32_t kPolicyEs = 1u << 2;

enum class LaunchMode { sev, seves };

struct VerifyLaunchArgs {
    std::string tik, measurement, api_major, api_minor, build_id, policy, ovmf;
    std::optional<std::string> kernel, initrd, append, mode, vcpus, vcpu_type, vcpu_sig, vmsa_profile;
    std::optional<std::string> vcpu_family, vcpu_model, vcpu_stepping;
};

LaunchMode launch_mode(const std::optional<std::string>& mode, std::uint32_t policy) {
    const LaunchMode from_policy = (policy & kPolicyEs) != 0 ? LaunchMode::seves : LaunchMode::sev;
    if (!mode) return from_policy;
    LaunchMode m;
    if (*mode == "sev")
        m = LaunchMode::sev;
    else if (*mode == "seves")
        m = LaunchMode::seves;
    else
        throw InputError("--mode: '" + *mode + "' is not sev, seves or csv");
    // The policy is what the host reports; one that contradicts the owner's mode is a failed check.
    if (m != from_policy) {
        throw MismatchError("launch does not match --mode " + *mode + ": the reported policy " + hex_number(policy) +
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
        if (!sig)
            throw InputError("--vcpu-type: unknown '" + *a.vcpu_type + "' (known: " + sev::known_vcpu_types() + ")");
        p.vcpu_sig = *sig;
    } else if (a.vcpu_family) {
        if (!a.vcpu_model || !a.vcpu_stepping) throw InputError("--vcpu-family needs --vcpu-model and --vcpu-stepping");
        p.vcpu_sig = sev::cpu_sig(static_cast<std::uint32_t>(parse_bounded(*a.vcpu_family, "--vcpu-family", 32)),
                                  static_cast<std::uint32_t>(parse_bounded(*a.vcpu_model, "--vcpu-model", 32)),
                                  static_cast<std::uint32_t>(parse_bounded(*a.vcpu_stepping, "--vcpu-stepping", 32)));
    } else {
        throw InputError(
            "SEV-ES needs --vcpu-type, --vcpu-sig or --vcpu-family/--vcpu-model/--vcpu-stepping "
            "(the vCPU signature is in every VMSA)");
    }
    if (a.vmsa_profile) p.profile = sev::parse_vmsa_profile(*a.vmsa_profile);
    return p;
}

// Hygon QEMU target/i386/csv.c: CSV1 only, since CSV2/CSV3 register state cannot be precomputed.
// The SEV kernel-hashes table for --kernel/--initrd/--append (CSV measures the same table).
std::optional<sev::KernelHashesTable> kernel_hashes_table(const VerifyLaunchArgs& a) {
    if (!a.kernel) return std::nullopt;
    MappedFile kernel(*a.kernel);
    std::optional<MappedFile> initrd;
    if (a.initrd) initrd.emplace(*a.initrd);
    return sev::build_kernel_hashes_table(kernel.bytes(),
                                          initrd ? std::optional<ByteSpan>(initrd->bytes()) : std::nullopt,
                                          a.append ? std::optional<std::string_view>(*a.append) : std::nullopt);
}

int run_verify_launch_csv(const VerifyLaunchArgs& a) {
    // Hygon QEMU target/i386/csv.c: 2 ES (CSV2), 6 CSV3.
    constexpr std::uint32_t kCsvEncryptedState = (1u << 2) | (1u << 6);
    const auto api_major = static_cast<std::uint8_t>(parse_bounded(a.api_major, "--api-major", 8));
    const auto api_minor = static_cast<std::uint8_t>(parse_bounded(a.api_minor, "--api-minor", 8));
    const auto policy = static_cast<std::uint32_t>(parse_bounded(a.policy, "--policy", 32));
    if ((policy & kCsvEncryptedState) != 0)
        throw InputError("--mode csv: policy " + hex_number(policy) +
                         " is CSV2/CSV3 (bit 0x4 or 0x40), whose register state "
                         "is not public; only CSV1 launches can be checked");
    if (a.initrd && !a.kernel) throw InputError("--initrd needs --kernel");
    if (a.append && !a.append->empty() && !a.kernel) throw InputError("--append needs --kernel");
    const Bytes blob = parse_measurement_blob(a.measurement, "--measurement");
    const secret::SecretBytes tik = secret::read_secret_key_file(a.tik, 16, "--tik", secret_file_access());

    MappedFile ovmf_file(a.ovmf);
    const sev::FirmwareImage ovmf = sev::FirmwareImage::parse(ovmf_file.bytes(), a.ovmf);
    const std::optional<sev::KernelHashesTable> table = kernel_hashes_table(a);
    const Sm3Digest ld = csv::launch_digest({csv::Generation::csv1, &ovmf, table, {}});
    if (!secret::csv::launch_measurement_matches(tik, blob, api_major, api_minor, policy, ld)) {
        throw MismatchError("launch measurement does not match the expected CSV launch digest " + to_hex(ld) +
                            " (SM3 model, not validated on Hygon hardware; policy " + hex_number(policy) + ", API " +
                            std::to_string(api_major) + "." + std::to_string(api_minor) + ")");
    }
    std::cout << "ok\n";
    return 0;
}

// The flags each --mode reads. Without --mode the policy's ES bit picks sev or seves, and
// run_verify_launch refuses the SEV-ES flags for an SEV policy itself.
const ModeFlagTable& verify_launch_flag_table() {
    static const ModeFlagTable table = {
        "attest verify-launch",
        {"--mode", "--tik", "--measurement", "--api-major", "--api-minor", "--build-id", "--policy", "--ovmf",
         "--kernel", "--initrd", "--append"},
        {
            {{"sev", "csv"}, {}},
            {{"seves"},
             {"--vcpus", "--vcpu-type", "--vcpu-sig", "--vcpu-family", "--vcpu-model", "--vcpu-stepping",
              "--vmsa-profile"}},
        },
    };
    return table;
}

int run_verify_launch(const CLI::App& cmd, const VerifyLaunchArgs& a) {
    if (a.mode) refuse_foreign_flags(cmd, *a.mode, verify_launch_flag_table());
    if (a.mode && *a.mode == "csv") return run_verify_launch_csv(a);
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
    const std::optional<sev::KernelHashesTable> table = kernel_hashes_table(a);
    Sha256Digest ld{};
    std::string what;
    if (mode == LaunchMode::sev) {
        if (a.vcpus || a.vcpu_type || a.vcpu_sig || a.vcpu_family || a.vmsa_profile) {
            throw InputError(
                "--vcpus, --vcpu-type, --vcpu-sig, --vcpu-family and --vmsa-profile only apply to SEV-ES (policy bit "
                "0x4)");
        }
        ld = sev::sev_launch_digest(ovmf, table);
        what = "mode sev";
    } else {
        if (!a.vcpus) throw InputError("SEV-ES needs --vcpus N (one VMSA per vCPU is measured)");
        const auto vcpus = static_cast<unsigned>(parse_bounded(*a.vcpus, "--vcpus", 16));
        if (vcpus == 0) throw InputError("--vcpus must be at least 1");
        const sev::VmsaParams params = vmsa_params(a);
        ld = sev::seves_launch_digest(ovmf, table, vcpus, params);
        what = "mode seves, " + std::to_string(vcpus) + " vCPUs, sig " + hex_number(params.vcpu_sig) +
               ", VMSA profile " + std::string(sev::to_string(params.profile));
    }

    // The expected MEASURE is never printed: it is a TIK-keyed MAC the host could replay.
    if (!secret::launch_measurement_matches(tik, blob, api_major, api_minor, build_id, policy, ld)) {
        throw MismatchError("launch measurement does not match the expected launch digest " + to_hex(ld) + " (" + what +
                            ", policy " + hex_number(policy) + ", API " + std::to_string(api_major) + "." +
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
    CLI::App* v = attest->add_subcommand("verify-launch",
                                         "Check an SEV/SEV-ES LAUNCH_MEASURE blob against the expected launch digest");
    v->add_option("--tik", a->tik, "File with the raw 16-byte TIK (mode 0600)")->required();
    v->add_option("--measurement", a->measurement, "LAUNCH_MEASURE blob, base64 (48 bytes; sev-measurement)")
        ->required();
    v->add_option("--api-major", a->api_major, "Firmware API major version (sev-api-major)")->required();
    v->add_option("--api-minor", a->api_minor, "Firmware API minor version (sev-api-minor)")->required();
    v->add_option("--build-id", a->build_id, "Firmware build id (sev-build-id)")->required();
    v->add_option("--policy", a->policy, "Guest policy (sev-policy)")->required();
    v->add_option("--ovmf", a->ovmf, "OVMF firmware image")->required();
    v->add_option("--kernel", a->kernel, "Kernel for measured direct boot");
    v->add_option("--initrd", a->initrd, "Initrd for measured direct boot");
    v->add_option("--append", a->append, "Kernel command line");
    v->add_option("--mode", a->mode,
                  "sev or seves (default: from the policy's ES bit), or csv (Hygon CSV1 model; --build-id unused)");
    v->add_option("--vcpus", a->vcpus, "Number of vCPUs (SEV-ES)");
    v->add_option("--vcpu-type", a->vcpu_type, "QEMU vCPU model, e.g. EPYC-Rome (SEV-ES)");
    v->add_option("--vcpu-sig", a->vcpu_sig, "vCPU signature (CPUID 1 EAX) instead of --vcpu-type (SEV-ES)");
    v->add_option("--vcpu-family", a->vcpu_family, "vCPU family, with --vcpu-model and --vcpu-stepping (SEV-ES)");
    v->add_option("--vcpu-model", a->vcpu_model, "vCPU model (SEV-ES)");
    v->add_option("--vcpu-stepping", a->vcpu_stepping, "vCPU stepping (SEV-ES)");
    v->add_option("--vmsa-profile", a->vmsa_profile, "SEV-ES VMSA flavour: modern (default, KVM_SEV_INIT2) or legacy");
    check_mode_flag_table(*v, verify_launch_flag_table());
    commands.add(v, [a, v] { return naming_flags([&] { return run_verify_launch(*v, *a); }); });
}

}  // namespace ccvm::cli

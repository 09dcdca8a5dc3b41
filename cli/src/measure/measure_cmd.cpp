// `ccvm measure`: declares every flag once and hands the parsed set to the family owning --mode.
#include <iostream>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "commands.hpp"
#include "flag_names.hpp"
#include "measure/measure_args.hpp"
#include "measure/measure_families.hpp"
#include "vm/register_view.hpp"

namespace ccvm::cli {
namespace {

// `ccvm measure SPEC.yaml`: every register of the spec's family, as JSON.
int run_measure_spec(const MeasureArgs& args) {
    if (args.mode) throw InputError("measure: give either a spec file or --mode, not both");
    platform::VmSpec spec = platform::load_vm_spec(*args.spec);
    std::cout << json::dump(measurement_json(platform::measure_spec(spec)), true) << "\n";
    return 0;
}

int run_measure(const CLI::App& cmd, const MeasureArgs& args) {
    if (args.spec) return run_measure_spec(args);
    if (!args.mode) {
        throw InputError("measure: --mode is required (one of " + known_modes() + ")");
    }
    refuse_foreign_flags(cmd, *args.mode, measure_flag_table());
    for (const MeasureFamily& family : measure_families()) {
        for (const std::string& m : family.modes)
            if (m == *args.mode) return naming_flags([&] { return family.run(args); });
    }
    throw InputError("measure: unknown --mode '" + *args.mode + "' (known: " + known_modes() + ")");
}

}  // namespace

std::string known_modes() {
    std::string out;
    for (const MeasureFamily& family : measure_families())
        for (const std::string& m : family.modes) out += (out.empty() ? "" : ", ") + m;
    return out;
}

void add_measure_command(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<MeasureArgs>();
    CLI::App* m = app.add_subcommand("measure", "Precompute the launch measurement a TEE will report");
    m->add_option("spec", args->spec, "VM spec (YAML) to measure instead of flags");
    m->add_option("--mode", args->mode, "Guest mode: sev, seves, snp, snp:ovmf-hash, snp:svsm, tdx, cca, csv");
    m->add_option("--output-format", args->output_format, "Output format: hex, base64 or json");
    m->add_flag("--trace", args->trace, "Print every measurement step");

    auto* fw = "Firmware and payload";
    m->add_option("--ovmf", args->ovmf, "OVMF / TDVF firmware image")->group(fw);
    m->add_option("--kernel", args->kernel, "Kernel image (direct boot)")->group(fw);
    m->add_option("--initrd", args->initrd, "Initrd image")->group(fw);
    m->add_option("--append", args->append, "Kernel command line")->group(fw);
    m->add_option("--vcpus", args->vcpus, "Number of vCPUs")->group(fw);

    auto* sev = "AMD SEV, SEV-ES, SEV-SNP";
    m->add_option("--vcpu-type", args->vcpu_type, "QEMU vCPU model (e.g. EPYC-v4, EPYC-Milan)")->group(sev);
    m->add_option("--vcpu-sig", args->vcpu_sig, "vCPU signature (CPUID 1 EAX)")->group(sev);
    m->add_option("--vcpu-family", args->vcpu_family, "vCPU family")->group(sev);
    m->add_option("--vcpu-model", args->vcpu_model, "vCPU model")->group(sev);
    m->add_option("--vcpu-stepping", args->vcpu_stepping, "vCPU stepping")->group(sev);
    m->add_option("--vmm-type", args->vmm_type, "VMM type: QEMU, ec2 or gce")->group(sev);
    m->add_option("--guest-features", args->guest_features, "SNP guest features (SEV_FEATURES), default 0x1")
        ->group(sev);
    m->add_option("--snp-ovmf-hash", args->snp_ovmf_hash, "Precomputed OVMF hash (hex), snp mode only")->group(sev);
    m->add_option("--svsm", args->svsm, "SVSM image (snp:svsm mode)")->group(sev);
    m->add_option("--vars-size", args->vars_size, "OVMF_VARS size in bytes (snp:svsm mode)")->group(sev);
    m->add_option("--vars-file", args->vars_file, "OVMF_VARS file (snp:svsm mode)")->group(sev);
    m->add_option("--vmsa-profile", args->vmsa_profile, "VMSA flavour: modern (default) or legacy")->group(sev);
    m->add_option("--dump-vmsa", args->dump_vmsa, "Write the VMSA pages to this directory")->group(sev);
    m->add_option("--sweep-vcpus", args->sweep_vcpus, "Print one digest per vCPU count in RANGE (e.g. 1-512)")
        ->group(sev);

    auto* tdx = "Intel TDX";
    m->add_option("--memory", args->memory, "Guest memory (bytes or with K/M/G suffix)")->group(tdx);
    m->add_option("--acpi-dir", args->acpi_dir, "Directory with etc_table-loader, etc_acpi_rsdp, etc_acpi_tables")
        ->group(tdx);
    m->add_option("--smbios", args->smbios,
                  "Guest SMBIOS structure table (/sys/firmware/dmi/tables/DMI), edk2 >= 2025.05")
        ->group(tdx);
    m->add_option("--edk2-version", args->edk2_version, "Firmware measurement rules (YYYY.MM)")->group(tdx);
    m->add_option("--qemu-version", args->qemu_version, "QEMU version (X.Y)")->group(tdx);
    m->add_option("--page-add-order", args->page_add_order, "single-pass or two-pass")->group(tdx);

    auto* cca = "Arm CCA";
    m->add_option("--plan", args->plan, "CCA measurement plan (JSON)")->group(cca);
    m->add_option("--vmm", args->vmm, "VMM layout: qemu or kvmtool")->group(cca);
    m->add_option("--firmware", args->firmware, "Realm firmware image")->group(cca);
    m->add_option("--firmware-address", args->firmware_address, "Firmware load address")->group(cca);
    m->add_option("--dtb", args->dtb, "Device tree blob passed to the realm")->group(cca);
    m->add_option("--hash-algo", args->hash_algo, "sha256 or sha512")->group(cca);
    m->add_option("--ipa-bits", args->ipa_bits, "Host maximum IPA width")->group(cca);
    m->add_option("--sve-vl", args->sve_vl, "SVE vector length in bits")->group(cca);
    m->add_option("--pmu-counters", args->pmu_counters, "PMU counters")->group(cca);
    m->add_option("--num-bps", args->num_bps, "Breakpoints")->group(cca);
    m->add_option("--num-wps", args->num_wps, "Watchpoints")->group(cca);
    m->add_flag("--lpa2", args->lpa2, "Enable LPA2")->group(cca);
    m->add_flag("--measurement-log", args->measurement_log, "Reserve the measurement-log region")->group(cca);
    m->add_option("--rmm-version", args->rmm_version, "RMM version: 1.0 or 2.0")->group(cca);

    m->add_option("--vmsa-file", args->vmsa_files, "CSV2/CSV3 register-state page (repeatable)")->group("Hygon CSV");

    check_mode_flag_table(*m, measure_flag_table());
    commands.add(m, [args, m] { return run_measure(*m, *args); });
}

}  // namespace ccvm::cli

// Every flag of `ccvm measure`, shared by the TEE families. Flags are kept as given (strings for
// numbers that may be hex) so each family validates and reports errors in its own terms.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ccvm::cli {

struct MeasureArgs {
    std::optional<std::string> spec;  // `ccvm measure SPEC.yaml`
    std::optional<std::string> mode;
    std::string output_format = "hex";
    bool trace = false;

    // Firmware, kernel and cmdline (SEV, SEV-ES, SNP, CSV, TDX).
    std::optional<std::string> ovmf, kernel, initrd, append;
    std::optional<std::string> vcpus;

    // AMD SEV family (virtee/sev-snp-measure 0.0.13 flag set and ccvm extensions).
    std::optional<std::string> vcpu_type, vcpu_sig, vcpu_family, vcpu_model, vcpu_stepping;
    std::optional<std::string> vmm_type;
    std::optional<std::string> guest_features;
    std::optional<std::string> snp_ovmf_hash;
    std::optional<std::string> svsm, vars_size, vars_file;
    std::optional<std::string> vmsa_profile;
    std::optional<std::string> dump_vmsa;
    std::optional<std::string> sweep_vcpus;

    // Intel TDX.
    std::optional<std::string> memory;
    std::optional<std::string> acpi_dir, smbios, edk2_version, qemu_version, page_add_order;

    // Arm CCA.
    std::optional<std::string> plan, vmm, firmware, firmware_address, dtb, hash_algo;
    std::optional<std::string> ipa_bits, sve_vl, pmu_counters, num_bps, num_wps, rmm_version;
    bool lpa2 = false;
    bool measurement_log = false;

    // Hygon CSV2/CSV3: user-supplied register-state pages.
    std::vector<std::string> vmsa_files;
};

// A TEE family's handler for `ccvm measure --mode M`.
struct MeasureFamily {
    std::vector<std::string> modes;
    int (*run)(const MeasureArgs& args);
};

}  // namespace ccvm::cli

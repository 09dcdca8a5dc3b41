#include "measure/measure_families.hpp"

#include "measure/csv.hpp"
#include "measure/sev.hpp"

namespace ccvm::cli {

int run_tdx_measure(const MeasureArgs& args);
int run_cca_measure(const MeasureArgs& args);  // measure/cca.cpp

// One line per family; the family's file defines its MeasureFamily.
const std::vector<MeasureFamily>& measure_families() {
    static const std::vector<MeasureFamily> families = {
        {{"sev", "seves", "snp", "snp:ovmf-hash", "snp:svsm"}, &run_sev_measure},
        {{"tdx"}, &run_tdx_measure},
        {{"csv", "csv2", "csv3"}, &run_csv_measure},
        {{"cca"}, &run_cca_measure},
    };
    return families;
}

// The flags each mode reads. Where virtee/sev-snp-measure accepts a flag it ignores and a reference
// vector passes it, the flag stays accepted: --guest-features under seves (SEV-ES has no
// SEV_FEATURES, the VMSA's is 0) and --snp-ovmf-hash under snp:ovmf-hash (that mode computes it).
const ModeFlagTable& measure_flag_table() {
    static const ModeFlagTable table = {
        "measure",
        {"spec", "--mode", "--output-format", "--trace"},
        {
            {{"sev"}, {"--ovmf", "--kernel", "--initrd", "--append"}},
            {{"seves"},
             {"--ovmf", "--kernel", "--initrd", "--append", "--vcpus", "--sweep-vcpus", "--vcpu-type", "--vcpu-sig",
              "--vcpu-family", "--vcpu-model", "--vcpu-stepping", "--vmm-type", "--vmsa-profile", "--dump-vmsa",
              "--guest-features"}},
            {{"snp"},
             {"--ovmf", "--kernel", "--initrd", "--append", "--vcpus", "--sweep-vcpus", "--vcpu-type", "--vcpu-sig",
              "--vcpu-family", "--vcpu-model", "--vcpu-stepping", "--vmm-type", "--vmsa-profile", "--dump-vmsa",
              "--guest-features", "--snp-ovmf-hash"}},
            {{"snp:ovmf-hash"}, {"--ovmf", "--snp-ovmf-hash"}},
            // The SVSM VMSA has its own register state (no VMSA profile, SEV_FEATURES fixed), and this
            // mode measures no kernel hashes table, so kernel, initrd and cmdline would go unmeasured.
            {{"snp:svsm"},
             {"--ovmf", "--vcpus", "--sweep-vcpus", "--vcpu-type", "--vcpu-sig", "--vcpu-family", "--vcpu-model",
              "--vcpu-stepping", "--vmm-type", "--dump-vmsa", "--svsm", "--vars-size", "--vars-file"}},
            {{"tdx"},
             {"--ovmf", "--kernel", "--initrd", "--append", "--vcpus", "--memory", "--acpi-dir", "--smbios",
              "--edk2-version", "--qemu-version", "--page-add-order"}},
            {{"csv", "csv2", "csv3"}, {"--ovmf", "--kernel", "--initrd", "--append", "--vcpus", "--vmsa-file"}},
            {{"cca"},
             {"--plan", "--vmm", "--firmware", "--firmware-address", "--kernel", "--initrd", "--dtb", "--memory",
              "--vcpus", "--hash-algo", "--ipa-bits", "--sve-vl", "--pmu-counters", "--num-bps", "--num-wps", "--lpa2",
              "--measurement-log", "--rmm-version"}},
        },
        {
            {"cca", "--ovmf", "pass the realm firmware with --firmware"},
            {"cca", "--append", "the command line is the DTB's /chosen/bootargs, so pass that DTB"},
        },
    };
    return table;
}

}  // namespace ccvm::cli

// `ccvm measure --mode tdx`: MRTD and RTMR0..3 of a direct-kernel-boot TD (tdx.md).
#include <cstdio>
#include <iostream>
#include <memory>

#include "args.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"
#include "measure/measure_args.hpp"
#include "measure/tdx_output.hpp"

namespace ccvm::cli {
namespace {

void refuse_foreign_flags(const MeasureArgs& a) {
    const std::pair<const char*, bool> foreign[] = {
        {"--vcpu-type", a.vcpu_type.has_value()}, {"--vcpu-sig", a.vcpu_sig.has_value()},
        {"--vmm-type", a.vmm_type.has_value()},   {"--snp-ovmf-hash", a.snp_ovmf_hash.has_value()},
        {"--svsm", a.svsm.has_value()},           {"--plan", a.plan.has_value()},
        {"--dtb", a.dtb.has_value()},             {"--guest-features", a.guest_features.has_value()},
    };
    for (const auto& [flag, set] : foreign)
        if (set) throw InputError(std::string("measure --mode tdx: ") + flag + " does not apply to TDX");
}

void print_trace(const tdx::TdxMeasurement& m) {
    std::fprintf(stderr, "TDVF descriptor at 0x%zx, %zu sections\n", m.metadata.descriptor_offset, m.metadata.sections.size());
    for (std::size_t i = 0; i < m.metadata.sections.size(); ++i) {
        const tdx::TdvfSection& s = m.metadata.sections[i];
        std::fprintf(stderr, "  section %zu %-7s GPA 0x%llx size 0x%llx data 0x%x+0x%x attr 0x%x\n", i,
                     std::string(tdx::to_string(s.type)).c_str(), static_cast<unsigned long long>(s.memory_address),
                     static_cast<unsigned long long>(s.memory_data_size), s.data_offset, s.raw_data_size, s.attributes);
    }
    if (m.mrtd.value) {
        std::fprintf(stderr, "MRTD stream: %llu PAGE.ADD + %llu MR.EXTEND records, %llu bytes\n",
                     static_cast<unsigned long long>(m.mrtd_stats.page_add_records),
                     static_cast<unsigned long long>(m.mrtd_stats.extend_records),
                     static_cast<unsigned long long>(m.mrtd_stats.stream_bytes));
    }
    tdx::Rtmrs running{};
    for (const tdx::Event& e : m.events) {
        running[e.rtmr] = tdx::extend(running[e.rtmr], e.digest);
        std::fprintf(stderr, "rtmr%u %-32s %s %s\n      -> %s\n", e.rtmr, tdx::event_type_name(static_cast<std::uint32_t>(e.type)).c_str(),
                     to_hex(e.digest).c_str(), e.description.c_str(), to_hex(running[e.rtmr]).c_str());
    }
}

int run_tdx(const MeasureArgs& a) {
    refuse_foreign_flags(a);
    if (a.output_format != "json" && a.output_format != "hex") {
        throw InputError("measure --mode tdx: --output-format must be json or hex, not '" + a.output_format + "'");
    }
    if (!a.ovmf) throw InputError("measure --mode tdx: --ovmf (a TDVF image) is required");
    if (a.initrd && !a.kernel) throw InputError("measure --mode tdx: --initrd needs --kernel");
    if (a.append && !a.kernel) throw InputError("measure --mode tdx: --append needs --kernel");

    tdx::TdxInputs in;
    // Flags are validated before any file is read, so usage errors come first.
    if (a.memory) in.memory = parse_size(*a.memory, "--memory");
    if (a.vcpus) (void)parse_uint(*a.vcpus, "--vcpus");  // enters only through the ACPI tables
    if (a.edk2_version) in.edk2 = tdx::Edk2Version::parse(*a.edk2_version);
    if (a.qemu_version) in.qemu = tdx::QemuVersion::parse(*a.qemu_version);
    if (a.page_add_order) in.page_add_order = tdx::parse_page_add_order(*a.page_add_order);
    if (in.memory && *in.memory == 0) throw InputError("--memory: guest memory cannot be 0");

    const MappedFile firmware(*a.ovmf);
    in.firmware = firmware.bytes();
    in.firmware_name = *a.ovmf;
    std::unique_ptr<MappedFile> kernel, initrd;
    if (a.kernel) {
        kernel = std::make_unique<MappedFile>(*a.kernel);
        in.kernel = kernel->bytes();
        in.kernel_name = *a.kernel;
    }
    if (a.initrd) {
        initrd = std::make_unique<MappedFile>(*a.initrd);
        in.initrd = initrd->bytes();
    }
    in.cmdline = a.append.value_or("");
    if (a.acpi_dir) in.acpi = tdx::load_acpi_blobs(*a.acpi_dir);

    const tdx::TdxMeasurement m = tdx::measure_tdx(in);
    if (a.trace) print_trace(m);
    std::cout << (a.output_format == "json" ? tdx_measurement_json(m).dump(true) : tdx_measurement_hex(m)) << "\n";
    return 0;
}

}  // namespace

int run_tdx_measure(const MeasureArgs& args) { return run_tdx(args); }

}  // namespace ccvm::cli

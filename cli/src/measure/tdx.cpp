// `ccvm measure --mode tdx`: MRTD and RTMR0..3 of a direct-kernel-boot TD (Intel TDX module spec; Intel TDVF design
// guide).
#include <cstdio>
#include <iostream>
#include <memory>

#include "args.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"
#include "measure/measure_args.hpp"
#include "measure/sev_trace_io.hpp"
#include "measure/tdx_output.hpp"
#include "measure/tdx_trace.hpp"

namespace ccvm::cli {
namespace {

int run_tdx(const MeasureArgs& a) {
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
    if (a.edk2_version) in.edk2 = tdx::Edk2Version::parse(*a.edk2_version, "--edk2-version");
    if (a.qemu_version) in.qemu = tdx::QemuVersion::parse(*a.qemu_version, "--qemu-version");
    if (a.page_add_order) in.page_add_order = tdx::parse_page_add_order(*a.page_add_order, "--page-add-order");
    if (in.memory && *in.memory == 0) throw InputError("--memory: guest memory cannot be 0");

    const MappedFile firmware(*a.ovmf);
    in.firmware = firmware.bytes();
    in.firmware_name = *a.ovmf;
    std::unique_ptr<MappedFile> kernel, initrd, smbios;
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
    if (a.smbios) {
        smbios = std::make_unique<MappedFile>(*a.smbios);
        in.smbios = smbios->bytes();
        in.smbios_name = *a.smbios;
    }

    const tdx::TdxMeasurement m = tdx::measure_tdx(in);
    if (a.output_format == "json") {
        json::Value out = tdx_measurement_json(m);
        if (a.trace) out["trace"] = trace_to_json(tdx_trace(m, in.firmware));
        std::cout << json::dump(out, true) << "\n";
    } else {
        if (a.trace) std::cout << render_trace_text("tdx", tdx_trace(m, in.firmware));
        std::cout << tdx_measurement_hex(m) << "\n";
    }
    return 0;
}

}  // namespace

int run_tdx_measure(const MeasureArgs& args) { return run_tdx(args); }

}  // namespace ccvm::cli

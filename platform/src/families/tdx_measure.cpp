#include "families/tdx_measure.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/tdx/acpi_blobs.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"
#include "ccvm/firmware-measure/tdx/mrtd.hpp"
#include "ccvm/firmware-measure/tdx/versions.hpp"

namespace ccvm::platform {
namespace {

void report(RegisterTable& regs, const std::string& name, const tdx::RegisterValue& v) {
    if (v.value)
        regs.set(name, *v.value);
    else
        regs.not_computed(name, v.reason.empty() ? "not computed" : v.reason);
}

}  // namespace

void measure_tdx_registers(const VmSpec& spec, RegisterTable& regs) {
    MappedFile firmware(*spec.firmware);
    std::optional<MappedFile> kernel, initrd;
    if (spec.kernel) kernel.emplace(*spec.kernel);
    if (spec.initrd) initrd.emplace(*spec.initrd);

    tdx::TdxInputs in;
    in.firmware = firmware.bytes();
    in.firmware_name = spec.firmware->string();
    if (kernel) {
        in.kernel = kernel->bytes();
        in.kernel_name = spec.kernel->string();
    }
    if (initrd) in.initrd = initrd->bytes();
    in.cmdline = spec.cmdline.value_or("");
    in.memory = spec.memory_bytes;
    if (spec.host.acpi_dir) in.acpi = tdx::load_acpi_blobs(*spec.host.acpi_dir);
    if (spec.host.edk2_version) in.edk2 = tdx::Edk2Version::parse(*spec.host.edk2_version, "host.edk2-version");
    if (spec.host.qemu_version) in.qemu = tdx::QemuVersion::parse(*spec.host.qemu_version, "host.qemu-version");
    if (spec.host.page_add_order)
        in.page_add_order = tdx::parse_page_add_order(*spec.host.page_add_order, "host.page-add-order");

    const tdx::TdxMeasurement m = tdx::measure_tdx(in);
    report(regs, "mrtd", m.mrtd);
    for (std::size_t i = 0; i < tdx::kRtmrCount; ++i) report(regs, "rtmr" + std::to_string(i), m.rtmr[i]);
}

}  // namespace ccvm::platform

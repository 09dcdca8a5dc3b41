#include "ccvm/firmware-measure/tdx/measurement.hpp"

#include <cstdio>
#include <future>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/load_options.hpp"
#include "ccvm/firmware-measure/tdx/pe_authenticode.hpp"
#include "ccvm/firmware-measure/tdx/qemu_kernel_loader.hpp"
#include "ccvm/firmware-measure/tdx/rtmr_events.hpp"
#include "ccvm/firmware-measure/tdx/smbios_measurement.hpp"
#include "ccvm/firmware-measure/tdx/td_hob.hpp"

namespace ccvm::tdx {
namespace {

// Linux drivers/firmware/efi/libstub: the first Linux release whose EFI stub uses EFI_CC_MEASUREMENT_PROTOCOL.
constexpr std::pair<int, int> kFirstMeasuringStub{6, 9};

struct KernelDigest {
    Sha384Digest digest{};
    std::string description;
};

KernelDigest kernel_digest(const TdxInputs& in, bool patch) {
    KernelDigest k;
    if (!patch) {
        k.digest = authenticode_sha384(*in.kernel, {}, in.kernel_name);
        k.description = "kernel Authenticode SHA-384 (file as is: QEMU " + in.qemu->to_string() +
                        " does not patch the setup header of confidential guests)";
        return k;
    }
    QemuLoadParams params{in.memory.value_or(0), std::nullopt, in.cmdline};
    if (in.initrd) params.initrd_size = in.initrd->size();
    const Bytes setup = qemu_patched_setup(*in.kernel, params, in.kernel_name);
    k.digest = authenticode_sha384(*in.kernel, setup, in.kernel_name);
    k.description = "kernel Authenticode SHA-384 (setup header patched by QEMU " + in.qemu->to_string();
    if (in.initrd) {
        k.description += ": ramdisk_image " + hex_number(load_le<std::uint32_t>(setup, kRamdiskImage)) +
                         ", ramdisk_size " + hex_number(in.initrd->size());
    }
    k.description += ")";
    return k;
}

RegisterValue missing(std::string reason) { return {std::nullopt, std::move(reason), {}}; }
RegisterValue computed(const Sha384Digest& value, std::string note = {}) { return {value, {}, std::move(note)}; }

}  // namespace

TdxMeasurement measure_tdx(const TdxInputs& in) {
    TdxMeasurement out;
    out.metadata = parse_tdvf_metadata(in.firmware, in.firmware_name);
    const TdvfMetadata& md = out.metadata;

    // Independent digests, each on its own thread: MRTD stream, CFV, kernel, initrd.
    std::future<Sha384Digest> mrtd;
    if (in.page_add_order) {
        mrtd = std::async(std::launch::async,
                          [&] { return compute_mrtd(in.firmware, md, *in.page_add_order, &out.mrtd_stats); });
    }
    const TdvfSection* cfv_section = md.find(SectionType::cfv);
    std::future<Sha384Digest> cfv;
    if (cfv_section != nullptr) {
        cfv = std::async(std::launch::async, [&] {
            return sha384(
                checked_subspan(in.firmware, cfv_section->data_offset, cfv_section->raw_data_size, "CFV section"));
        });
    }
    std::future<Sha384Digest> initrd;
    if (in.initrd) initrd = std::async(std::launch::async, [&] { return sha384(*in.initrd); });
    const bool patch = in.qemu && qemu_patches_setup_header(*in.qemu);
    const bool kernel_needs_memory = patch && in.initrd && !in.memory;
    std::future<KernelDigest> kernel;
    if (in.kernel && in.qemu && !kernel_needs_memory) {
        kernel = std::async(std::launch::async, [&] { return kernel_digest(in, patch); });
    }

    out.mrtd = in.page_add_order
                   ? computed(mrtd.get())
                   : missing("no page-add order given (single-pass: upstream KVM; two-pass: QEMU 8.x TDX trees)");
    out.rtmr[3] = computed(Sha384Digest{}, "firmware never extends RTMR3; only runtime TDG.MR.RTMR.EXTEND does");

    if (!in.edk2) {
        const std::string r = "no edk2 version given: the firmware's measurement rules are unknown";
        out.rtmr[0] = out.rtmr[1] = out.rtmr[2] = missing(r);
        if (kernel.valid()) kernel.get();  // still validates the kernel
        return out;
    }
    const Edk2Version edk2 = *in.edk2;
    if (firmware_generation(edk2) == FirmwareGeneration::no_measurement) {
        // edk2 OvmfPkg release history: no TdTcg2Dxe before edk2-stable202302: nothing is measured.
        out.rtmr[0] = out.rtmr[1] = out.rtmr[2] =
            computed(Sha384Digest{}, "edk2 " + edk2.to_string() + " (< 2023.02) has no TDX measurement (no TdTcg2Dxe)");
        if (kernel.valid()) kernel.get();  // still validates the kernel
        return out;
    }

    // RTMR0
    std::vector<Event> events;
    if (!in.kernel) {
        out.rtmr[0] = missing("no kernel: only direct kernel boot (-kernel) is modelled");
    } else if (!in.memory) {
        out.rtmr[0] = missing("no guest memory size given: the TD HOB depends on it");
    } else if (!in.acpi) {
        out.rtmr[0] =
            missing("no ACPI tables given (etc/table-loader, etc/acpi/rsdp, etc/acpi/tables from `ccvm acpi dump`)");
    } else if (cfv_section == nullptr) {
        out.rtmr[0] = missing("the firmware's TDX metadata has no CFV section");
    } else {
        Rtmr0Inputs r0;
        r0.td_hob = sha384(build_td_hob(md, *in.memory));
        r0.cfv = cfv.get();
        for (const AcpiBlob& b : *in.acpi) r0.acpi.emplace_back(b.fw_cfg_name, sha384(b.data));
        if (in.smbios) r0.smbios = sha384(smbios_measured_table(*in.smbios, in.smbios_name));
        if (auto ev = rtmr0_events(edk2, r0)) {
            out.rtmr[0] = computed(replay(*ev)[0]);
            events.insert(events.end(), ev->begin(), ev->end());
        } else {
            out.rtmr[0] =
                missing("edk2 " + edk2.to_string() +
                        " (>= 2025.05) measures the guest's SMBIOS table into RTMR0 (SmbiosMeasurementDxe): give it as "
                        "the guest's SMBIOS tables (smbios: /sys/firmware/dmi/tables/DMI of a guest with the same QEMU "
                        "and VM configuration)");
        }
    }

    // RTMR1
    if (!in.kernel) {
        out.rtmr[1] = missing("no kernel: only direct kernel boot (-kernel) is modelled");
    } else if (!in.qemu) {
        out.rtmr[1] = missing("no QEMU version given: QEMU <= 10.1 patches the kernel setup header, >= 10.2 does not");
    } else if (kernel_needs_memory) {
        out.rtmr[1] =
            missing("no guest memory size given: QEMU places the initrd by RAM size in the patched setup header");
    } else {
        KernelDigest k = kernel.get();
        auto ev = rtmr1_events(edk2, k.digest, std::move(k.description));
        out.rtmr[1] = computed(replay(ev)[1]);
        events.insert(events.end(), ev.begin(), ev.end());
    }

    // RTMR2
    std::optional<std::pair<int, int>> release;
    if (in.kernel) release = linux_release(parse_setup_header(*in.kernel, in.kernel_name));
    if (!in.kernel) {
        out.rtmr[2] = missing("no kernel: only direct kernel boot (-kernel) is modelled");
    } else if (!release) {
        out.rtmr[2] = missing(
            "the kernel's setup header carries no Linux version: cannot tell whether its EFI stub measures "
            "LoadOptions/initrd");
    } else if (*release < kFirstMeasuringStub) {
        out.rtmr[2] =
            computed(Sha384Digest{}, "Linux " + std::to_string(release->first) + "." + std::to_string(release->second) +
                                         " EFI stub does not measure LoadOptions/initrd (CC measurement needs >= 6.9)");
    } else {
        const Bytes opts = load_options(in.cmdline, in.initrd.has_value(), edk2);
        std::optional<Sha384Digest> initrd_digest;
        if (in.initrd) initrd_digest = initrd.get();
        auto ev = rtmr2_events(edk2, opts, load_options_text(in.cmdline, in.initrd.has_value(), edk2), initrd_digest);
        out.rtmr[2] = computed(replay(ev)[2]);
        events.insert(events.end(), ev.begin(), ev.end());
    }
    out.events = std::move(events);
    return out;
}

}  // namespace ccvm::tdx

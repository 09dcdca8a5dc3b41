#include "ccvm/firmware-measure/cca/qemu_virt_layout.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/cca/arm64_image.hpp"
#include "vmm_blobs.hpp"

namespace ccvm::cca {
namespace {

// hw/arm/boot.c: the initrd goes at least min(RAM/2, 128 MiB) into RAM, page aligned, and the DTB
// at the next 2 MiB boundary after it.
constexpr std::uint64_t kInitrdMaxOffset = 128ull << 20;
constexpr std::uint64_t kInitrdAlign = 4096;
constexpr std::uint64_t kDtbAlign = 2ull << 20;
// hw/arm/virt.c: -bios is loaded into flash bank 0 (64 MiB at IPA 0).
constexpr std::uint64_t kFlashSize = 64ull << 20;
constexpr std::uint64_t kGiB = 1ull << 30;

}  // namespace

unsigned qemu_virt_ipa_bits(std::uint64_t memory) {
    // virt_set_high_memmap: device memory starts after the (1 GiB aligned) RAM end, not below
    // 256 GiB; each high region is aligned to its size.
    std::uint64_t addr = std::max(align_up(kQemuVirtRamBase + memory, kGiB), kQemuHighMemBase);
    for (std::uint64_t size : {kQemuHighRedistSize, kQemuHighPcieEcamSize, kQemuHighPcieMmioSize})
        addr = align_up(addr, size) + size;
    const unsigned pa_bits = static_cast<unsigned>(std::bit_width(addr - 1));
    return pa_bits + 1;  // a realm's IPA space doubles it for the unprotected alias
}

Plan qemu_virt_plan(const VmmInputs& in) {
    if (in.memory == 0 || !is_granule_aligned(in.memory))
        throw InputError("memory must be a non-zero multiple of 4 KiB");
    if (in.memory > (1ull << 48)) throw InputError("memory is larger than any realm IPA space");
    if (in.vcpus == 0) throw InputError("vcpus must be at least 1");
    if (in.firmware_address) throw InputError("firmware-address applies to kvmtool; QEMU loads -bios at IPA 0");
    if (in.initrd && !in.kernel) throw InputError("an initrd needs a kernel");

    const RealmParams params = realm_params_for(in.realm, MeasurementAlgo::sha512, qemu_virt_ipa_bits(in.memory));
    const std::uint64_t ram_end = kQemuVirtRamBase + in.memory;
    std::vector<LoadedBlob> blobs;
    RecParams rec;
    std::uint64_t dtb_start = kQemuVirtRamBase;
    rec.pc = kQemuVirtRamBase;

    if (in.kernel) {
        const MappedFile kernel(*in.kernel);
        const Arm64ImageHeader hdr = parse_arm64_image_header(kernel.bytes(), in.kernel->string());
        const std::uint64_t kernel_start = kQemuVirtRamBase + hdr.text_offset;
        // image_size covers BSS; pre-3.17 kernels leave it 0 and occupy at least their file.
        const std::uint64_t load_size = hdr.image_size != 0 ? hdr.image_size : kernel.size();
        std::uint64_t initrd_start = kQemuVirtRamBase + std::min(in.memory / 2, kInitrdMaxOffset);
        initrd_start = align_up(std::max(initrd_start, kernel_start + load_size), kInitrdAlign);
        std::uint64_t initrd_size = 0;
        rec.pc = kernel_start;
        // With -bios the kernel and initrd go to the firmware through fw_cfg and stay out of the RIM.
        if (!in.firmware) blobs.push_back({"kernel " + in.kernel->string(), {kernel_start, *in.kernel}, kernel.size()});
        if (in.initrd) {
            initrd_size = file_size_of(*in.initrd);
            if (!in.firmware)
                blobs.push_back({"initrd " + in.initrd->string(), {initrd_start, *in.initrd}, initrd_size});
        }
        dtb_start = align_up(initrd_start + initrd_size, kDtbAlign);
    }
    if (in.firmware) {
        const std::uint64_t size = file_size_of(*in.firmware);
        if (size > kFlashSize)
            throw InputError(in.firmware->string() + ": firmware of " + std::to_string(size) +
                             " bytes exceeds the 64 MiB flash bank");
        blobs.push_back({"firmware " + in.firmware->string(), {0, *in.firmware}, size});
        dtb_start = kQemuVirtRamBase;  // the firmware finds the DTB at the start of RAM
        rec.pc = 0;
    }
    const std::uint64_t dtb_size = read_dtb(in.dtb, kQemuDtbSize, "QEMU virt").size();
    blobs.push_back({"DTB " + in.dtb.string(), {dtb_start, in.dtb}, dtb_size});
    rec.gprs[0] = in.firmware ? 0 : dtb_start;
    for (const LoadedBlob& b : blobs)
        if (b.op.ipa != 0 || !in.firmware) check_in_ram(b, kQemuVirtRamBase, ram_end);

    std::vector<DataUnmeasuredOp> unmeasured;
    if (in.measurement_log) {
        const DataUnmeasuredOp log{dtb_start + kQemuDtbSize, kQemuLogSize};
        check_in_ram({"measurement log", {log.ipa, Bytes{}}, log.size}, kQemuVirtRamBase, ram_end);
        unmeasured.push_back(log);
    }
    return assemble_plan(params, in.realm.rmm_version, kQemuVirtRamBase, in.memory, std::move(blobs), rec,
                         std::move(unmeasured));
}

}  // namespace ccvm::cca

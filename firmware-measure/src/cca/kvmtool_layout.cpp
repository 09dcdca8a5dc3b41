#include "ccvm/firmware-measure/cca/kvmtool_layout.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/cca/arm64_image.hpp"
#include "vmm_blobs.hpp"

namespace ccvm::cca {
namespace {

// kvmtool arm/kvm.c: guest RAM is sized in 2 MiB units.
constexpr std::uint64_t kRamAlign = 2ull << 20;
// kvmtool arm/aarch64/kvm.c: a realm's IPA space is at least 33 bits (32 + the shared alias).
constexpr unsigned kMinPaBits = 32;

}  // namespace

unsigned kvmtool_ipa_bits(std::uint64_t memory) {
    const std::uint64_t last = kKvmtoolRamBase + memory - 1;
    const unsigned log2_last = static_cast<unsigned>(std::bit_width(last)) - 1;
    return std::max(log2_last, kMinPaBits) + 1;
}

Plan kvmtool_plan(const VmmInputs& in) {
    if (in.memory == 0 || in.memory % kRamAlign != 0)
        throw InputError("memory must be a non-zero multiple of 2 MiB for kvmtool");
    if (in.memory > (1ull << 48)) throw InputError("memory is larger than any realm IPA space");
    if (in.vcpus == 0) throw InputError("vcpus must be at least 1");
    if (in.initrd && !in.kernel) throw InputError("an initrd needs a kernel");

    const RealmParams params = realm_params_for(in.realm, MeasurementAlgo::sha256, kvmtool_ipa_bits(in.memory));
    const std::uint64_t ram_end = kKvmtoolRamBase + in.memory;

    // arm/kvm.c kvm__arch_load_kernel_image: the DTB (and the log) sit below min(RAM end, limit).
    std::uint64_t limit = std::min(ram_end, kKvmtoolFdtLimit);
    std::vector<DataUnmeasuredOp> unmeasured;
    if (in.measurement_log) {
        limit -= kKvmtoolLogSize;
        unmeasured.push_back({limit, kKvmtoolLogSize});
    }
    if (limit < kKvmtoolRamBase + kKvmtoolFdtAlign + kKvmtoolFdtSize)
        throw InputError("memory " + std::to_string(in.memory) + " leaves no room for kvmtool's DTB");
    const std::uint64_t dtb_start = align_up(limit - kKvmtoolFdtAlign - kKvmtoolFdtSize, kKvmtoolFdtAlign);

    std::vector<LoadedBlob> blobs;
    RecParams rec;
    rec.pc = 0;
    if (in.kernel) {
        const MappedFile kernel(*in.kernel);
        const Arm64ImageHeader hdr = parse_arm64_image_header(kernel.bytes(), in.kernel->string());
        const std::uint64_t kernel_start = kKvmtoolRamBase + hdr.text_offset;
        blobs.push_back({"kernel " + in.kernel->string(), {kernel_start, *in.kernel}, kernel.size()});
        rec.pc = kernel_start;
    }
    if (in.initrd) {
        // The initrd ends 4 bytes below the DTB, its start rounded up to 4 bytes (not page aligned).
        const std::uint64_t size = file_size_of(*in.initrd);
        if (size + kKvmtoolInitrdAlign > dtb_start - kKvmtoolRamBase)
            throw InputError(in.initrd->string() + ": initrd of " + std::to_string(size) +
                             " bytes does not fit below the DTB at " + hex_number(dtb_start));
        const std::uint64_t start = align_up(dtb_start - size - kKvmtoolInitrdAlign, kKvmtoolInitrdAlign);
        blobs.push_back({"initrd " + in.initrd->string(), {start, *in.initrd}, size});
    }
    if (in.firmware) {
        const std::uint64_t base = in.firmware_address.value_or(kKvmtoolRamBase);
        const std::uint64_t size = file_size_of(*in.firmware);
        blobs.push_back({"firmware " + in.firmware->string(), {base, *in.firmware}, size});
        rec.pc = base;
    }
    // kvmtool measures its whole 64 KiB FDT buffer: the tree followed by zeros. A DTB dumped
    // without that padding is padded here.
    Bytes dtb = read_dtb(in.dtb, kKvmtoolFdtSize, "kvmtool");
    DataOp dtb_op{dtb_start, in.dtb};
    if (dtb.size() < kKvmtoolFdtSize) {
        dtb.resize(kKvmtoolFdtSize);
        dtb_op.source = std::move(dtb);
    }
    blobs.push_back({"DTB " + in.dtb.string(), std::move(dtb_op), kKvmtoolFdtSize});
    rec.gprs[0] = dtb_start;
    for (const LoadedBlob& b : blobs) check_in_ram(b, kKvmtoolRamBase, ram_end);

    return assemble_plan(params, in.realm.rmm_version, kKvmtoolRamBase, in.memory, std::move(blobs), rec,
                         std::move(unmeasured));
}

}  // namespace ccvm::cca

#include "vmm_blobs.hpp"

#include <algorithm>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/cca/dtb.hpp"

namespace ccvm::cca {

std::uint64_t file_size_of(const std::filesystem::path& path) { return MappedFile(path).size(); }

Bytes read_dtb(const std::filesystem::path& path, std::uint64_t max_size, const std::string& vmm) {
    Bytes dtb = read_file(path);
    parse_fdt_header(dtb, path.string());
    if (dtb.size() > max_size)
        throw InputError(path.string() + ": DTB of " + std::to_string(dtb.size()) + " bytes exceeds the " +
                         std::to_string(max_size) + "-byte region " + vmm + " reserves for it");
    return dtb;
}

void check_in_ram(const LoadedBlob& blob, std::uint64_t ram_base, std::uint64_t ram_end) {
    if (blob.op.ipa < ram_base || blob.op.ipa > ram_end || blob.size > ram_end - blob.op.ipa)
        throw InputError(blob.what + " of " + std::to_string(blob.size) + " bytes at " + hex_number(blob.op.ipa) +
                         " does not fit in guest RAM [" + hex_number(ram_base) + ", " + hex_number(ram_end) +
                         "); give the guest more memory");
}

Plan assemble_plan(const RealmParams& params, RmmVersion version, std::uint64_t ram_base, std::uint64_t ram_size,
                   std::vector<LoadedBlob> blobs, const RecParams& rec, std::vector<DataUnmeasuredOp> unmeasured) {
    Plan plan;
    plan.realm_params = params;
    plan.rmm_version = version;
    plan.ops.emplace_back(InitRipasOp{ram_base, ram_base + ram_size});
    // QEMU loads its ROM list sorted by address; kvmtool's order is the same by construction.
    std::stable_sort(blobs.begin(), blobs.end(),
                     [](const LoadedBlob& a, const LoadedBlob& b) { return a.op.ipa < b.op.ipa; });
    for (LoadedBlob& b : blobs) plan.ops.emplace_back(std::move(b.op));
    plan.ops.emplace_back(RecOp{rec});
    for (const DataUnmeasuredOp& u : unmeasured) plan.ops.emplace_back(u);
    return plan;
}

}  // namespace ccvm::cca

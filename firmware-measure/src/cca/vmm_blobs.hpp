// Helpers the VMM layout modules share: the blobs a VMM loads and the plan they end up in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ccvm/firmware-measure/cca/plan.hpp"
#include "ccvm/firmware-measure/cca/vmm_layout.hpp"

namespace ccvm::cca {

struct LoadedBlob {
    std::string what;  // "kernel", "initrd", ... for errors
    DataOp op;
    std::uint64_t size = 0;
};

std::uint64_t file_size_of(const std::filesystem::path& path);

// Reads the DTB, checks its header and that it is at most `max_size` bytes.
Bytes read_dtb(const std::filesystem::path& path, std::uint64_t max_size, const std::string& vmm);

// Checks [ipa, ipa + size) lies in RAM [ram_base, ram_end); InputError names the blob.
void check_in_ram(const LoadedBlob& blob, std::uint64_t ram_base, std::uint64_t ram_end);

// Common order of both VMMs (Arm RMM spec (DEN0137), realm creation): INIT_RIPAS of all RAM, DATA sorted by IPA, the
// boot REC, then unmeasured DATA (the measurement log).
Plan assemble_plan(const RealmParams& params, RmmVersion version, std::uint64_t ram_base, std::uint64_t ram_size,
                   std::vector<LoadedBlob> blobs, const RecParams& rec, std::vector<DataUnmeasuredOp> unmeasured);

}  // namespace ccvm::cca

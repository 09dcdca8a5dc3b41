#include "ccvm/firmware-measure/csv/csv_launch_digest.hpp"

#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"

namespace ccvm::csv {

Sm3Digest launch_digest(const LaunchDigestInput& in) {
    if (in.kernel_hashes_table && in.kernel_hashes_table->size() != kKernelHashesTableSize)
        throw InputError("CSV kernel-hashes table must be 176 bytes, got " + std::to_string(in.kernel_hashes_table->size()));
    const auto pages = in.register_state_pages;
    if (in.generation == Generation::csv1 && !pages.empty())
        throw InputError("CSV1 has no encrypted register state: register-state pages apply to CSV2/CSV3 only");
    if (in.generation != Generation::csv1 && pages.empty())
        throw InputError("CSV2/CSV3 launch digest needs the register-state pages (one per vCPU); Hygon's VMSA/VMCB "
                         "layout is not public, so they must come from a known-good launch");
    for (std::size_t i = 0; i < pages.size(); ++i)
        if (pages[i].size() != kRegisterStatePageSize)
            throw InputError("register-state page " + std::to_string(i) + " is " + std::to_string(pages[i].size()) +
                             " bytes, expected one 4096-byte page");

    Hasher h(HashAlgo::sm3);
    h.update(in.firmware);
    if (in.kernel_hashes_table) h.update(*in.kernel_hashes_table);
    for (ByteSpan page : pages) h.update(page);
    Sm3Digest out{};
    h.finish(out);
    return out;
}

void require_kernel_hashes_area(ByteSpan firmware, std::string_view source) {
    const auto table = ovmf::FooterTable::parse(firmware, source);
    const auto* entry = table.find(ovmf::kSevHashTableGuid);
    // sev.md §1: payload {u32 base, u32 size}; generic OVMF carries base = size = 0.
    const auto base = entry ? load_le<std::uint32_t>(entry->payload, 0, source) : 0;
    const auto size = entry ? load_le<std::uint32_t>(entry->payload, 4, source) : 0;
    if (base == 0 || size < kKernelHashesTableSize)
        throw InputError(std::string(source) +
                         ": firmware has no kernel hashes table area (OVMF footer GUID 7255371f-3a3b-4b04-927b-1da6efa8d454 "
                         "base=" + std::to_string(base) + " size=" + std::to_string(size) +
                         "); measured direct boot (--kernel) needs an AmdSev OVMF build");
}

}  // namespace ccvm::csv

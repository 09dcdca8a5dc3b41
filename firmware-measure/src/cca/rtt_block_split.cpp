#include "ccvm/firmware-measure/cca/rtt_block_split.hpp"

#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/firmware-measure/cca/measurement.hpp"

namespace ccvm::cca {
namespace {

// 4 KiB translation granule: 12 offset bits, 9 bits resolved per level, levels 0..3.
constexpr unsigned kPageBits = 12;
constexpr unsigned kBitsPerLevel = 9;
constexpr unsigned kLastLevel = 3;
// Arm ARM D8.2: up to 16 concatenated tables (4 extra bits) at the initial lookup level.
constexpr unsigned kMaxConcatBits = 4;

}  // namespace

KvmBlockSplit::KvmBlockSplit(unsigned s2sz) {
    if (s2sz <= kPageBits || s2sz > 64) throw InputError("RTT split: s2sz " + std::to_string(s2sz) + " out of range");
    const unsigned table_bits = s2sz - kPageBits;
    unsigned levels = (table_bits + kBitsPerLevel - 1) / kBitsPerLevel;
    // KVM concatenates the initial tables whenever that level would have <= 16 entries.
    if (levels > 1 && table_bits - kBitsPerLevel * (levels - 1) <= kMaxConcatBits) --levels;
    if (levels > kLastLevel + 1) levels = kLastLevel + 1;
    for (unsigned l = kLastLevel + 1 - levels; l <= kLastLevel; ++l)
        block_sizes_.push_back(kGranuleSize << (kBitsPerLevel * (kLastLevel - l)));
}

std::uint64_t KvmBlockSplit::entry_size(std::uint64_t cur, std::uint64_t top) const {
    for (std::uint64_t size : block_sizes_)
        if ((cur & (size - 1)) == 0 && size <= top - cur) return size;
    return kGranuleSize;
}

std::vector<RttEntry> split_ripas_range(const RttBlockSplitPolicy& policy, std::uint64_t base, std::uint64_t top) {
    if (!is_granule_aligned(base) || !is_granule_aligned(top))
        throw InputError("RTT_INIT_RIPAS range [" + hex_number(base) + ", " + hex_number(top) +
                         ") is not 4 KiB aligned");
    if (top <= base)
        throw InputError("RTT_INIT_RIPAS range [" + hex_number(base) + ", " + hex_number(top) + ") is empty");
    std::vector<RttEntry> entries;
    for (std::uint64_t cur = base; cur < top;) {
        const std::uint64_t size = policy.entry_size(cur, top);
        if (size == 0 || !is_granule_aligned(size) || (cur & (size - 1)) != 0 || size > top - cur)
            throw SystemError("internal: RTT split policy returned entry size " + hex_number(size) + " at " +
                              hex_number(cur));
        entries.push_back({cur, size});
        cur += size;
    }
    return entries;
}

std::vector<RipasRun> ripas_runs(std::span<const RttEntry> entries) {
    std::vector<RipasRun> runs;
    for (const RttEntry& e : entries) {
        if (!runs.empty() && runs.back().block_size == e.size && runs.back().last_top == e.base) {
            runs.back().last_top += e.size;
            ++runs.back().count;
        } else {
            runs.push_back({e.base, e.base + e.size, e.size, 1});
        }
    }
    return runs;
}

}  // namespace ccvm::cca

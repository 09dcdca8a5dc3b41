// How the host's RTTs split an RTT_INIT_RIPAS range into entries: one RIM descriptor per entry, so
// the split is part of the measurement and depends on the host. The policy is replaceable.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ccvm::cca {

// One RTT entry visited by RMI_RTT_INIT_RIPAS: [base, base + size).
struct RttEntry {
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    bool operator==(const RttEntry&) const = default;
};

// A run of equal-sized consecutive entries, as debug output lists them:
// [first_base, last_top, block_size, count] (veraison/cca-realm-measurements).
struct RipasRun {
    std::uint64_t first_base = 0;
    std::uint64_t last_top = 0;
    std::uint64_t block_size = 0;
    std::uint64_t count = 0;
    bool operator==(const RipasRun&) const = default;
};

class RttBlockSplitPolicy {
public:
    virtual ~RttBlockSplitPolicy() = default;
    // Size of the RTT entry that covers `cur` when initializing [cur, top): a granule multiple,
    // `cur` aligned to it, and cur + size <= top.
    virtual std::uint64_t entry_size(std::uint64_t cur, std::uint64_t top) const = 0;
};

// KVM's stage-2 tables (veraison docs/realm-vm.md, Arm RMM spec (DEN0137), RMI_RTT_INIT_RIPAS): at `cur`, the largest
// block size that fits in [cur, top) and that `cur` is aligned to, among the block sizes of the levels the table walk
// has. KVM concatenates up to 16 starting-level tables, which drops a level: s2sz >= 44 -> {512G, 1G, 2M, 4K}; 35..43
// -> {1G, 2M, 4K}; 26..34 -> {2M, 4K}; <= 25 -> {4K}.
class KvmBlockSplit final : public RttBlockSplitPolicy {
public:
    explicit KvmBlockSplit(unsigned s2sz);
    std::uint64_t entry_size(std::uint64_t cur, std::uint64_t top) const override;
    // The block sizes available, largest first.
    const std::vector<std::uint64_t>& block_sizes() const noexcept { return block_sizes_; }

private:
    std::vector<std::uint64_t> block_sizes_;
};

// Splits [base, top) with `policy`; throws InputError for an unaligned or empty range and
// SystemError when the policy returns an entry that breaks its contract.
std::vector<RttEntry> split_ripas_range(const RttBlockSplitPolicy& policy, std::uint64_t base, std::uint64_t top);

// Groups consecutive entries of the same size.
std::vector<RipasRun> ripas_runs(std::span<const RttEntry> entries);

}  // namespace ccvm::cca

// QEMU q35 guest RAM split below/above 4 GiB (QEMU hw/i386/tdvf-hob.c; QEMU hw/i386/x86-common.c, x86_load_linux; QEMU
// hw/i386/pc_q35.c).
#pragma once

#include <cstdint>

namespace ccvm::tdx {

// QEMU hw/i386/tdvf-hob.c: RAM >= 0xB0000000 puts only 2 GiB below 4 GiB, the rest at 4 GiB.
inline constexpr std::uint64_t kQ35LowmemThreshold = 0xB0000000;
inline constexpr std::uint64_t kQ35LowmemSplit = 0x80000000;
inline constexpr std::uint64_t kFourGiB = 0x100000000;

struct Q35MemoryMap {
    std::uint64_t below_4g = 0;
    std::uint64_t above_4g = 0;
};

constexpr Q35MemoryMap q35_memory_map(std::uint64_t ram) noexcept {
    if (ram >= kQ35LowmemThreshold) return {kQ35LowmemSplit, ram - kQ35LowmemSplit};
    return {ram, 0};
}

}  // namespace ccvm::tdx

// kvmtool (`lkvm run --realm`) layout (arm/aarch64 kvm.c, fdt.c; veraison src/kvmtool.rs).
#pragma once

#include <cstdint>

#include "ccvm/firmware-measure/cca/plan.hpp"
#include "ccvm/firmware-measure/cca/vmm_layout.hpp"

namespace ccvm::cca {

// arm/include/arm-common/kvm-arch.h: RAM at 2 GiB.
inline constexpr std::uint64_t kKvmtoolRamBase = 0x8000'0000;
// arm/kvm.c: the DTB and initrd are placed below min(RAM end, 2.25 GiB).
inline constexpr std::uint64_t kKvmtoolFdtLimit = 0x9000'0000;
// arm/fdt.c FDT_MAX_SIZE, and the 2 MiB alignment kvmtool gives the DTB.
inline constexpr std::uint64_t kKvmtoolFdtSize = 64ull << 10;
inline constexpr std::uint64_t kKvmtoolFdtAlign = 2ull << 20;
// kvmtool realm measurement log: 64 KiB reserved just below the limit.
inline constexpr std::uint64_t kKvmtoolLogSize = 64ull << 10;
// arm/kvm.c: the initrd start is 4-byte aligned.
inline constexpr std::uint64_t kKvmtoolInitrdAlign = 4;

// max(log2(last RAM byte), 32) + 1 (kvmtool arm/aarch64/kvm.c).
unsigned kvmtool_ipa_bits(std::uint64_t memory);

// Plan for `lkvm run --realm -m MEM [-k Image] [-i initrd] [--firmware F] ...` with the DTB
// kvmtool generates (the 64 KiB zero-padded blob). Default algorithm SHA-256.
Plan kvmtool_plan(const VmmInputs& inputs);

}  // namespace ccvm::cca

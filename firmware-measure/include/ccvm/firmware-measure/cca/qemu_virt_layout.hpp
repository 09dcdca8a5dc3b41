// QEMU `virt` realm layout (Linaro cca QEMU; veraison docs/realm-vm.md, veraison/cca-realm-measurements
// docs/realm-vm.md).
#pragma once

#include <cstdint>

#include "ccvm/firmware-measure/cca/plan.hpp"
#include "ccvm/firmware-measure/cca/vmm_layout.hpp"

namespace ccvm::cca {

// hw/arm/virt.c: RAM starts at 1 GiB.
inline constexpr std::uint64_t kQemuVirtRamBase = 0x4000'0000;
// hw/arm/virt.c: the high memory map above RAM (GIC redistributors, PCIe ECAM, PCIe MMIO).
inline constexpr std::uint64_t kQemuHighMemBase = 256ull << 30;
inline constexpr std::uint64_t kQemuHighRedistSize = 64ull << 20;
inline constexpr std::uint64_t kQemuHighPcieEcamSize = 256ull << 20;
inline constexpr std::uint64_t kQemuHighPcieMmioSize = 512ull << 30;
// target/arm/kvm-rme.c: the measurement log is 64 KiB at DTB + 1 MiB.
inline constexpr std::uint64_t kQemuDtbSize = 1ull << 20;
inline constexpr std::uint64_t kQemuLogSize = 64ull << 10;

// IPA width of the virt memory map for `memory` bytes of RAM, plus the realm's unprotected half.
unsigned qemu_virt_ipa_bits(std::uint64_t memory);

// Plan for `qemu-system-aarch64 -M virt,confidential-guest-support=rme0 -object rme-guest ...
// -dtb D` with -kernel/-initrd or -bios. Default algorithm SHA-512.
Plan qemu_virt_plan(const VmmInputs& inputs);

}  // namespace ccvm::cca

// TD HOB list as QEMU hw/i386/tdvf-hob.c builds it: PHIT + one resource descriptor
// per RAM range. TDVF measures it, without the END HOB, as RTMR0 event 0.
#pragma once

#include <cstdint>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/tdx/tdvf_metadata.hpp"

namespace ccvm::tdx {

// QEMU hw/i386/tdvf-hob.c: resource types and attribute QEMU writes.
inline constexpr std::uint32_t kResourceSystemMemory = 0;
inline constexpr std::uint32_t kResourceMemoryUnaccepted = 7;
inline constexpr std::uint32_t kResourceAttributes = 0x7;  // PRESENT | INITIALIZED | TESTED

struct RamRange {
    std::uint64_t start = 0;
    std::uint64_t length = 0;
    bool accepted = false;  // TD_HOB / TempMem section: added by QEMU, system memory for TDVF
};

// Guest RAM (q35 e820) with every TD_HOB/TempMem section carved out as its own accepted range,
// sorted by address. Throws InputError when a section lies outside RAM (QEMU refuses to start).
std::vector<RamRange> td_ram_ranges(const TdvfMetadata& metadata, std::uint64_t memory);

// The HOB list bytes up to, not including, the END HOB.
Bytes build_td_hob(const TdvfMetadata& metadata, std::uint64_t memory);

}  // namespace ccvm::tdx

// RMI_RTT_INIT_RIPAS measurement descriptor (RMM 1.0; removed in RMM 2.0).
#pragma once

#include <cstdint>

#include "ccvm/firmware-measure/cca/measurement_descriptor.hpp"

namespace ccvm::cca {

// measurement_descs.h struct measurement_desc_ripas: u64 base at 0x50, u64 top at 0x58.
inline constexpr std::size_t kRipasBaseOffset = 0x50;
inline constexpr std::size_t kRipasTopOffset = 0x58;

Descriptor ripas_descriptor(const MeasurementSlot& rim, std::uint64_t base, std::uint64_t top);

}  // namespace ccvm::cca

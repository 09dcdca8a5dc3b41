// RMI_DATA_CREATE measurement descriptor, one per 4 KiB granule.
#pragma once

#include <cstdint>

#include "ccvm/firmware-measure/cca/measurement_descriptor.hpp"

namespace ccvm::cca {

// measurement_descs.h struct measurement_desc_data: u64 ipa at 0x50, u64 flags at 0x58,
// content[64] at 0x60.
inline constexpr std::size_t kDataIpaOffset = 0x50;
inline constexpr std::size_t kDataFlagsOffset = 0x58;
inline constexpr std::size_t kDataContentOffset = 0x60;

// RMI DATA_CREATE flags (RMM spec RmiDataFlags): RMI_MEASURE_CONTENT = 1, RMI_NO_MEASURE_CONTENT = 0.
enum class DataFlags : std::uint64_t { no_measure_content = 0, measure_content = 1 };

// `content` is H(granule) with measure_content, 64 zero bytes otherwise.
Descriptor data_descriptor(const MeasurementSlot& rim, std::uint64_t ipa, DataFlags flags,
                           const MeasurementSlot& content);

}  // namespace ccvm::cca

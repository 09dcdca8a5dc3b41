// The 256-byte measurement descriptors the RMM hashes to extend the RIM
// (TF-RMM measurement_descs.h; RMM spec B1.x RmmMeasurementDescriptor*).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ccvm/firmware-measure/cca/measurement.hpp"

namespace ccvm::cca {

// Every descriptor is 0x100 bytes and records that length at offset 0x08.
inline constexpr std::size_t kDescriptorSize = 0x100;
using Descriptor = std::array<std::byte, kDescriptorSize>;

// measurement_descs.h MEASURE_DESC_TYPE_*.
enum class DescriptorType : std::uint8_t { data = 0, rec = 1, ripas = 2 };

// Offsets common to every descriptor: u8 desc_type at 0x00, u64 len at 0x08, rim[64] at 0x10.
inline constexpr std::size_t kDescTypeOffset = 0x00;
inline constexpr std::size_t kDescLenOffset = 0x08;
inline constexpr std::size_t kDescRimOffset = 0x10;

// A zeroed descriptor with its type, length and the current RIM slot filled in.
Descriptor descriptor_header(DescriptorType type, const MeasurementSlot& rim);

}  // namespace ccvm::cca

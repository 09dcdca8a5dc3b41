// Realm measurement conventions shared by every RMM primitive: granules, 64-byte slots, algorithms.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::cca {

// RMM spec A2.2: the realm address space is managed in 4 KiB granules (GRANULE_SIZE).
inline constexpr std::uint64_t kGranuleSize = 4096;
// TF-RMM measurement.h MAX_MEASUREMENT_SIZE: every RIM/REM slot is 64 bytes; shorter digests are
// stored zero-extended and descriptors always carry the whole slot.
inline constexpr std::size_t kSlotSize = 64;
using MeasurementSlot = std::array<std::byte, kSlotSize>;

// RMM ABI version whose measurement rules apply (Arm RMM spec (DEN0137) 1.0 and 2.0).
enum class RmmVersion { v1_0, v2_0 };

// RmiHashAlgorithm encodings of RmiRealmParams.hash_algo (RMM spec B4.4; SHA-384 from RMM 1.1).
enum class MeasurementAlgo : std::uint8_t { sha256 = 0, sha512 = 1, sha384 = 2 };

HashAlgo hash_algo(MeasurementAlgo algo) noexcept;
std::size_t digest_size(MeasurementAlgo algo) noexcept;
std::string_view to_string(MeasurementAlgo algo) noexcept;
std::string_view to_string(RmmVersion version) noexcept;

// Parses "sha256" | "sha512" | "sha384" (the last only for RMM >= 1.1); InputError names `what`.
MeasurementAlgo parse_measurement_algo(std::string_view name, RmmVersion version, std::string_view what);
// Parses "1.0" | "2.0"; InputError names `what`.
RmmVersion parse_rmm_version(std::string_view text, std::string_view what);

// H(data) zero-extended to a slot, with a reusable hasher of the realm's algorithm.
MeasurementSlot measure(Hasher& hasher, ByteSpan data);

// The digest-length prefix of a slot: what the token reports and ccvm prints.
Bytes slot_value(const MeasurementSlot& slot, MeasurementAlgo algo);

// Power-of-two alignment of guest addresses.
inline constexpr std::uint64_t align_down(std::uint64_t v, std::uint64_t a) noexcept { return v & ~(a - 1); }
inline constexpr std::uint64_t align_up(std::uint64_t v, std::uint64_t a) noexcept { return (v + a - 1) & ~(a - 1); }
inline constexpr bool is_granule_aligned(std::uint64_t v) noexcept { return (v & (kGranuleSize - 1)) == 0; }

}  // namespace ccvm::cca

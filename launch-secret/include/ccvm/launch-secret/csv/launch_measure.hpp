// CSV LAUNCH_MEASURE check (Hygon QEMU target/i386/csv.c). MODEL, unverified: csv-rs carries this check commented
// out, and its only test values are AMD's (HMAC-SHA256 with a build byte), so nothing confirms
// the CSV form: MEASURE = HMAC-SM3(TIK, 0x04 || api_major || api_minor || le32(policy) || digest
// || mnonce) — no BUILD byte, unlike AMD.
#pragma once

#include <cstdint>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::secret::csv {

// Hygon QEMU target/i386/csv.c: LAUNCH_MEASURE returns MEASURE[32] || MNONCE[16].
inline constexpr std::size_t kLaunchMeasureBlobSize = 48;

Sm3Digest expected_launch_measure(ByteSpan tik, std::uint8_t api_major, std::uint8_t api_minor, std::uint32_t policy,
                                  const Sm3Digest& launch_digest, ByteSpan mnonce);

// Constant-time comparison of the blob's MEASURE with the expected value; InputError unless the
// blob is 48 bytes.
bool launch_measurement_matches(ByteSpan tik, ByteSpan measurement_blob, std::uint8_t api_major, std::uint8_t api_minor,
                                std::uint32_t policy, const Sm3Digest& launch_digest);

}  // namespace ccvm::secret::csv

// LAUNCH_MEASURE check (AMD SEV API spec (pub. 55766) LAUNCH_MEASURE): the firmware's 48-byte blob MEASURE(32) ||
// MNONCE(16) is accepted iff MEASURE = HMAC-SHA256(TIK, 0x04 || api_major || api_minor || build || policy || LD ||
// MNONCE).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::secret {

// AMD SEV API spec (pub. 55766) LAUNCH_MEASURE: blob layout.
inline constexpr std::size_t kLaunchMeasureBlobSize = 48;
inline constexpr std::size_t kMnonceSize = 16;
// AMD SEV API spec (pub. 55766) LAUNCH_MEASURE: first byte of the HMAC message (the firmware's "measure" context).
inline constexpr std::byte kLaunchMeasureContext{0x04};

struct LaunchMeasurement {
    Sha256Digest measure{};
    std::array<std::byte, kMnonceSize> mnonce{};

    // Exactly 48 bytes; InputError naming `what` otherwise.
    static LaunchMeasurement parse(ByteSpan blob, std::string_view what);
};

// The platform values the firmware mixes into the measurement (query-sev / libvirt sev-api-*).
struct PlatformVersion {
    std::uint8_t api_major = 0;
    std::uint8_t api_minor = 0;
    std::uint8_t build_id = 0;
};

// The MEASURE value the firmware computes for these inputs.
Sha256Digest expected_launch_measure(ByteSpan tik, const PlatformVersion& platform, std::uint32_t policy,
                                     const Sha256Digest& launch_digest,
                                     const std::array<std::byte, kMnonceSize>& mnonce);

// True iff the blob's MEASURE equals expected_launch_measure (constant-time comparison).
bool launch_measurement_matches(ByteSpan tik, ByteSpan measurement_blob48, std::uint8_t api_major,
                                std::uint8_t api_minor, std::uint8_t build_id, std::uint32_t policy,
                                const Sha256Digest& launch_digest);

}  // namespace ccvm::secret

// LAUNCH_SECRET packet (AMD SEV API spec (pub. 55766) LAUNCH_SECRET): the secret table encrypted with the TEK and a
// 52-byte header whose MAC, keyed with the TIK, binds it to this launch's measurement.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/sev_crypto.hpp"

namespace ccvm::secret {

// AMD SEV API spec (pub. 55766) LAUNCH_SECRET: FLAGS u32 || IV(16) || MAC(32).
inline constexpr std::size_t kLaunchSecretHeaderSize = 52;
// AMD SEV API spec (pub. 55766) LAUNCH_SECRET: first byte of the header MAC message (the firmware's "secret" context).
inline constexpr std::byte kLaunchSecretContext{0x01};
// AMD SEV API spec (pub. 55766) LAUNCH_SECRET: firmware API versions before 0.17 leave MEASURE out of the header MAC
// (sev-tool).
inline constexpr std::uint8_t kMeasureInMacApiMajor = 0;
inline constexpr std::uint8_t kMeasureInMacApiMinor = 17;

struct LaunchSecretPacket {
    std::array<std::byte, kLaunchSecretHeaderSize> header{};  // libvirt sev-secret-header, QMP packet-header
    Bytes ciphertext;                                         // libvirt sev-secret, QMP secret
};

bool mac_includes_measurement(std::uint8_t api_major, std::uint8_t api_minor) noexcept;

// `measurement_blob` is the firmware's LAUNCH_MEASURE blob (48 bytes; its first 32 are MEASURE),
// `table` the padded secret table. FLAGS is 0 (not compressed).
LaunchSecretPacket build_launch_secret(ByteSpan tek, ByteSpan tik, ByteSpan measurement_blob, std::uint8_t api_major,
                                       std::uint8_t api_minor, ByteSpan table, const AesCtrIv& iv);

}  // namespace ccvm::secret

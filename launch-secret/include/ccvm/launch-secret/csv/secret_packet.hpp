// CSV LAUNCH_SECRET packet (csv-rs src/session): SEV's packet shape with SM4-CTR and HMAC-SM3.
#pragma once

#include <array>
#include <cstdint>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::secret::csv {

// csv-rs src/session: header {u32 flags, iv[16], mac[32]}.
inline constexpr std::size_t kSecretHeaderSize = 52;
inline constexpr std::size_t kLaunchMeasureSize = 32;

struct SecretHeader {
    std::uint32_t flags = 0;
    std::array<std::byte, 16> iv{};
    Sm3Digest mac{};
    Bytes serialize() const;  // 52 bytes, as QEMU's secret-header-file takes it
};

struct SecretPacket {
    SecretHeader header;
    Bytes ciphertext;
};

// ct = SM4-CTR(TEK, iv)(data); mac = HMAC-SM3(TIK, 0x01 || le32(flags) || iv || le32(len(data)) ||
// le32(len(ct)) || ct || MEASURE), MEASURE being the 32-byte LAUNCH_MEASURE value.
SecretPacket build_secret_packet(ByteSpan tek, ByteSpan tik, ByteSpan iv, std::uint32_t flags, ByteSpan data,
                                 ByteSpan launch_measure);

}  // namespace ccvm::secret::csv

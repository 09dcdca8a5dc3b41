#include "ccvm/launch-secret/csv/launch_measure.hpp"

#include <openssl/crypto.h>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"

namespace ccvm::secret::csv {

Sm3Digest expected_launch_measure(ByteSpan tik, std::uint8_t api_major, std::uint8_t api_minor, std::uint32_t policy,
                                  const Sm3Digest& launch_digest, ByteSpan mnonce) {
    Bytes head{std::byte{0x04}, std::byte{api_major}, std::byte{api_minor}};  // 0x04: the LAUNCH_MEASURE context byte
    append_le<std::uint32_t>(head, policy);
    return hmac_sm3(tik, {head, launch_digest, mnonce});
}

bool launch_measurement_matches(ByteSpan tik, ByteSpan measurement_blob, std::uint8_t api_major, std::uint8_t api_minor,
                                std::uint32_t policy, const Sm3Digest& launch_digest) {
    if (measurement_blob.size() != kLaunchMeasureBlobSize)
        throw InputError("measurement: CSV LAUNCH_MEASURE blob must be 48 bytes (MEASURE || MNONCE), got " +
                         std::to_string(measurement_blob.size()));
    const Sm3Digest want =
        expected_launch_measure(tik, api_major, api_minor, policy, launch_digest, measurement_blob.subspan(32, 16));
    return CRYPTO_memcmp(want.data(), measurement_blob.data(), want.size()) == 0;
}

}  // namespace ccvm::secret::csv

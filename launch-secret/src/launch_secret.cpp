#include "ccvm/launch-secret/launch_secret.hpp"

#include <algorithm>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"

namespace ccvm::secret {

bool mac_includes_measurement(std::uint8_t api_major, std::uint8_t api_minor) noexcept {
    return api_major > kMeasureInMacApiMajor ||
           (api_major == kMeasureInMacApiMajor && api_minor >= kMeasureInMacApiMinor);
}

LaunchSecretPacket build_launch_secret(ByteSpan tek, ByteSpan tik, ByteSpan measurement_blob, std::uint8_t api_major,
                                       std::uint8_t api_minor, ByteSpan table, const AesCtrIv& iv) {
    const LaunchMeasurement m = LaunchMeasurement::parse(measurement_blob, "measurement");
    if (tik.size() != kAes128KeySize) throw InputError("TIK is " + std::to_string(tik.size()) + " bytes, expected 16");
    if (table.empty() || table.size() % kAesCtrIvSize != 0) {
        throw InputError("secret table is " + std::to_string(table.size()) +
                         " bytes, expected a non-zero multiple of 16");
    }
    LaunchSecretPacket p;
    p.ciphertext = aes_128_ctr(tek, iv, table);

    std::array<std::byte, 4> flags{};  // AMD SEV API spec (pub. 55766) LAUNCH_SECRET: bit0 COMPRESSED, never set here
    std::array<std::byte, 4> length{};
    store_le<std::uint32_t>(length, 0, static_cast<std::uint32_t>(table.size()));
    const std::byte context[1] = {kLaunchSecretContext};
    // GUEST_LENGTH and TRANS_LENGTH are equal: the packet is not compressed.
    const Sha256Digest mac = mac_includes_measurement(api_major, api_minor)
                                 ? hmac_sha256(tik, {context, flags, iv, length, length, p.ciphertext, m.measure})
                                 : hmac_sha256(tik, {context, flags, iv, length, length, p.ciphertext});

    auto out = p.header.begin();
    out = std::copy(flags.begin(), flags.end(), out);
    out = std::copy(iv.begin(), iv.end(), out);
    std::copy(mac.begin(), mac.end(), out);
    return p;
}

}  // namespace ccvm::secret

#include "ccvm/launch-secret/launch_measure.hpp"

#include <algorithm>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/sev_crypto.hpp"

namespace ccvm::secret {

LaunchMeasurement LaunchMeasurement::parse(ByteSpan blob, std::string_view what) {
    if (blob.size() != kLaunchMeasureBlobSize) {
        throw InputError(std::string(what) + ": launch measurement is " + std::to_string(blob.size()) +
                         " bytes, expected 48 (32-byte MEASURE followed by the 16-byte MNONCE)");
    }
    LaunchMeasurement m;
    std::copy_n(blob.begin(), m.measure.size(), m.measure.begin());
    std::copy_n(blob.begin() + static_cast<std::ptrdiff_t>(m.measure.size()), m.mnonce.size(), m.mnonce.begin());
    return m;
}

Sha256Digest expected_launch_measure(ByteSpan tik, const PlatformVersion& platform, std::uint32_t policy,
                                     const Sha256Digest& launch_digest,
                                     const std::array<std::byte, kMnonceSize>& mnonce) {
    const std::byte head[4] = {kLaunchMeasureContext, std::byte{platform.api_major}, std::byte{platform.api_minor},
                               std::byte{platform.build_id}};
    std::array<std::byte, 4> policy_le{};
    store_le<std::uint32_t>(policy_le, 0, policy);
    return hmac_sha256(tik, {head, policy_le, launch_digest, mnonce});
}

bool launch_measurement_matches(ByteSpan tik, ByteSpan measurement_blob48, std::uint8_t api_major,
                                std::uint8_t api_minor, std::uint8_t build_id, std::uint32_t policy,
                                const Sha256Digest& launch_digest) {
    const LaunchMeasurement m = LaunchMeasurement::parse(measurement_blob48, "measurement");
    const Sha256Digest want =
        expected_launch_measure(tik, {api_major, api_minor, build_id}, policy, launch_digest, m.mnonce);
    return constant_time_equal(want, m.measure);
}

}  // namespace ccvm::secret

// AMD SEV / SEV-ES: P-384 ECDH session (AMD SEV API spec (pub. 55766) LAUNCH_START), HMAC-SHA256 LAUNCH_MEASURE (AMD
// SEV API spec (pub. 55766) LAUNCH_MEASURE) and the AES-128-CTR LAUNCH_SECRET packet (AMD SEV API spec (pub. 55766)
// LAUNCH_SECRET).
#include <openssl/rand.h>

#include "ccvm/daemon/errors.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"
#include "ccvm/launch-secret/launch_secret.hpp"
#include "ccvm/launch-secret/session.hpp"
#include "launch_backends/pre_attestation.hpp"

namespace ccvm::daemon {
namespace {

class SevPreAttestation final : public PreAttestation {
public:
    LaunchFirmware firmware() const noexcept override { return LaunchFirmware::amd_sev; }

    Session create_session(ByteSpan pdh, std::uint32_t policy) const override {
        const secret::SevCertificate cert = secret::SevCertificate::parse(pdh, "platform PDH");
        secret::LaunchSession s = secret::create_launch_session(cert, policy);
        return {s.godh.serialize(), Bytes(s.session.begin(), s.session.end()), std::move(s.tek), std::move(s.tik)};
    }

    bool measurement_matches(const secret::SecretBytes& tik, const LaunchReport& report,
                             const Sha256Digest& launch_digest) const override {
        return secret::launch_measurement_matches(tik, report.measurement, api_byte(report.api_major, "API major"),
                                                  api_byte(report.api_minor, "API minor"),
                                                  api_byte(report.build_id, "build"), report.policy, launch_digest);
    }

    Packet build_packet(const secret::SecretBytes& tek, const secret::SecretBytes& tik, const LaunchReport& report,
                        const secret::SecretBytes& secret_table) const override {
        secret::AesCtrIv iv{};
        if (RAND_bytes(reinterpret_cast<unsigned char*>(iv.data()), static_cast<int>(iv.size())) != 1)
            throw DaemonError(ErrorCode::internal, "no randomness for the secret packet IV");
        const secret::LaunchSecretPacket p =
            secret::build_launch_secret(tek, tik, report.measurement, api_byte(report.api_major, "API major"),
                                        api_byte(report.api_minor, "API minor"), secret_table, iv);
        return {Bytes(p.header.begin(), p.header.end()), p.ciphertext};
    }
};

}  // namespace

const PreAttestation& sev_pre_attestation() {
    static const SevPreAttestation scheme;
    return scheme;
}

}  // namespace ccvm::daemon

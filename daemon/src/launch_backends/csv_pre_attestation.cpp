// Hygon CSV: SM2-encrypted master secret and SM2-signed session (csv-rs src/session), HMAC-SM3
// LAUNCH_MEASURE without a build byte (Hygon QEMU target/i386/csv.c) and the SM4-CTR / HMAC-SM3 secret packet
// (csv-rs src/session).
#include <openssl/rand.h>

#include "ccvm/daemon/errors.hpp"
#include "ccvm/launch-secret/csv/hygon_cert.hpp"
#include "ccvm/launch-secret/csv/launch_measure.hpp"
#include "ccvm/launch-secret/csv/launch_start.hpp"
#include "ccvm/launch-secret/csv/secret_packet.hpp"
#include "launch_backends/pre_attestation.hpp"

namespace ccvm::daemon {
namespace {

class CsvPreAttestation final : public PreAttestation {
public:
    LaunchFirmware firmware() const noexcept override { return LaunchFirmware::hygon_csv; }

    Session create_session(ByteSpan pdh, std::uint32_t policy) const override {
        const auto cert = secret::csv::CsvCertificate::parse(pdh, "platform PDH");
        const secret::csv::LaunchStartPackage p = secret::csv::create_launch_start(cert, policy);
        return {p.owner_certificate.serialize(), p.session, secret::SecretBytes(p.tek), secret::SecretBytes(p.tik)};
    }

    bool measurement_matches(const secret::SecretBytes& tik, const LaunchReport& report,
                             const Sha256Digest& launch_digest) const override {
        return secret::csv::launch_measurement_matches(tik, report.measurement, api_byte(report.api_major, "API major"),
                                                       api_byte(report.api_minor, "API minor"), report.policy,
                                                       launch_digest);
    }

    Packet build_packet(const secret::SecretBytes& tek, const secret::SecretBytes& tik, const LaunchReport& report,
                        const secret::SecretBytes& secret_table) const override {
        std::array<std::byte, 16> iv{};
        if (RAND_bytes(reinterpret_cast<unsigned char*>(iv.data()), static_cast<int>(iv.size())) != 1)
            throw DaemonError(ErrorCode::internal, "no randomness for the secret packet IV");
        if (report.measurement.size() < secret::csv::kLaunchMeasureSize)
            throw DaemonError(ErrorCode::libvirt, "CSV launch measurement shorter than 32 bytes");
        // csv-rs src/session: the MAC binds MEASURE, the first 32 bytes of LAUNCH_MEASURE's answer.
        secret::csv::SecretPacket p = secret::csv::build_secret_packet(
            tek, tik, iv, 0, secret_table, ByteSpan(report.measurement).first(secret::csv::kLaunchMeasureSize));
        return {p.header.serialize(), std::move(p.ciphertext)};
    }
};

}  // namespace

const PreAttestation& csv_pre_attestation() {
    static const CsvPreAttestation scheme;
    return scheme;
}

}  // namespace ccvm::daemon

// The guest owner's cryptography of one pre-attested family, so that the launch flow is written
// once: AMD SEV/SEV-ES (AMD SEV API spec (pub. 55766) LAUNCH_START to LAUNCH_SECRET) and Hygon CSV (csv-rs src/session;
// Hygon QEMU target/i386/csv.c) differ in their certificates, session layout, hash and cipher, not in the sequence of
// steps.
#pragma once

#include <cstdint>

#include "ccvm/daemon/vm_backend.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::daemon {

class PreAttestation {
public:
    // What LAUNCH_START takes (libvirt <dhCert>, <session>) and what the owner keeps.
    struct Session {
        Bytes dh_cert;
        Bytes blob;
        secret::SecretBytes tek;
        secret::SecretBytes tik;
    };
    // LAUNCH_SECRET: libvirt's sev-secret-header and sev-secret.
    struct Packet {
        Bytes header;
        Bytes ciphertext;
    };

    virtual ~PreAttestation() = default;
    // The secure processor whose PDH the session is made for.
    virtual LaunchFirmware firmware() const noexcept = 0;
    // InputError naming "platform PDH" when `pdh` is not this firmware's PDH certificate.
    virtual Session create_session(ByteSpan pdh, std::uint32_t policy) const = 0;
    virtual bool measurement_matches(const secret::SecretBytes& tik, const LaunchReport& report,
                                     const Sha256Digest& launch_digest) const = 0;
    virtual Packet build_packet(const secret::SecretBytes& tek, const secret::SecretBytes& tik,
                                const LaunchReport& report, const secret::SecretBytes& secret_table) const = 0;
};

const PreAttestation& sev_pre_attestation();
const PreAttestation& csv_pre_attestation();

// An 8-bit firmware version field as LAUNCH_MEASURE and LAUNCH_SECRET bind it; DaemonError(libvirt)
// when the firmware reported a wider value.
std::uint8_t api_byte(std::uint32_t value, const char* what);

}  // namespace ccvm::daemon

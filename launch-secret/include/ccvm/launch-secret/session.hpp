// SEV / SEV-ES LAUNCH_START package built by the guest owner (AMD SEV API spec (pub. 55766) LAUNCH_START): the GODH
// certificate, the 128-byte session blob (wrapped TEK/TIK and MACs) and the TEK/TIK the owner keeps.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/p384.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "ccvm/launch-secret/sev_cert.hpp"
#include "ccvm/launch-secret/sev_crypto.hpp"

namespace ccvm::secret {

// AMD SEV API spec (pub. 55766) LAUNCH_START: TEK, TIK, NONCE and WRAP_IV are 16 bytes each.
inline constexpr std::size_t kTransportKeySize = 16;
inline constexpr std::size_t kSessionNonceSize = 16;
inline constexpr std::size_t kSessionBlobSize = 128;
using SessionNonce = std::array<std::byte, kSessionNonceSize>;
using SessionBlob = std::array<std::byte, kSessionBlobSize>;

// The fields of the LAUNCH_START session blob (AMD SEV API spec (pub. 55766) LAUNCH_START: offsets 0x00, 0x10, 0x30,
// 0x40, 0x60).
struct SessionFields {
    SessionNonce nonce{};
    std::array<std::byte, 32> wrap_tk{};
    AesCtrIv wrap_iv{};
    Sha256Digest wrap_mac{};
    Sha256Digest policy_mac{};

    SessionBlob serialize() const;
};

// Fixed values replacing the random ones. For reproducible tests only: a reused TEK/TIK, nonce or
// GODH key defeats the session's confidentiality.
struct SessionOptions {
    std::optional<SessionNonce> nonce;
    std::optional<AesCtrIv> wrap_iv;
    std::optional<SecretBytes> tek;
    std::optional<SecretBytes> tik;
    std::optional<P384PrivateKey> godh_private;
};

struct LaunchSession {
    SevCertificate godh;    // send to the platform (libvirt <dhCert>, QEMU dh-cert-file)
    SessionBlob session{};  // send to the platform (libvirt <session>, QEMU session-file)
    SecretBytes tek;        // keep: encrypts the LAUNCH_SECRET packet
    SecretBytes tik;        // keep: checks LAUNCH_MEASURE and MACs the packet
};

// AMD SEV API spec (pub. 55766) LAUNCH_START, given the ECDH shared secret `z`: master/KEK/KIK derivation, the key wrap
// and both MACs. `policy` is the guest policy the firmware will enforce (bound by POLICY_MAC).
SessionFields derive_session_fields(ByteSpan z, const SessionNonce& nonce, const AesCtrIv& wrap_iv, ByteSpan tek,
                                    ByteSpan tik, std::uint32_t policy);

// The whole LAUNCH_START package for the platform key `pdh`.
LaunchSession create_launch_session(const SevCertificate& pdh, std::uint32_t policy,
                                    const SessionOptions& options = {});

}  // namespace ccvm::secret

// CSV LAUNCH_START package pieces (csv-rs src/session src/session): key schedule, wrapped
// transport keys, SM2-encrypted master secret and the session MAC.
#pragma once

#include <array>
#include <cstdint>

#include <optional>
#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/csv/hygon_cert.hpp"
#include "ccvm/launch-secret/csv/sm2.hpp"

namespace ccvm::secret::csv {

// csv-rs src/session: master = derive(z, 32, nonce, "csv-master-secret"); KEK/KIK = derive(master, 32, "", ...).
struct SessionKeys {
    Bytes master, kek, kik;
    SessionKeys() = default;
    SessionKeys(const SessionKeys&) = delete;
    SessionKeys& operator=(const SessionKeys&) = delete;
    SessionKeys(SessionKeys&&) = default;
    SessionKeys& operator=(SessionKeys&&) = default;
    ~SessionKeys();  // wipes the three keys
};

SessionKeys derive_session_keys(ByteSpan share_key, ByteSpan nonce);
// KEK and KIK from the master secret alone: the secure processor's side, which receives the master
// secret SM2-encrypted to its PDH (ms_enc) instead of deriving it.
SessionKeys session_keys_from_master(ByteSpan master);
// csv-rs src/session: the master secret is 32 bytes.
inline constexpr std::size_t kMasterSecretSize = 32;

// wrap_tk = SM4-CTR(KEK[0:16], iv)(TEK || TIK); wrap_mac = HMAC-SM3(KIK, iv || wrap_tk).
struct WrappedTransportKeys {
    std::array<std::byte, 32> wrap_tk{};
    Sm3Digest wrap_mac{};
};

WrappedTransportKeys wrap_transport_keys(const SessionKeys& keys, ByteSpan tek, ByteSpan tik, ByteSpan iv);

// csv-rs src/session: the SessionBody field holding the SM2-encrypted master secret is 256 bytes.
inline constexpr std::size_t kMasterSecretFieldSize = 256;

// ms_enc = SM2-encrypt(PDH, master) zero-padded to 256 bytes (randomized).
Bytes encrypt_master_secret(const Sm2PublicKey& pdh, ByteSpan master);

// session_mac = HMAC-SM3(TIK, le32(policy) || ms_enc || zeros up to 420 bytes).
Sm3Digest session_mac(ByteSpan tik, std::uint32_t policy, ByteSpan ms_enc);

// csv-rs api/launch/mod.rs SessionBody (field order of the struct, 708 bytes) and Session
// (body + SM2 signature r[32] s[32] little-endian, 772 bytes): QEMU's session-file for CSV.
inline constexpr std::size_t kSessionBodySize = 708;
inline constexpr std::size_t kSessionSize = 772;
using Block16 = std::array<std::byte, 16>;

struct SessionBody {
    Block16 nonce{};
    std::array<std::byte, 32> wrap_tk{};
    Block16 wrap_iv{};
    Sm3Digest wrap_mac{};
    Sm3Digest session_mac{};
    Bytes ms_enc;  // 256 bytes; key_id, rnd_pub_key_data and the trailing fields stay zero
    Bytes serialize() const;
};

// csv-rs src/session: the guest owner's key is a PDH-usage SM2 key with this uid.
inline constexpr std::string_view kGuestUserId = "GUEST_USER_ID";

// The owner's unsigned PDH certificate (version 1, usage PDH, algo SM2_DH, uid GUEST_USER_ID):
// QEMU's dh-cert-file for CSV.
CsvCertificate make_owner_certificate(const Sm2PublicKey& key);

// Fixed values replacing the random ones. For reproducible tests only: reusing any of them
// defeats the session's confidentiality.
struct LaunchStartOptions {
    std::optional<Block16> nonce, wrap_iv, share_key, tek, tik;
    std::optional<Sm2PrivateKey> owner_key;
};

struct LaunchStartPackage {
    CsvCertificate owner_certificate;
    Bytes session;         // 772 bytes
    Block16 tek{}, tik{};  // kept by the owner for LAUNCH_MEASURE and LAUNCH_SECRET
    LaunchStartPackage() = default;
    LaunchStartPackage(LaunchStartPackage&&) = default;
    LaunchStartPackage& operator=(LaunchStartPackage&&) = default;
    ~LaunchStartPackage();  // wipes TEK and TIK
};

// csv-rs src/session Session::start_pdh: the whole LAUNCH_START package for the platform's PDH
// certificate (InputError unless its key usage is PDH and its key is a valid SM2 point).
LaunchStartPackage create_launch_start(const CsvCertificate& platform_pdh, std::uint32_t policy,
                                       const LaunchStartOptions& options = {});

}  // namespace ccvm::secret::csv

// CSV LAUNCH_START package pieces (csv.md §5, csv-rs src/session): key schedule, wrapped
// transport keys, SM2-encrypted master secret and the session MAC.
#pragma once

#include <array>
#include <cstdint>

#include "ccvm/firmware-measure/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/csv/sm2.hpp"

namespace ccvm::secret::csv {

// csv.md §5: master = derive(z, 32, nonce, "csv-master-secret"); KEK/KIK = derive(master, 32, "", ...).
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

// wrap_tk = SM4-CTR(KEK[0:16], iv)(TEK || TIK); wrap_mac = HMAC-SM3(KIK, iv || wrap_tk).
struct WrappedTransportKeys {
    std::array<std::byte, 32> wrap_tk{};
    Sm3Digest wrap_mac{};
};

WrappedTransportKeys wrap_transport_keys(const SessionKeys& keys, ByteSpan tek, ByteSpan tik, ByteSpan iv);

// csv.md §5: the SessionBody field holding the SM2-encrypted master secret is 256 bytes.
inline constexpr std::size_t kMasterSecretFieldSize = 256;

// ms_enc = SM2-encrypt(PDH, master) zero-padded to 256 bytes (randomized).
Bytes encrypt_master_secret(const Sm2PublicKey& pdh, ByteSpan master);

// session_mac = HMAC-SM3(TIK, le32(policy) || ms_enc || zeros up to 420 bytes).
Sm3Digest session_mac(ByteSpan tik, std::uint32_t policy, ByteSpan ms_enc);

}  // namespace ccvm::secret::csv

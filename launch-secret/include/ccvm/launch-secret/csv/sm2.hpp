// SM2 (GB/T 32918) public-key operations on Hygon's key encoding (csv.md §8): coordinates and
// signature integers are little-endian in the certificates, the hash is SM3, and the signer's
// user ID (the issuer's uid) enters Z_A.
#pragma once

#include <array>
#include <memory>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace ccvm::secret::csv {

// csv.md §8: 32 significant bytes of an SM2-256 coordinate or signature integer.
inline constexpr std::size_t kSm2FieldSize = 32;

class Sm2PublicKey {
public:
    // x_le, y_le: 32-byte little-endian affine coordinates. Throws InputError naming `what` when
    // the point is not on the SM2 curve.
    static Sm2PublicKey from_le(ByteSpan x_le, ByteSpan y_le, std::string_view what = "SM2 public key");

    // SM2 signature check with SM3 and `user_id` as the distinguishing ID. r_le/s_le are
    // little-endian integers of any width (Hygon stores them in 72-byte fields).
    bool verify(ByteSpan message, ByteSpan user_id, ByteSpan r_le, ByteSpan s_le) const;

    // SM2 public-key encryption in Hygon's C1 || C3 || C2 layout (csv-rs crypto/sm.rs):
    // C1 = 04 || x1 || y1 (32 bytes each), C3 = SM3(x2 || M || y2), C2 = M xor KDF(x2 || y2).
    Bytes encrypt(ByteSpan plaintext) const;

    // Uncompressed point 04 || x || y, big-endian.
    const std::array<std::byte, 65>& point() const noexcept { return point_; }
    // The coordinates as Hygon stores them: 32 bytes little-endian each.
    std::array<std::byte, kSm2FieldSize> x_le() const noexcept;
    std::array<std::byte, kSm2FieldSize> y_le() const noexcept;
    EVP_PKEY* pkey() const noexcept { return key_.get(); }

private:
    EvpPkeyPtr key_;
    std::array<std::byte, 65> point_{};
};

// An SM2 key pair: the guest owner's key of the CSV LAUNCH_START package (csv.md §5).
class Sm2PrivateKey {
public:
    static Sm2PrivateKey generate();
    // From the 32-byte big-endian scalar d (1 <= d < n-1). Test-only determinism: a known owner
    // key lets anyone forge the session.
    static Sm2PrivateKey from_be(ByteSpan d);
    // From an unencrypted PEM private key on the SM2 curve (`openssl genpkey -algorithm SM2`);
    // InputError naming `source` otherwise.
    static Sm2PrivateKey from_pem(ByteSpan pem, std::string_view source);

    const Sm2PublicKey& public_key() const noexcept { return public_; }

    // SM2 signature with SM3 and `user_id`; r and s as 32-byte little-endian integers.
    struct Signature {
        std::array<std::byte, kSm2FieldSize> r{}, s{};
    };
    Signature sign(ByteSpan message, ByteSpan user_id) const;

    // Inverse of Sm2PublicKey::encrypt: the first 97 + `plaintext_size` bytes of `ciphertext` are
    // C1 || C3 || C2 (the rest is the field's zero padding, csv.md §5). What the secure processor
    // does with ms_enc; InputError when C1 is not on the curve or C3 does not verify.
    SecretBytes decrypt(ByteSpan ciphertext, std::size_t plaintext_size) const;

private:
    EvpPkeyPtr key_;
    Sm2PublicKey public_;
};

}  // namespace ccvm::secret::csv

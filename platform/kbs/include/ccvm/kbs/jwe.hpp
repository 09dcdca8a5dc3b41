// JSON Web Encryption (RFC 7516) in the flattened JSON serialization (section 7.2.2), as the KBS
// protocol wraps a released resource: `enc` A256GCM with the ASCII of the encoded protected header as
// AES-GCM additional data (no `aad` member), `alg` ECDH-ES+A256KW (RFC 7518 section 4.6, Concat KDF)
// for EC keys and RSA-OAEP-256 (section 4.3) for RSA keys. RSA1_5 is refused both ways: PKCS#1 v1.5
// key transport is open to padding-oracle attacks (RFC 8017 section 7.2).
#pragma once

#include <openssl/evp.h>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json_fwd.hpp"
#include "ccvm/kbs/jwk.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::kbs {

inline constexpr std::string_view kAlgEcdhEsA256kw = "ECDH-ES+A256KW";
inline constexpr std::string_view kAlgRsaOaep256 = "RSA-OAEP-256";
inline constexpr std::string_view kAlgRsa15 = "RSA1_5";
inline constexpr std::string_view kEncA256gcm = "A256GCM";

// Encrypts `plaintext` to `recipient` with the algorithm its `alg` names: ECDH-ES+A256KW for an EC
// key, RSA-OAEP-256 for an RSA key. Throws InputError for RSA1_5, any other alg, or an alg that does
// not fit the key type. Returns {"protected", "encrypted_key", "iv", "ciphertext", "tag"}.
json::Value jwe_encrypt(const Jwk& recipient, ByteSpan plaintext);

// Decrypts a flattened JWE with the recipient's private key. An `aad` member, when present, is added
// to the additional data as RFC 7516 section 5.2 step 14 says. Throws InputError for a malformed
// JWE or refused algorithm (RSA1_5), MismatchError when the key or tag does not authenticate.
secret::SecretBytes jwe_decrypt(const json::Value& jwe, EVP_PKEY* private_key);

// NIST SP 800-56A Concat KDF with SHA-256 as RFC 7518 section 4.6.2 instantiates it for a key
// agreement in key-wrap mode: AlgorithmID = `alg`, empty PartyUInfo and PartyVInfo, SuppPubInfo =
// key length in bits. Exposed for its test vector (RFC 7518 appendix C).
secret::SecretBytes concat_kdf(ByteSpan shared_secret, std::string_view alg, ByteSpan apu, ByteSpan apv,
                               std::size_t key_bytes);

}  // namespace ccvm::kbs

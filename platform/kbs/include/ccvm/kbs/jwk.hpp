// JSON Web Keys (RFC 7517, RFC 7518 section 6) as the KBS protocol's `tee-pubkey` carries them:
// EC P-256/P-384/P-521 and RSA public keys, and their OpenSSL forms.
#pragma once

#include <string>
#include <string_view>

#include "ccvm/attestation/crypto.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json_fwd.hpp"
#include "ccvm/base/openssl.hpp"

namespace ccvm::kbs {

enum class KeyType { ec, rsa };
enum class Curve { p256, p384, p521 };

std::string_view to_string(Curve curve) noexcept;   // "P-256", "P-384", "P-521"
std::size_t coordinate_size(Curve curve) noexcept;  // 32, 48, 66

// A public JWK. Only the members the KBS protocol uses are kept (Trustee's `TeePubKey`: kty, alg and
// crv/x/y or n/e), so two JWKs compare equal exactly when they name the same key and algorithm.
struct Jwk {
    KeyType kty = KeyType::ec;
    std::string alg;  // "ECDH-ES+A256KW", "RSA-OAEP-256", ... (checked when used, not when parsed)
    Curve crv = Curve::p256;
    Bytes x, y;  // EC: big-endian affine coordinates, coordinate_size(crv) bytes each
    Bytes n, e;  // RSA: big-endian modulus and public exponent

    // Throws InputError naming `what` for a missing or malformed member, an unknown kty or curve,
    // coordinates of the wrong size, or a point that is not on the curve.
    static Jwk from_json(const json::Value& value, std::string_view what);
    // The public JWK of an EC (P-256/384/521) or RSA key, with `alg`.
    static Jwk from_public_key(EVP_PKEY* key, std::string alg);

    json::Value to_json() const;
    EvpPkeyPtr public_key() const;

    bool operator==(const Jwk&) const = default;
};

}  // namespace ccvm::kbs

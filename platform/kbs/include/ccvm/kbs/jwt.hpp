// The broker's attestation token: a JWT (RFC 7519) signed ES256 (RFC 7518 section 3.4) with the
// broker's own P-256 key.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "ccvm/attestation/crypto.hpp"
#include "ccvm/base/json_fwd.hpp"
#include "ccvm/kbs/jwk.hpp"

namespace ccvm::kbs {

class TokenKey {
public:
    static TokenKey generate();  // a fresh P-256 key (kept in memory only)
    // A P-256 private key from a PEM file (PKCS#8 or SEC1); InputError naming `path` otherwise.
    static TokenKey load_pem(const std::filesystem::path& path);

    // header.payload.signature with header {"alg":"ES256","typ":"JWT"}.
    std::string sign(const json::Value& claims) const;
    Jwk public_jwk() const;  // alg "ES256"
    EVP_PKEY* get() const noexcept { return key_.get(); }

private:
    explicit TokenKey(EvpPkeyPtr key) : key_(std::move(key)) {}
    EvpPkeyPtr key_;
};

// Verifies an ES256 JWT with `public_key` and returns its claims. Throws MismatchError when the
// signature does not verify or `exp` has passed, InputError when the token is malformed or its alg
// is not ES256.
json::Value jwt_verify(std::string_view token, EVP_PKEY* public_key);

}  // namespace ccvm::kbs

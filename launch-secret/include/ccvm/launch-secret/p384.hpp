// NIST P-384 keys as SEV uses them: ECDH for the launch session (sev.md §8 step 2) and ECDSA with
// SHA-384 for the SNP ID block (sev.md §11a). Coordinates and scalars are big-endian here; the
// SEV/SNP structures store them little-endian and convert at their boundary.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::secret {

inline constexpr std::size_t kP384CoordSize = 48;
using P384Coord = std::array<std::byte, kP384CoordSize>;

// An affine public point (big-endian coordinates).
struct P384Point {
    P384Coord x{};
    P384Coord y{};
    bool operator==(const P384Point&) const = default;
};

// ECDSA signature (big-endian r and s).
struct P384Signature {
    P384Coord r{};
    P384Coord s{};
};

class P384PrivateKey {
public:
    static P384PrivateKey generate();
    // Unencrypted PEM (PKCS#8 or SEC1 "EC PRIVATE KEY"); throws InputError naming `source` when it is
    // not a P-384 private key.
    static P384PrivateKey from_pem(ByteSpan pem, std::string_view source);

    P384Point public_point() const;
    // ECDH shared secret: the 48-byte big-endian X coordinate of d * peer (sev.md §8 step 2).
    SecretBytes ecdh(const P384Point& peer, std::string_view peer_name) const;
    // ECDSA over SHA-384(message), randomized nonce.
    P384Signature sign_sha384(ByteSpan message) const;

    EVP_PKEY* get() const noexcept { return key_.get(); }

private:
    explicit P384PrivateKey(EvpPkeyPtr key) : key_(std::move(key)) {}
    EvpPkeyPtr key_;
};

// Builds an OpenSSL public key from a point; throws InputError naming `what` when the point is not
// on P-384.
EvpPkeyPtr p384_public_key(const P384Point& point, std::string_view what);

// Verifies an ECDSA-SHA-384 signature (used to check what ccvm signed, and by tests).
bool p384_verify_sha384(const P384Point& point, ByteSpan message, const P384Signature& sig);

// Big-endian <-> little-endian zero-padded fields of SEV/SNP structures (72 bytes for P-384).
void store_le_padded(MutableByteSpan field, const P384Coord& big_endian);
// Reads a little-endian zero-padded field; throws InputError naming `what` when bytes beyond the
// 48th are non-zero (the value does not fit P-384).
P384Coord load_le_padded(ByteSpan field, std::string_view what);

}  // namespace ccvm::secret

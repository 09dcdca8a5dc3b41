// COSE_Sign1 (RFC 9052 section 4.2) with the ECDSA algorithms of RFC 9053 section 2.1.
#pragma once

#include <cstdint>
#include <string_view>

#include <openssl/evp.h>

#include "ccvm/attestation/cca/cbor.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::cca {

inline constexpr std::uint64_t kCoseSign1Tag = 18;  // RFC 9052, section 4.2
inline constexpr std::int64_t kAlgES256 = -7;       // RFC 9053, table 1
inline constexpr std::int64_t kAlgES384 = -35;
inline constexpr std::int64_t kAlgES512 = -36;

struct CoseSign1 {
    std::int64_t alg = 0;  // protected header label 1
    Bytes payload;
    Bytes signature;     // r || s, big-endian, each the curve size
    Bytes to_be_signed;  // the encoded Sig_structure ["Signature1", protected, h'', payload]
};

// Accepts the tagged (18) or untagged four-element array; throws InputError naming `what`.
CoseSign1 parse_cose_sign1(const CborItem& item, std::string_view what);

// True when `key` made the signature with the header's algorithm (a key of another curve fails).
bool verify_cose_sign1(const CoseSign1& sign1, EVP_PKEY* key);

}  // namespace ccvm::attestation::cca

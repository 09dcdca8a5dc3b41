// The Arm CCA attestation token: a collection of the CCA platform token (signed by the CPAK) and
// the realm token (signed by the RAK). Claim keys: Arm RMM spec 1.0 section A7.2 "Attestation
// token format" and the PSA/CCA platform token profile (see also veraison/ccatoken).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/attestation/cca/cose_sign1.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::cca {

inline constexpr std::uint64_t kTagEatCollection = 399;  // legacy CCA token collection
inline constexpr std::uint64_t kTagCmwCollection = 907;  // RATS CMW collection (newer TF-RMM)
inline constexpr std::int64_t kKeyPlatformToken = 44234;
inline constexpr std::int64_t kKeyRealmToken = 44241;

// CCA platform claims (EAT / PSA keys).
inline constexpr std::int64_t kClaimChallenge = 10;  // EAT nonce (platform and realm)
inline constexpr std::int64_t kClaimInstanceId = 256;
inline constexpr std::int64_t kClaimProfile = 265;
inline constexpr std::int64_t kClaimLifecycle = 2395;
inline constexpr std::int64_t kClaimImplementationId = 2396;
inline constexpr std::int64_t kClaimSwComponents = 2399;
inline constexpr std::int64_t kClaimVerificationService = 2400;
inline constexpr std::int64_t kClaimPlatformConfig = 2401;
inline constexpr std::int64_t kClaimPlatformHashAlgo = 2402;
// CCA realm claims.
inline constexpr std::int64_t kClaimRpv = 44235;
inline constexpr std::int64_t kClaimRealmHashAlgo = 44236;
inline constexpr std::int64_t kClaimRak = 44237;
inline constexpr std::int64_t kClaimRim = 44238;
inline constexpr std::int64_t kClaimRems = 44239;
inline constexpr std::int64_t kClaimRakHashAlgo = 44240;

struct SwComponent {
    std::string type;       // key 1
    Bytes measurement;      // key 2
    std::string version;    // key 4
    Bytes signer_id;        // key 5
    std::string hash_algo;  // key 6
};

struct PlatformClaims {
    std::optional<std::string> profile;
    Bytes challenge;
    Bytes implementation_id;
    Bytes instance_id;
    std::optional<std::uint64_t> lifecycle;
    Bytes config;
    std::optional<std::string> hash_algo;
    std::optional<std::string> verification_service;
    std::vector<SwComponent> sw_components;
};

struct RealmClaims {
    std::optional<std::string> profile;
    Bytes challenge;
    Bytes rpv;
    std::string hash_algo;  // "sha-256", "sha-512"
    Bytes rak;              // the claim bytes: raw EC point or COSE_Key
    std::string rak_hash_algo;
    Bytes rim;
    std::array<Bytes, 4> rem;
};

struct AttestationToken {
    std::uint64_t collection_tag = 0;
    CoseSign1 platform;
    CoseSign1 realm;
    PlatformClaims platform_claims;
    RealmClaims realm_claims;
};

// Parses the collection and both tokens (signatures are checked by verify_token); throws
// InputError naming `source`, the claim and the offset.
AttestationToken parse_attestation_token(ByteSpan data, std::string_view source);

}  // namespace ccvm::attestation::cca

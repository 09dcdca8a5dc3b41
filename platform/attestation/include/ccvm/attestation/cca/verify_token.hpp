// Verification of a CCA attestation token (cca.md section 8): platform signature by the CPAK,
// realm signature by the RAK, the platform challenge binding the RAK, and the realm's registers.
#pragma once

#include <array>
#include <optional>

#include "ccvm/attestation/cca/attestation_token.hpp"
#include "ccvm/attestation/checks.hpp"
#include "ccvm/attestation/crypto.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::cca {

struct TokenExpectations {
    std::optional<Bytes> rim;
    std::array<std::optional<Bytes>, 4> rem;
    std::optional<Bytes> rpv;
    std::optional<Bytes> challenge;  // realm challenge, zero-padded to 64 bytes
};

// The RAK from its claim: an uncompressed EC point or a COSE_Key (RFC 9053 section 7.1.1).
EvpPkeyPtr realm_attestation_key(const RealmClaims& realm);

// `cpak` may be null: the platform signature check then fails, saying so.
attestation::CheckList verify_token(const AttestationToken& token, EVP_PKEY* cpak, const TokenExpectations& expected);
// Only the claim checks (RIM length, registers, challenge) that verify_token adds after the signatures.
void compare_token(const AttestationToken& token, const TokenExpectations& expected, attestation::CheckList& out);

}  // namespace ccvm::attestation::cca

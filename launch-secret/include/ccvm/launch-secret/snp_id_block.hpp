// SEV-SNP ID block and ID authentication structure (AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block): the
// guest owner signs the expected launch digest, so SNP_LAUNCH_FINISH refuses any other guest.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/p384.hpp"

namespace ccvm::secret {

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block: structure sizes.
inline constexpr std::size_t kIdBlockSize = 96;
inline constexpr std::size_t kIdAuthSize = 4096;
inline constexpr std::size_t kSnpSignatureSize = 0x200;
inline constexpr std::size_t kSnpPublicKeySize = 0x404;
// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block: ID_KEY_ALGO / AUTH_KEY_ALGO 1 = ECDSA P-384 with
// SHA-384; curve 2 = P-384.
inline constexpr std::uint32_t kSnpKeyAlgoEcdsaP384Sha384 = 1;
inline constexpr std::uint32_t kSnpCurveP384 = 2;
// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block: sev-snp-measure's default policy; bit 17 is reserved
// and must be one (SNP ABI).
inline constexpr std::uint64_t kDefaultSnpPolicy = 0x30000;
inline constexpr std::uint64_t kSnpPolicyReservedOne = 1ull << 17;

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block.
inline constexpr std::size_t kIdAuthIdBlockSigOffset = 0x040;
inline constexpr std::size_t kIdAuthIdKeyOffset = 0x240;
inline constexpr std::size_t kIdAuthIdKeySigOffset = 0x680;
inline constexpr std::size_t kIdAuthAuthorKeyOffset = 0x880;

using SnpPublicKey = std::array<std::byte, kSnpPublicKeySize>;
using SnpSignature = std::array<std::byte, kSnpSignatureSize>;

struct IdBlock {
    Sha384Digest launch_digest{};
    std::array<std::byte, 16> family_id{};
    std::array<std::byte, 16> image_id{};
    std::uint32_t version = 1;  // AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block: VERSION = 1
    std::uint32_t guest_svn = 0;
    std::uint64_t policy = kDefaultSnpPolicy;

    std::array<std::byte, kIdBlockSize> serialize() const;
};

struct IdAuth {
    std::array<std::byte, kIdAuthSize> bytes{};
};

struct SignedIdBlock {
    std::array<std::byte, kIdBlockSize> id_block{};
    IdAuth id_auth;
    Sha384Digest id_key_digest{};                   // report field ID_KEY_DIGEST
    std::optional<Sha384Digest> author_key_digest;  // report field AUTHOR_KEY_DIGEST
};

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block: u32 curve || QX (72 LE) || QY (72 LE) || zeros.
SnpPublicKey snp_public_key(const P384Point& point);
// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block: R (72 LE) || S (72 LE) || zeros.
SnpSignature snp_signature(const P384Signature& sig);
// Reverse of snp_signature / snp_public_key (InputError naming `what` on malformed input).
P384Signature parse_snp_signature(ByteSpan data, std::string_view what);
P384Point parse_snp_public_key(ByteSpan data, std::string_view what);

// Signs `block` with the ID key and, when given, the ID key with the author key. Rejects a policy
// without the must-be-one bit 17.
SignedIdBlock make_id_block(const IdBlock& block, const P384PrivateKey& id_key,
                            const P384PrivateKey* author_key = nullptr);

}  // namespace ccvm::secret

#include "ccvm/launch-secret/snp_id_block.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::secret {
namespace {

// AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block: R and S are 72-byte little-endian fields; QX and QY
// follow the u32 curve.
constexpr std::size_t kSnpScalarField = 72;

template <std::size_t N>
void put(MutableByteSpan out, std::size_t off, const std::array<std::byte, N>& in) {
    std::copy(in.begin(), in.end(), out.begin() + static_cast<std::ptrdiff_t>(off));
}

}  // namespace

std::array<std::byte, kIdBlockSize> IdBlock::serialize() const {
    std::array<std::byte, kIdBlockSize> out{};
    put(out, 0x00, launch_digest);
    put(out, 0x30, family_id);
    put(out, 0x40, image_id);
    store_le<std::uint32_t>(out, 0x50, version);
    store_le<std::uint32_t>(out, 0x54, guest_svn);
    store_le<std::uint64_t>(out, 0x58, policy);
    return out;
}

SnpPublicKey snp_public_key(const P384Point& point) {
    SnpPublicKey out{};
    store_le<std::uint32_t>(out, 0, kSnpCurveP384);
    store_le_padded(MutableByteSpan(out).subspan(4, kSnpScalarField), point.x);
    store_le_padded(MutableByteSpan(out).subspan(4 + kSnpScalarField, kSnpScalarField), point.y);
    return out;
}

SnpSignature snp_signature(const P384Signature& sig) {
    SnpSignature out{};
    store_le_padded(MutableByteSpan(out).subspan(0, kSnpScalarField), sig.r);
    store_le_padded(MutableByteSpan(out).subspan(kSnpScalarField, kSnpScalarField), sig.s);
    return out;
}

P384Signature parse_snp_signature(ByteSpan data, std::string_view what) {
    const std::string w(what);
    if (data.size() != kSnpSignatureSize) throw InputError(w + ": signature structure is not 0x200 bytes");
    return {load_le_padded(data.subspan(0, kSnpScalarField), w + " R"),
            load_le_padded(data.subspan(kSnpScalarField, kSnpScalarField), w + " S")};
}

P384Point parse_snp_public_key(ByteSpan data, std::string_view what) {
    const std::string w(what);
    if (data.size() != kSnpPublicKeySize) throw InputError(w + ": public key structure is not 0x404 bytes");
    const auto curve = load_le<std::uint32_t>(data, 0, what);
    if (curve != kSnpCurveP384) throw InputError(w + ": curve " + std::to_string(curve) + " is not P-384 (2)");
    return {load_le_padded(data.subspan(4, kSnpScalarField), w + " QX"),
            load_le_padded(data.subspan(4 + kSnpScalarField, kSnpScalarField), w + " QY")};
}

SignedIdBlock make_id_block(const IdBlock& block, const P384PrivateKey& id_key, const P384PrivateKey* author_key) {
    if ((block.policy & kSnpPolicyReservedOne) == 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(block.policy));
        throw InputError(std::string("SNP policy ") + buf +
                         " lacks bit 17, which the SNP ABI requires to be set (e.g. 0x30000)");
    }
    SignedIdBlock r;
    r.id_block = block.serialize();
    MutableByteSpan auth(r.id_auth.bytes);
    store_le<std::uint32_t>(auth, 0x000, kSnpKeyAlgoEcdsaP384Sha384);
    store_le<std::uint32_t>(auth, 0x004, kSnpKeyAlgoEcdsaP384Sha384);

    const SnpPublicKey id_pub = snp_public_key(id_key.public_point());
    put(auth, kIdAuthIdBlockSigOffset, snp_signature(id_key.sign_sha384(r.id_block)));
    put(auth, kIdAuthIdKeyOffset, id_pub);
    r.id_key_digest = sha384(id_pub);
    if (author_key != nullptr) {
        const SnpPublicKey author_pub = snp_public_key(author_key->public_point());
        put(auth, kIdAuthIdKeySigOffset, snp_signature(author_key->sign_sha384(id_pub)));
        put(auth, kIdAuthAuthorKeyOffset, author_pub);
        r.author_key_digest = sha384(author_pub);
    }
    return r;
}

}  // namespace ccvm::secret

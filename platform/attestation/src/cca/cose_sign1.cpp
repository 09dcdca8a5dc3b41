#include "ccvm/attestation/cca/cose_sign1.hpp"

#include <optional>
#include <string>

#include "ccvm/attestation/crypto.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation::cca {
namespace {

struct EcdsaAlg {
    HashAlgo hash;
    std::size_t component;  // bytes of r and of s
    const char* curve;
};

std::optional<EcdsaAlg> ecdsa_alg(std::int64_t alg) {
    switch (alg) {
        case kAlgES256:
            return EcdsaAlg{HashAlgo::sha256, 32, "P-256"};
        case kAlgES384:
            return EcdsaAlg{HashAlgo::sha384, 48, "P-384"};
        case kAlgES512:
            return EcdsaAlg{HashAlgo::sha512, 66, "P-521"};
        default:
            return std::nullopt;
    }
}

}  // namespace

CoseSign1 parse_cose_sign1(const CborItem& item, std::string_view what) {
    const CborItem* body = &item;
    if (item.type == CborType::tag) {
        if (item.value != kCoseSign1Tag)
            throw InputError(std::string(what) + ": CBOR tag " + std::to_string(item.value) +
                             " is not COSE_Sign1 (18) at offset " + std::to_string(item.offset));
        body = &item.items.front();
    }
    const auto& parts = body->as_array(what);
    if (parts.size() != 4)
        throw InputError(std::string(what) + ": COSE_Sign1 has " + std::to_string(parts.size()) +
                         " elements, expected 4, at offset " + std::to_string(body->offset));
    const ByteSpan protected_bytes = parts[0].as_bytes(std::string(what) + " protected header");
    if (parts[1].type != CborType::map)
        throw InputError(std::string(what) + ": unprotected header is not a map at offset " +
                         std::to_string(parts[1].offset));
    const ByteSpan payload = parts[2].as_bytes(std::string(what) + " payload");
    const ByteSpan signature = parts[3].as_bytes(std::string(what) + " signature");

    CoseSign1 s;
    if (protected_bytes.empty()) throw InputError(std::string(what) + ": empty protected header (no algorithm)");
    const CborItem header = decode_cbor(protected_bytes, std::string(what) + " protected header");
    const CborItem* alg = header.find(1, std::string(what) + " protected header");
    if (alg == nullptr) throw InputError(std::string(what) + ": protected header has no algorithm (label 1)");
    s.alg = alg->as_int(std::string(what) + " algorithm");
    s.payload.assign(payload.begin(), payload.end());
    s.signature.assign(signature.begin(), signature.end());

    // RFC 9052 section 4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload].
    encode_cbor_head(s.to_be_signed, 4, 4);
    encode_cbor_text(s.to_be_signed, "Signature1");
    encode_cbor_bytes(s.to_be_signed, protected_bytes);
    encode_cbor_bytes(s.to_be_signed, {});
    encode_cbor_bytes(s.to_be_signed, payload);
    return s;
}

bool verify_cose_sign1(const CoseSign1& sign1, EVP_PKEY* key) {
    const auto alg = ecdsa_alg(sign1.alg);
    if (!alg || key == nullptr || sign1.signature.size() != 2 * alg->component) return false;
    if (EVP_PKEY_get_bits(key) != static_cast<int>(alg->component == 66 ? 521 : alg->component * 8)) return false;
    const ByteSpan sig(sign1.signature);
    return attestation::ecdsa_verify(key, alg->hash, sign1.to_be_signed, sig.first(alg->component),
                                     sig.subspan(alg->component));
}

}  // namespace ccvm::attestation::cca

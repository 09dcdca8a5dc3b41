#include "ccvm/launch-secret/csv/sm2.hpp"

#include <openssl/crypto.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <climits>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/launch-secret/csv/sm3_kdf.hpp"
#include "ossl_handles.hpp"

namespace ccvm::secret::csv {
namespace {

const unsigned char* uc(const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); }
unsigned char* uc(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }

ossl::Bignum bn_from_le(ByteSpan le) {
    ossl::Bignum bn(BN_lebin2bn(uc(le.data()), static_cast<int>(le.size()), nullptr));
    ossl::check(bn != nullptr, "BN_lebin2bn");
    return bn;
}

// DER ECDSA-Sig-Value {r, s}, the form OpenSSL's SM2 verifier takes.
Bytes der_signature(ByteSpan r_le, ByteSpan s_le) {
    std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>> sig(ECDSA_SIG_new());
    ossl::check(sig != nullptr, "ECDSA_SIG_new");
    ossl::Bignum r = bn_from_le(r_le), s = bn_from_le(s_le);
    ossl::check(ECDSA_SIG_set0(sig.get(), r.get(), s.get()) == 1, "ECDSA_SIG_set0");
    r.release();
    s.release();
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    ossl::check(len > 0, "i2d_ECDSA_SIG");
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = uc(der.data());
    ossl::check(i2d_ECDSA_SIG(sig.get(), &p) == len, "i2d_ECDSA_SIG");
    return der;
}

void bn_to_be32(const BIGNUM* bn, std::byte* out) {
    ossl::check(BN_bn2binpad(bn, uc(out), kSm2FieldSize) == static_cast<int>(kSm2FieldSize), "BN_bn2binpad");
}

}  // namespace

void Sm2PublicKey::Free::operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }

Sm2PublicKey Sm2PublicKey::from_le(ByteSpan x_le, ByteSpan y_le, std::string_view what) {
    if (x_le.size() != kSm2FieldSize || y_le.size() != kSm2FieldSize)
        throw InputError(std::string(what) + ": SM2 coordinates must be 32 bytes each");
    Sm2PublicKey key;
    key.point_[0] = std::byte{0x04};
    std::reverse_copy(x_le.begin(), x_le.end(), key.point_.begin() + 1);
    std::reverse_copy(y_le.begin(), y_le.end(), key.point_.begin() + 1 + kSm2FieldSize);

    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    ossl::check(ctx != nullptr && EVP_PKEY_fromdata_init(ctx.get()) == 1, "EVP_PKEY_fromdata_init(SM2)");
    char group[] = "SM2";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, key.point_.data(), key.point_.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1 || raw == nullptr)
        throw InputError(std::string(what) + ": not a point on the SM2 curve");
    key.key_.reset(raw);
    ossl::PkeyCtx check_ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr));
    ossl::check(check_ctx != nullptr, "EVP_PKEY_CTX_new_from_pkey");
    if (EVP_PKEY_public_check(check_ctx.get()) != 1)
        throw InputError(std::string(what) + ": not a valid SM2 public key");
    return key;
}

bool Sm2PublicKey::verify(ByteSpan message, ByteSpan user_id, ByteSpan r_le, ByteSpan s_le) const {
    const Bytes der = der_signature(r_le, s_le);
    ossl::MdCtx md(EVP_MD_CTX_new());
    ossl::check(md != nullptr, "EVP_MD_CTX_new");
    // The SM2 provider takes the distinguishing ID as a parameter of the verify operation.
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_DIST_ID, const_cast<std::byte*>(user_id.data()), user_id.size()),
        OSSL_PARAM_construct_end()};
    ossl::check(EVP_DigestVerifyInit_ex(md.get(), nullptr, "SM3", nullptr, nullptr, key_.get(), params) == 1,
                "EVP_DigestVerifyInit_ex(SM2, SM3)");
    ossl::check(EVP_DigestVerifyUpdate(md.get(), message.data(), message.size()) == 1, "EVP_DigestVerifyUpdate");
    return EVP_DigestVerifyFinal(md.get(), uc(der.data()), der.size()) == 1;
}

Bytes Sm2PublicKey::encrypt(ByteSpan plaintext) const {
    if (plaintext.empty()) throw InputError("SM2 encryption of an empty message");
    ossl::EcGroup group(EC_GROUP_new_by_curve_name(NID_sm2));
    ossl::BnCtx bn_ctx(BN_CTX_new());
    ossl::check(group != nullptr && bn_ctx != nullptr, "EC_GROUP_new_by_curve_name(SM2)");
    ossl::EcPoint pub(EC_POINT_new(group.get())), c1(EC_POINT_new(group.get())), shared(EC_POINT_new(group.get()));
    ossl::check(pub && c1 && shared, "EC_POINT_new");
    ossl::check(EC_POINT_oct2point(group.get(), pub.get(), uc(point_.data()), point_.size(), bn_ctx.get()) == 1,
                "EC_POINT_oct2point");
    const BIGNUM* order = EC_GROUP_get0_order(group.get());
    ossl::Bignum k(BN_secure_new()), x1(BN_new()), y1(BN_new()), x2(BN_secure_new()), y2(BN_secure_new());
    ossl::check(k && x1 && y1 && x2 && y2, "BN_new");
    // GB/T 32918.4 §6.1: k in [1, n-1]; retry if the shared point is the point at infinity.
    do {
        do ossl::check(BN_priv_rand_range(k.get(), order) == 1, "BN_priv_rand_range");
        while (BN_is_zero(k.get()));
        ossl::check(EC_POINT_mul(group.get(), c1.get(), k.get(), nullptr, nullptr, bn_ctx.get()) == 1 &&
                        EC_POINT_mul(group.get(), shared.get(), nullptr, pub.get(), k.get(), bn_ctx.get()) == 1,
                    "EC_POINT_mul");
    } while (EC_POINT_is_at_infinity(group.get(), shared.get()));
    ossl::check(EC_POINT_get_affine_coordinates(group.get(), c1.get(), x1.get(), y1.get(), bn_ctx.get()) == 1 &&
                    EC_POINT_get_affine_coordinates(group.get(), shared.get(), x2.get(), y2.get(), bn_ctx.get()) == 1,
                "EC_POINT_get_affine_coordinates");

    std::array<std::byte, 2 * kSm2FieldSize> x2y2{};
    bn_to_be32(x2.get(), x2y2.data());
    bn_to_be32(y2.get(), x2y2.data() + kSm2FieldSize);
    Bytes c2 = kdf_x963_sm3(x2y2, plaintext.size());
    for (std::size_t i = 0; i < c2.size(); ++i) c2[i] ^= plaintext[i];
    Hasher h(HashAlgo::sm3);
    const Bytes c3 = h.update(ByteSpan(x2y2).first(kSm2FieldSize)).update(plaintext).update(ByteSpan(x2y2).last(kSm2FieldSize)).finish();
    OPENSSL_cleanse(x2y2.data(), x2y2.size());

    Bytes out(1 + 2 * kSm2FieldSize);
    out[0] = std::byte{0x04};
    bn_to_be32(x1.get(), out.data() + 1);
    bn_to_be32(y1.get(), out.data() + 1 + kSm2FieldSize);
    append(out, c3);
    append(out, c2);
    return out;
}

}  // namespace ccvm::secret::csv

#include "ccvm/launch-secret/p384.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::secret {
namespace {

void free_openssl_buffer(unsigned char* p) { OPENSSL_free(p); }

constexpr const char* kGroupName = "secp384r1";

P384Coord bn_to_coord(const BIGNUM* bn) {
    P384Coord out{};
    if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) !=
        static_cast<int>(out.size())) {
        throw_openssl_error("P-384 value does not fit 48 bytes");
    }
    return out;
}

BignumPtr coord_to_bn(const P384Coord& c) {
    return openssl_checked(
        BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(c.data()), static_cast<int>(c.size()), nullptr)),
        "BN_bin2bn");
}

bool is_p384(const EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "EC") != 1) return false;
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) return false;
    return std::strcmp(group, kGroupName) == 0;
}

}  // namespace

P384PrivateKey P384PrivateKey::generate() {
    char group[] = "P-384";
    EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group));
    return P384PrivateKey(openssl_checked(std::move(key), "generate P-384 key pair"));
}

P384PrivateKey P384PrivateKey::from_pem(ByteSpan pem, std::string_view source) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX)) throw InputError(std::string(source) + ": key file too large");
    BioPtr bio = openssl_checked(BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))), "BIO_new_mem_buf");
    // A null passphrase callback with an empty string refuses encrypted keys instead of prompting.
    char empty[] = "";
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty));
    ERR_clear_error();
    if (!key) throw InputError(std::string(source) + ": not an unencrypted PEM private key");
    if (!is_p384(key.get())) throw InputError(std::string(source) + ": not an EC P-384 (secp384r1) private key");
    return P384PrivateKey(std::move(key));
}

P384Point P384PrivateKey::public_point() const {
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    openssl_check(EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x), "read public X");
    BignumPtr xo(x);
    openssl_check(EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y), "read public Y");
    BignumPtr yo(y);
    return {bn_to_coord(xo.get()), bn_to_coord(yo.get())};
}

SecretBytes P384PrivateKey::ecdh(const P384Point& peer, std::string_view peer_name) const {
    EvpPkeyPtr peer_key = p384_public_key(peer, peer_name);
    EvpPkeyCtxPtr ctx =
        openssl_checked(EvpPkeyCtxPtr(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr)), "ECDH context");
    openssl_check(EVP_PKEY_derive_init(ctx.get()), "ECDH init");
    openssl_check(EVP_PKEY_derive_set_peer(ctx.get(), peer_key.get()), "ECDH peer");
    std::size_t len = 0;
    openssl_check(EVP_PKEY_derive(ctx.get(), nullptr, &len), "ECDH length");
    if (len != kP384CoordSize)
        throw SystemError("OpenSSL: ECDH returned " + std::to_string(len) + " bytes, expected 48");
    SecretBytes z(len);
    openssl_check(EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(z.data()), &len), "ECDH derive");
    return z;
}

P384Signature P384PrivateKey::sign_sha384(ByteSpan message) const {
    EvpMdCtxPtr md = openssl_checked(EvpMdCtxPtr(EVP_MD_CTX_new()), "new digest context");
    openssl_check(EVP_DigestSignInit_ex(md.get(), nullptr, "SHA384", nullptr, nullptr, key_.get(), nullptr),
                  "ECDSA sign init");
    std::size_t len = 0;
    const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    openssl_check(EVP_DigestSign(md.get(), nullptr, &len, msg, message.size()), "ECDSA signature length");
    Bytes der(len);
    openssl_check(EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &len, msg, message.size()),
                  "ECDSA sign");
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    EcdsaSigPtr sig =
        openssl_checked(EcdsaSigPtr(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len))), "decode ECDSA signature");
    return {bn_to_coord(ECDSA_SIG_get0_r(sig.get())), bn_to_coord(ECDSA_SIG_get0_s(sig.get()))};
}

EvpPkeyPtr p384_public_key(const P384Point& point, std::string_view what) {
    std::array<unsigned char, 1 + 2 * kP384CoordSize> encoded{};
    encoded[0] = 0x04;  // SEC1 uncompressed point
    std::memcpy(encoded.data() + 1, point.x.data(), kP384CoordSize);
    std::memcpy(encoded.data() + 1 + kP384CoordSize, point.y.data(), kP384CoordSize);
    ParamBldPtr bld = openssl_checked(ParamBldPtr(OSSL_PARAM_BLD_new()), "param builder");
    openssl_check(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kGroupName, 0), "group param");
    openssl_check(OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded.size()),
                  "pub param");
    ParamsPtr params = openssl_checked(ParamsPtr(OSSL_PARAM_BLD_to_param(bld.get())), "build params");
    EvpPkeyCtxPtr ctx =
        openssl_checked(EvpPkeyCtxPtr(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)), "EC context");
    openssl_check(EVP_PKEY_fromdata_init(ctx.get()), "fromdata init");
    EVP_PKEY* raw = nullptr;
    int rc = EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get());
    EvpPkeyPtr key(raw);
    if (rc != 1 || !key) {
        ERR_clear_error();
        throw InputError(std::string(what) + ": public key is not a point on P-384");
    }
    EvpPkeyCtxPtr check =
        openssl_checked(EvpPkeyCtxPtr(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr)), "check context");
    if (EVP_PKEY_public_check(check.get()) != 1) {
        ERR_clear_error();
        throw InputError(std::string(what) + ": public key is not a point on P-384");
    }
    return key;
}

bool p384_verify_sha384(const P384Point& point, ByteSpan message, const P384Signature& sig) {
    EvpPkeyPtr key = p384_public_key(point, "ECDSA verification key");
    EcdsaSigPtr s = openssl_checked(EcdsaSigPtr(ECDSA_SIG_new()), "ECDSA_SIG_new");
    BignumPtr r = coord_to_bn(sig.r);
    BignumPtr sv = coord_to_bn(sig.s);
    openssl_check(ECDSA_SIG_set0(s.get(), r.get(), sv.get()), "ECDSA_SIG_set0");
    (void)r.release();  // owned by s now
    (void)sv.release();
    unsigned char* der = nullptr;
    int der_len = i2d_ECDSA_SIG(s.get(), &der);
    if (der_len <= 0) throw_openssl_error("encode ECDSA signature");
    OpensslPtr<unsigned char, free_openssl_buffer> der_owner(der);
    EvpMdCtxPtr md = openssl_checked(EvpMdCtxPtr(EVP_MD_CTX_new()), "new digest context");
    openssl_check(EVP_DigestVerifyInit_ex(md.get(), nullptr, "SHA384", nullptr, nullptr, key.get(), nullptr),
                  "ECDSA verify init");
    int rc = EVP_DigestVerify(md.get(), der, static_cast<std::size_t>(der_len),
                              reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    return rc == 1;
}

void store_le_padded(MutableByteSpan field, const P384Coord& big_endian) {
    if (field.size() < big_endian.size()) throw SystemError("P-384 field too small");
    std::fill(field.begin(), field.end(), std::byte{0});
    std::reverse_copy(big_endian.begin(), big_endian.end(), field.begin());
}

P384Coord load_le_padded(ByteSpan field, std::string_view what) {
    if (field.size() < kP384CoordSize) throw InputError(std::string(what) + ": field shorter than 48 bytes");
    if (!is_all_zero(field.subspan(kP384CoordSize))) {
        throw InputError(std::string(what) + ": value larger than a P-384 coordinate (non-zero bytes past 48)");
    }
    P384Coord out{};
    std::reverse_copy(field.begin(), field.begin() + kP384CoordSize, out.begin());
    return out;
}

}  // namespace ccvm::secret

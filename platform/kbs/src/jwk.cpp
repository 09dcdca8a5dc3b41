#include "ccvm/kbs/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/kbs/base64url.hpp"

namespace ccvm::kbs {
namespace {

const std::string& member(const json::Value& v, const char* name, std::string_view what) {
    const auto it = v.find(name);
    if (it == v.end() || !it->is_string())
        throw InputError(std::string(what) + ": member \"" + name + "\" missing or not a string");
    return it->get_ref<const std::string&>();
}

Curve parse_curve(const std::string& crv, std::string_view what) {
    if (crv == "P-256") return Curve::p256;
    if (crv == "P-384") return Curve::p384;
    if (crv == "P-521") return Curve::p521;
    throw InputError(std::string(what) + ": curve \"" + crv + "\" is not P-256, P-384 or P-521");
}

Bytes bn_param(EVP_PKEY* key, const char* name, std::size_t pad_to) {
    BIGNUM* raw = nullptr;
    openssl_check(EVP_PKEY_get_bn_param(key, name, &raw), "read key parameter");
    const BignumPtr bn(raw);
    const int len = BN_num_bytes(bn.get());
    Bytes out(std::max<std::size_t>(pad_to, static_cast<std::size_t>(len)));
    openssl_check(
        BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) > 0 ? 1 : 0,
        "encode key parameter");
    return out;
}

// Leading zero bytes of RSA n and e are dropped in JWKs (RFC 7518 section 6.3.1.1).
Bytes strip_leading_zeros(Bytes b) {
    std::size_t i = 0;
    while (i + 1 < b.size() && b[i] == std::byte{0}) ++i;
    b.erase(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(i));
    return b;
}

EvpPkeyPtr rsa_public_key(ByteSpan n, ByteSpan e) {
    const BignumPtr bn_n(openssl_checked(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr),
        "RSA modulus"));
    const BignumPtr bn_e(openssl_checked(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr),
        "RSA exponent"));
    const ParamBldPtr bld(openssl_checked(OSSL_PARAM_BLD_new(), "OSSL_PARAM_BLD_new"));
    openssl_check(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()), "RSA n");
    openssl_check(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()), "RSA e");
    const ParamsPtr params(openssl_checked(OSSL_PARAM_BLD_to_param(bld.get()), "RSA params"));
    const EvpPkeyCtxPtr ctx(openssl_checked(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), "RSA context"));
    openssl_check(EVP_PKEY_fromdata_init(ctx.get()), "RSA fromdata");
    EVP_PKEY* key = nullptr;
    openssl_check(EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()), "RSA public key");
    return EvpPkeyPtr(key);
}

}  // namespace

std::string_view to_string(Curve curve) noexcept {
    switch (curve) {
        case Curve::p256:
            return "P-256";
        case Curve::p384:
            return "P-384";
        case Curve::p521:
            return "P-521";
    }
    return "?";
}

std::size_t coordinate_size(Curve curve) noexcept {
    switch (curve) {
        case Curve::p256:
            return 32;
        case Curve::p384:
            return 48;
        case Curve::p521:
            return 66;
    }
    return 0;
}

Jwk Jwk::from_json(const json::Value& value, std::string_view what) {
    if (!value.is_object()) throw InputError(std::string(what) + ": not a JSON object");
    Jwk k;
    const std::string& kty = member(value, "kty", what);
    k.alg = member(value, "alg", what);
    if (kty == "EC") {
        k.kty = KeyType::ec;
        k.crv = parse_curve(member(value, "crv", what), what);
        k.x = base64url_decode(member(value, "x", what), std::string(what) + " x");
        k.y = base64url_decode(member(value, "y", what), std::string(what) + " y");
        const std::size_t size = coordinate_size(k.crv);
        if (k.x.size() != size || k.y.size() != size)
            throw InputError(std::string(what) + ": " + std::string(to_string(k.crv)) + " coordinates must be " +
                             std::to_string(size) + " bytes each");
        k.public_key();  // refuses a point off the curve now rather than at first use
    } else if (kty == "RSA") {
        k.kty = KeyType::rsa;
        k.n = strip_leading_zeros(base64url_decode(member(value, "n", what), std::string(what) + " n"));
        k.e = strip_leading_zeros(base64url_decode(member(value, "e", what), std::string(what) + " e"));
        // Below 2048 bits RSA no longer protects a key (NIST SP 800-131A Rev. 2 section 6).
        if (k.n.size() < 256) throw InputError(std::string(what) + ": RSA modulus below 2048 bits");
        if (k.e.empty() || k.e.size() > 8) throw InputError(std::string(what) + ": RSA exponent out of range");
    } else {
        throw InputError(std::string(what) + ": key type \"" + kty + "\" is not EC or RSA");
    }
    return k;
}

Jwk Jwk::from_public_key(EVP_PKEY* key, std::string alg) {
    Jwk k;
    k.alg = std::move(alg);
    if (EVP_PKEY_is_a(key, "EC")) {
        k.kty = KeyType::ec;
        char group[64] = {};
        openssl_check(EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr),
                      "EC group");
        const std::string g(group);
        if (g == "prime256v1" || g == "P-256")
            k.crv = Curve::p256;
        else if (g == "secp384r1" || g == "P-384")
            k.crv = Curve::p384;
        else if (g == "secp521r1" || g == "P-521")
            k.crv = Curve::p521;
        else
            throw InputError("EC key on curve " + g + ": only P-256, P-384 and P-521 have JWK names here");
        k.x = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, coordinate_size(k.crv));
        k.y = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, coordinate_size(k.crv));
    } else if (EVP_PKEY_is_a(key, "RSA")) {
        k.kty = KeyType::rsa;
        k.n = strip_leading_zeros(bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0));
        k.e = strip_leading_zeros(bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0));
    } else {
        throw InputError("key is neither EC nor RSA");
    }
    return k;
}

json::Value Jwk::to_json() const {
    json::Value j = json::Value::object();
    j["alg"] = alg;
    if (kty == KeyType::ec) {
        j["kty"] = "EC";
        j["crv"] = std::string(to_string(crv));
        j["x"] = base64url_encode(x);
        j["y"] = base64url_encode(y);
    } else {
        j["kty"] = "RSA";
        j["n"] = base64url_encode(n);
        j["e"] = base64url_encode(e);
    }
    return j;
}

EvpPkeyPtr Jwk::public_key() const {
    if (kty == KeyType::rsa) return rsa_public_key(n, e);
    return attestation::ec_public_key(to_string(crv), x, y, "JWK");
}

}  // namespace ccvm::kbs

#include "ccvm/kbs/jwt.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/base64url.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::kbs {
namespace {

constexpr std::size_t kP256Size = 32;

bool is_p256(EVP_PKEY* key) {
    if (!EVP_PKEY_is_a(key, "EC")) return false;
    char group[64] = {};
    if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, nullptr) != 1) return false;
    return std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256";
}

// JWS ES256 signatures are R || S, 32 bytes each (RFC 7518 section 3.4), not DER.
Bytes sign_es256(EVP_PKEY* key, std::string_view input) {
    const EvpMdCtxPtr ctx(openssl_checked(EVP_MD_CTX_new(), "EVP_MD_CTX_new"));
    openssl_check(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), "ES256 sign init");
    std::size_t len = 0;
    const auto* msg = reinterpret_cast<const unsigned char*>(input.data());
    openssl_check(EVP_DigestSign(ctx.get(), nullptr, &len, msg, input.size()), "ES256 sign size");
    Bytes der(len);
    openssl_check(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, msg, input.size()),
                  "ES256 sign");
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    const EcdsaSigPtr sig(openssl_checked(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)), "ECDSA signature"));
    Bytes out(2 * kP256Size);
    const auto* raw = reinterpret_cast<unsigned char*>(out.data());
    openssl_check(
        BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), const_cast<unsigned char*>(raw), kP256Size) == kP256Size ? 1 : 0,
        "ECDSA r");
    openssl_check(
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), const_cast<unsigned char*>(raw) + kP256Size, kP256Size) == kP256Size
            ? 1
            : 0,
        "ECDSA s");
    return out;
}

json::Value decode_part(std::string_view part, std::string_view what) {
    const Bytes raw = base64url_decode(part, what);
    json::Value j = json::parse_untrusted(as_chars(raw), what);
    if (!j.is_object()) throw InputError(std::string(what) + " is not a JSON object");
    return j;
}

}  // namespace

TokenKey TokenKey::generate() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    return TokenKey(EvpPkeyPtr(openssl_checked(key, "token key generation")));
}

TokenKey TokenKey::load_pem(const std::filesystem::path& path) {
    const secret::SecretBytes pem = secret::read_secret_file(path);
    const BioPtr bio(openssl_checked(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) {
        ERR_clear_error();
        throw InputError(path.string() + ": not a PEM private key");
    }
    EvpPkeyPtr owned(key);
    if (!is_p256(owned.get())) throw InputError(path.string() + ": the token key must be an EC P-256 key (ES256)");
    return TokenKey(std::move(owned));
}

std::string TokenKey::sign(const json::Value& claims) const {
    const json::Value header = {{"alg", "ES256"}, {"typ", "JWT"}};
    const std::string input =
        base64url_encode(as_bytes(header.dump())) + "." + base64url_encode(as_bytes(claims.dump()));
    return input + "." + base64url_encode(sign_es256(key_.get(), input));
}

Jwk TokenKey::public_jwk() const { return Jwk::from_public_key(key_.get(), "ES256"); }

json::Value jwt_verify(std::string_view token, EVP_PKEY* public_key) {
    const std::size_t d1 = token.find('.');
    const std::size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        throw InputError("JWT: not three dot-separated parts");
    const json::Value header = decode_part(token.substr(0, d1), "JWT header");
    if (header.value("alg", "") != "ES256") throw InputError("JWT: alg is not ES256");
    const json::Value claims = decode_part(token.substr(d1 + 1, d2 - d1 - 1), "JWT claims");
    const Bytes sig = base64url_decode(token.substr(d2 + 1), "JWT signature");
    if (sig.size() != 2 * kP256Size) throw InputError("JWT: an ES256 signature is 64 bytes");
    if (!is_p256(public_key)) throw InputError("JWT: the verification key is not a P-256 key");
    const ByteSpan s(sig);
    if (!attestation::ecdsa_verify(public_key, HashAlgo::sha256, as_bytes(token.substr(0, d2)), s.first(kP256Size),
                                   s.subspan(kP256Size)))
        throw MismatchError("JWT: the signature does not verify");
    if (const auto exp = claims.find("exp"); exp != claims.end()) {
        if (!exp->is_number()) throw InputError("JWT: exp is not a number");
        const auto now =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        if (exp->get<double>() < static_cast<double>(now)) throw MismatchError("JWT: the token has expired");
    }
    return claims;
}

}  // namespace ccvm::kbs

// JWK, JWE and JWT with real OpenSSL keys: round trips on every supported key type, the refusals,
// and the RFC 7518 appendix C Concat KDF vector.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/kbs/base64url.hpp"
#include "ccvm/kbs/jwe.hpp"
#include "ccvm/kbs/jwk.hpp"
#include "ccvm/kbs/jwt.hpp"

namespace ccvm::kbs {
namespace {

EvpPkeyPtr ec_key(const char* curve) { return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve)); }
EvpPkeyPtr rsa_key() { return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))); }

std::string text(const secret::SecretBytes& b) { return std::string(as_chars(b.span())); }

nlohmann::json protected_header(const nlohmann::json& jwe) {
    return nlohmann::json::parse(as_chars(base64url_decode(jwe.at("protected").get<std::string>(), "protected")));
}

TEST(Base64url, RoundTripAndRefusals) {
    const Bytes data = from_hex("fbff00017e");
    EXPECT_EQ(base64url_encode(data), "-_8AAX4");
    EXPECT_EQ(base64url_decode("-_8AAX4", "t"), data);
    EXPECT_THROW(base64url_decode("-_8AAX4=", "t"), InputError);  // padding
    EXPECT_THROW(base64url_decode("+/8A", "t"), InputError);      // standard alphabet
    EXPECT_THROW(base64url_decode("A", "t"), InputError);         // impossible length
}

struct CurveCase {
    const char* openssl;
    Curve curve;
    std::size_t size;
};

class JweEc : public ::testing::TestWithParam<CurveCase> {};

TEST_P(JweEc, RoundTripWithEcdhEsA256kw) {
    const auto key = ec_key(GetParam().openssl);
    const Jwk jwk = Jwk::from_public_key(key.get(), "ECDH-ES+A256KW");
    EXPECT_EQ(jwk.crv, GetParam().curve);
    EXPECT_EQ(jwk.x.size(), GetParam().size);
    EXPECT_EQ(Jwk::from_json(jwk.to_json(), "jwk"), jwk);

    const std::string secret = "the disk key \x00\x01 of vm-a";
    const nlohmann::json jwe = jwe_encrypt(jwk, as_bytes(secret));
    EXPECT_FALSE(jwe.contains("aad"));
    const nlohmann::json header = protected_header(jwe);
    EXPECT_EQ(header.at("alg"), "ECDH-ES+A256KW");
    EXPECT_EQ(header.at("enc"), "A256GCM");
    EXPECT_EQ(header.at("epk").at("crv"), std::string(to_string(GetParam().curve)));
    EXPECT_EQ(base64url_decode(jwe.at("encrypted_key").get<std::string>(), "k").size(), 40u);  // wrapped 32 + 8
    EXPECT_EQ(text(jwe_decrypt(jwe, key.get())), secret);

    // Another key of the same curve cannot open it.
    const auto other = ec_key(GetParam().openssl);
    EXPECT_THROW(jwe_decrypt(jwe, other.get()), MismatchError);
}

INSTANTIATE_TEST_SUITE_P(Curves, JweEc,
                         ::testing::Values(CurveCase{"P-256", Curve::p256, 32}, CurveCase{"P-384", Curve::p384, 48},
                                           CurveCase{"P-521", Curve::p521, 66}));

TEST(Jwe, RsaOaep256RoundTrip) {
    const auto key = rsa_key();
    const Jwk jwk = Jwk::from_public_key(key.get(), "RSA-OAEP-256");
    EXPECT_EQ(jwk.n.size(), 256u);
    EXPECT_EQ(Jwk::from_json(jwk.to_json(), "jwk"), jwk);
    const nlohmann::json jwe = jwe_encrypt(jwk, as_bytes("rsa secret"));
    EXPECT_EQ(protected_header(jwe), nlohmann::json({{"alg", "RSA-OAEP-256"}, {"enc", "A256GCM"}}));
    EXPECT_EQ(text(jwe_decrypt(jwe, key.get())), "rsa secret");
}

TEST(Jwe, RefusesRsa15BothWays) {
    const auto key = rsa_key();
    Jwk jwk = Jwk::from_public_key(key.get(), "RSA1_5");
    try {
        jwe_encrypt(jwk, as_bytes("x"));
        FAIL() << "RSA1_5 accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("RSA1_5"), std::string::npos);
    }
    // A JWE whose header names RSA1_5 is refused before any RSA operation.
    jwk.alg = "RSA-OAEP-256";
    nlohmann::json jwe = jwe_encrypt(jwk, as_bytes("x"));
    jwe["protected"] = base64url_encode(as_bytes(R"({"alg":"RSA1_5","enc":"A256GCM"})"));
    EXPECT_THROW(jwe_decrypt(jwe, key.get()), InputError);
}

TEST(Jwe, RefusesMismatchedAlgAndTampering) {
    const auto ec = ec_key("P-256");
    Jwk jwk = Jwk::from_public_key(ec.get(), "RSA-OAEP-256");  // alg of another key type
    EXPECT_THROW(jwe_encrypt(jwk, as_bytes("x")), InputError);
    jwk.alg = "ECDH-ES";  // direct key agreement: not offered
    EXPECT_THROW(jwe_encrypt(jwk, as_bytes("x")), InputError);
    jwk.alg = "ECDH-ES+A256KW";
    nlohmann::json jwe = jwe_encrypt(jwk, as_bytes("payload"));
    // The protected header is authenticated: changing it (here: adding a member) breaks the tag.
    nlohmann::json header = protected_header(jwe);
    header["kid"] = "x";
    nlohmann::json altered = jwe;
    altered["protected"] = base64url_encode(as_bytes(header.dump()));
    EXPECT_THROW(jwe_decrypt(altered, ec.get()), MismatchError);
    altered = jwe;
    altered["aad"] = "ZXh0cmE";  // an aad member changes the additional data too
    EXPECT_THROW(jwe_decrypt(altered, ec.get()), MismatchError);
    altered = jwe;
    Bytes ct = base64url_decode(jwe.at("ciphertext").get<std::string>(), "ct");
    ct[0] ^= std::byte{1};
    altered["ciphertext"] = base64url_encode(ct);
    EXPECT_THROW(jwe_decrypt(altered, ec.get()), MismatchError);
}

TEST(Jwk, RefusesBadKeys) {
    nlohmann::json j = {{"kty", "EC"},
                        {"crv", "P-256"},
                        {"alg", "ECDH-ES+A256KW"},
                        {"x", base64url_encode(Bytes(32, std::byte{1}))},
                        {"y", base64url_encode(Bytes(32, std::byte{2}))}};
    EXPECT_THROW(Jwk::from_json(j, "tee-pubkey"), InputError);  // not on the curve
    j["crv"] = "secp256k1";
    EXPECT_THROW(Jwk::from_json(j, "tee-pubkey"), InputError);
    EXPECT_THROW(Jwk::from_json(nlohmann::json{{"kty", "oct"}, {"alg", "A256KW"}}, "tee-pubkey"), InputError);
    const auto small = EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)));
    EXPECT_THROW(Jwk::from_json(Jwk::from_public_key(small.get(), "RSA-OAEP-256").to_json(), "tee-pubkey"), InputError);
}

// RFC 7518 appendix C: ECDH-ES between the example keys, Concat KDF for A128GCM with apu "Alice"
// and apv "Bob" gives VqqN6vgjbSBcIijNcacQGg.
TEST(ConcatKdf, Rfc7518AppendixC) {
    const std::uint8_t z_raw[] = {158, 86, 217, 29,  129, 113, 53,  211, 114, 131, 66,  131, 191, 132, 38,  156,
                                  251, 49, 110, 163, 218, 128, 106, 72,  246, 218, 167, 121, 140, 254, 144, 196};
    const Bytes z(reinterpret_cast<const std::byte*>(z_raw), reinterpret_cast<const std::byte*>(z_raw) + sizeof z_raw);
    const secret::SecretBytes k = concat_kdf(z, "A128GCM", as_bytes("Alice"), as_bytes("Bob"), 16);
    EXPECT_EQ(base64url_encode(k.span()), "VqqN6vgjbSBcIijNcacQGg");
}

TEST(Jwt, SignVerifyAndRefusals) {
    const TokenKey key = TokenKey::generate();
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const json::Value claims = {{"iss", "ccvm"}, {"iat", now}, {"exp", now + 60}, {"vm", "vm-a"}};
    const std::string token = key.sign(claims);
    const auto pub = key.public_jwk().public_key();
    EXPECT_EQ(jwt_verify(token, pub.get()), claims);
    EXPECT_EQ(key.public_jwk().alg, "ES256");

    const auto other = TokenKey::generate().public_jwk().public_key();
    EXPECT_THROW(jwt_verify(token, other.get()), MismatchError);
    std::string tampered = token;
    tampered[token.find('.') + 2] ^= 1;
    EXPECT_ANY_THROW(jwt_verify(tampered, pub.get()));
    const std::string expired = key.sign({{"exp", now - 10}});
    EXPECT_THROW(jwt_verify(expired, pub.get()), MismatchError);
    EXPECT_THROW(jwt_verify("a.b", pub.get()), InputError);
}

}  // namespace
}  // namespace ccvm::kbs

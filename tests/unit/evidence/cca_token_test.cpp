// CCA attestation tokens from TF-RMM (via veraison/ccatoken) and trustee: parsing and verification.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <algorithm>

#include "ccvm/attestation/cca/verify_token.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"
#include "evidence_data.hpp"

namespace ccvm::attestation::cca {
namespace {

using test::flipped;
using test::load_evidence;

EvpPkeyPtr cpak() { return attestation::load_public_key(load_evidence("cca/tf-rmm-cpak.pem"), "cpak"); }

const attestation::Check& check(const attestation::CheckList& list, std::string_view name) {
    const attestation::Check* c = list.find(name);
    if (c == nullptr) throw std::runtime_error("no check " + std::string(name));
    return *c;
}

// Offset just past the first occurrence of `hex` in `data`.
std::size_t after(const Bytes& data, std::string_view hex) {
    const Bytes needle = from_hex(hex);
    auto it = std::search(data.begin(), data.end(), needle.begin(), needle.end());
    if (it == data.end()) throw std::runtime_error("pattern not found: " + std::string(hex));
    return static_cast<std::size_t>(it - data.begin()) + needle.size();
}

TEST(CcaToken, TfRmmClaimsMatchTheUpstreamVector) {
    const AttestationToken t = parse_attestation_token(load_evidence("cca/tf-rmm-token.cbor"), "token");
    EXPECT_EQ(t.collection_tag, kTagEatCollection);
    EXPECT_EQ(t.platform.alg, kAlgES384);
    EXPECT_EQ(t.realm.alg, kAlgES384);
    // Values as spelled out in veraison/ccatoken test_common.go (testRMMLegacyEvidence).
    const auto& p = t.platform_claims;
    EXPECT_EQ(p.profile, "http://arm.com/CCA-SSD/1.0.0");
    EXPECT_EQ(to_hex(p.implementation_id), "7f454c4602010100000000000000000003003e00010000005058000000000000");
    EXPECT_EQ(to_hex(p.instance_id), "0107060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918");
    EXPECT_EQ(p.lifecycle, 0x3003u);
    EXPECT_EQ(p.hash_algo, "sha-256");
    EXPECT_EQ(p.verification_service, "whatever.com");
    ASSERT_EQ(p.sw_components.size(), 4u);
    EXPECT_EQ(p.sw_components[0].type, "BL");
    EXPECT_EQ(p.sw_components[0].version, "3.4.2");
    EXPECT_EQ(p.sw_components[3].type, "M3");
    const auto& r = t.realm_claims;
    EXPECT_EQ(r.challenge, Bytes(64, std::byte{0xab}));
    EXPECT_EQ(as_chars(r.rpv), "The quick brown fox jumps over 13 lazy dogs.The quick brown fox ");
    EXPECT_EQ(r.hash_algo, "sha-256");
    EXPECT_EQ(r.rak_hash_algo, "sha-256");
    EXPECT_EQ(r.rim, Bytes(32, std::byte{0}));
    for (const Bytes& rem : r.rem) EXPECT_EQ(rem, Bytes(32, std::byte{0}));
    EXPECT_EQ(r.rak.size(), 97u);  // uncompressed P-384 point
}

TEST(CcaToken, CmwCollectionCarriesTheSameTokens) {
    const AttestationToken eat = parse_attestation_token(load_evidence("cca/tf-rmm-token.cbor"), "399");
    const AttestationToken cmw = parse_attestation_token(load_evidence("cca/tf-rmm-token-cmw.cbor"), "907");
    EXPECT_EQ(cmw.collection_tag, kTagCmwCollection);
    EXPECT_EQ(cmw.realm.to_be_signed, eat.realm.to_be_signed);
    EXPECT_EQ(cmw.platform.to_be_signed, eat.platform.to_be_signed);
    const auto pk = cpak();
    EXPECT_TRUE(verify_token(cmw, pk.get(), {}).all_ok());
}

TEST(CcaToken, RealTokensVerify) {
    const auto pk = cpak();
    for (const char* name : {"cca/tf-rmm-token.cbor", "cca/tf-rmm-token-cmw.cbor", "cca/trustee-token.cbor"}) {
        const auto checks = verify_token(parse_attestation_token(load_evidence(name), name), pk.get(), {});
        for (const auto& c : checks.checks()) EXPECT_TRUE(c.ok) << name << ": " << c.name << ": " << c.reason;
        EXPECT_EQ(checks.checks().size(), 4u);
    }
}

TEST(CcaToken, TrusteeTokenIsSha512Realm) {
    const AttestationToken t = parse_attestation_token(load_evidence("cca/trustee-token.cbor"), "token");
    EXPECT_EQ(t.realm_claims.hash_algo, "sha-512");
    EXPECT_EQ(t.realm_claims.rim.size(), 64u);
}

TEST(CcaToken, MissingOrWrongCpakFails) {
    const AttestationToken t = parse_attestation_token(load_evidence("cca/tf-rmm-token.cbor"), "token");
    const auto none = verify_token(t, nullptr, {});
    EXPECT_FALSE(check(none, "platform.signature").ok);
    EXPECT_NE(check(none, "platform.signature").reason.find("give the CPAK"), std::string::npos);
    EXPECT_TRUE(check(none, "realm.signature").ok);

    EvpPkeyPtr other(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    ASSERT_TRUE(other);
    EXPECT_FALSE(check(verify_token(t, other.get(), {}), "platform.signature").ok);
    EvpPkeyPtr p256(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    EXPECT_FALSE(check(verify_token(t, p256.get(), {}), "platform.signature").ok);
}

TEST(CcaToken, FlippedClaimsBreakSignatureAndBinding) {
    const Bytes raw = load_evidence("cca/tf-rmm-token.cbor");
    const auto pk = cpak();
    // Realm RIM (claim 44238 = 0x19acce, bstr of 32 bytes).
    const auto rim = verify_token(parse_attestation_token(flipped(raw, after(raw, "19acce5820")), "t"), pk.get(), {});
    EXPECT_FALSE(check(rim, "realm.signature").ok);
    EXPECT_TRUE(check(rim, "platform.signature").ok);
    // Platform challenge (claim 10, bstr of 32 bytes): the platform signature and the binding fail.
    const auto nonce = verify_token(parse_attestation_token(flipped(raw, after(raw, "0a5820")), "t"), pk.get(), {});
    EXPECT_FALSE(check(nonce, "platform.signature").ok);
    EXPECT_FALSE(check(nonce, "binding").ok);
    EXPECT_TRUE(check(nonce, "realm.signature").ok);
    // The RAK itself (claim 44237, 97-byte bstr): the realm signature and the binding fail.
    const auto rak =
        verify_token(parse_attestation_token(flipped(raw, after(raw, "19accd5861") + 40), "t"), pk.get(), {});
    EXPECT_FALSE(check(rak, "realm.signature").ok);
    EXPECT_FALSE(check(rak, "binding").ok);
    // Last byte = end of the realm signature.
    EXPECT_FALSE(
        check(verify_token(parse_attestation_token(flipped(raw, raw.size() - 1), "t"), pk.get(), {}), "realm.signature")
            .ok);
}

TEST(CcaToken, ExpectedValuesAreCompared) {
    const AttestationToken t = parse_attestation_token(load_evidence("cca/tf-rmm-token.cbor"), "token");
    const auto pk = cpak();
    TokenExpectations e;
    e.rim = Bytes(32, std::byte{0});
    e.rem[2] = Bytes(32, std::byte{0});
    e.challenge = Bytes(64, std::byte{0xab});
    e.rpv = Bytes(t.realm_claims.rpv);
    EXPECT_TRUE(verify_token(t, pk.get(), e).all_ok());
    e.rim->back() = std::byte{1};
    e.challenge = Bytes(1, std::byte{0xab});  // zero-padded, so it no longer matches
    const auto checks = verify_token(t, pk.get(), e);
    EXPECT_FALSE(check(checks, "rim").ok);
    EXPECT_FALSE(check(checks, "challenge").ok);
    EXPECT_TRUE(check(checks, "rem2").ok);
    EXPECT_TRUE(check(checks, "rpv").ok);
}

TEST(CcaToken, TruncatedOrForeignInputIsAnInputError) {
    const Bytes raw = load_evidence("cca/tf-rmm-token.cbor");
    for (std::size_t n = 0; n < raw.size(); ++n)
        EXPECT_THROW(parse_attestation_token(ByteSpan(raw).first(n), "t"), InputError) << n;
    Bytes other_tag = raw;
    other_tag[2] = std::byte{0x90};  // tag 400
    EXPECT_THROW(parse_attestation_token(other_tag, "t"), InputError);
    EXPECT_THROW(parse_attestation_token(load_evidence("tdx/trustee-quote-v4.dat"), "quote"), InputError);
}

}  // namespace
}  // namespace ccvm::attestation::cca

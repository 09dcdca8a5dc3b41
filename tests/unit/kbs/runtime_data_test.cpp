// The runtime-data digest and its binding in report data, as Trustee computes and checks them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ccvm/base/encoding.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/runtime_data.hpp"

namespace ccvm::kbs {
namespace {

// A fixed P-256 point (RFC 7518 appendix C, Bob's key) so the digest is reproducible.
Jwk bob() {
    return Jwk::from_json({{"kty", "EC"},
                           {"crv", "P-256"},
                           {"alg", "ECDH-ES+A256KW"},
                           {"x", "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ"},
                           {"y", "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"}},
                          "jwk");
}

TEST(RuntimeData, DigestIsSha384OfTheCanonicalJson) {
    const RuntimeData rd{"bm9uY2U=", bob(), ""};
    // The canonical text written out by hand from RFC 8785's rules: members sorted, no spaces.
    const std::string canonical =
        R"({"additional-evidence":"","nonce":"bm9uY2U=","tee-pubkey":{"alg":"ECDH-ES+A256KW","crv":"P-256",)"
        R"("kty":"EC","x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ","y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"}})";
    EXPECT_EQ(runtime_data_digest(rd), sha384(as_bytes(canonical)));
    RuntimeData other = rd;
    other.nonce = "bm9uY2V=";
    EXPECT_NE(runtime_data_digest(other), runtime_data_digest(rd));
}

TEST(RuntimeData, BindingChecksPrefixAndZeroTail) {
    const Sha384Digest d = runtime_data_digest({"n", bob(), ""});
    Bytes rd = binding_report_data(d);
    ASSERT_EQ(rd.size(), 64u);
    EXPECT_TRUE(std::equal(d.begin(), d.end(), rd.begin()));
    EXPECT_TRUE(is_all_zero(ByteSpan(rd).subspan(48)));
    EXPECT_EQ(check_binding(rd, d), "");
    rd[63] = std::byte{1};
    EXPECT_NE(check_binding(rd, d).find("not zero"), std::string::npos);
    rd[63] = std::byte{0};
    rd[0] ^= std::byte{1};
    EXPECT_NE(check_binding(rd, d).find("not bound"), std::string::npos);
    EXPECT_NE(check_binding(ByteSpan(rd).first(32), d), "");
}

}  // namespace
}  // namespace ccvm::kbs

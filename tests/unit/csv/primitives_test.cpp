// CSV pre-attestation primitives against csv_primitives.json (csv-rs unit values and ports).
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "ccvm/launch-secret/csv/launch_start.hpp"
#include "ccvm/launch-secret/csv/secret_packet.hpp"
#include "ccvm/launch-secret/csv/sm3_kdf.hpp"
#include "ccvm/launch-secret/csv/sm4_ctr.hpp"
#include "csv_test_support.hpp"

using namespace ccvm;
using namespace ccvm::secret::csv;
using ccvm::test::csv::hex;
using ccvm::test::csv::primitive;

namespace {

// vectors README: stream(label, n) = concat SHA-256(label || le32(i)), truncated to n bytes.
Bytes stream(const std::string& label, std::size_t n) {
    Bytes out;
    for (std::uint32_t i = 0; out.size() < n; ++i) {
        Bytes in(as_bytes(label).begin(), as_bytes(label).end());
        append_le(in, i);
        append(out, sha256(in));
    }
    out.resize(n);
    return out;
}

std::string hx(ByteSpan b) { return to_hex(b); }

}  // namespace

TEST(CsvKdf, DeriveMatchesCsvRsUnitTest) {
    const Bytes zero16(16);
    EXPECT_EQ(hx(derive_key(zero16, 16, zero16, "csv-master-secret")),
              json::get_string(json::at(primitive("csv-rs-unit.0"), "expected")));
}

TEST(CsvKdf, X963CountsFromOneBigEndian) {
    // Independent: first block is SM3(x || 00000001), second SM3(x || 00000002).
    const Bytes x = from_hex("616263");
    Bytes b1 = from_hex("61626300000001"), b2 = from_hex("61626300000002");
    const Sm3Digest d1 = sm3(b1), d2 = sm3(b2);
    Bytes want(d1.begin(), d1.end());
    append(want, d2);
    want.resize(40);
    EXPECT_EQ(kdf_x963_sm3(x, 40), want);
}

TEST(CsvHmacSm3, MatchesCsvRsUnitTest) {
    const Bytes key(16), data(4);
    EXPECT_EQ(hx(hmac_sm3(key, {data})), json::get_string(json::at(primitive("csv-rs-unit.1"), "expected")));
    // Split input gives the same MAC.
    EXPECT_EQ(hmac_sm3(key, {ByteSpan(data).first(1), ByteSpan(data).subspan(1)}), hmac_sm3(key, {data}));
}

TEST(CsvReportRequest, HashIsSm3OfDataAndMnonce) {
    for (const char* id : {"csv-report-req.0", "csv-report-req.1"}) {
        const auto& p = primitive(id);
        EXPECT_EQ(hx(sm3(hex(json::at(p, "input_hex")))), json::get_string(json::at(p, "sm3"))) << id;
    }
}

TEST(CsvLaunchStart, SessionPiecesMatchVectors) {
    for (const char* id : {"csv-session.0", "csv-session.1"}) {
        const auto& in = json::at(primitive(id), "inputs");
        const auto& want = json::at(primitive(id), "expected");
        SessionKeys keys = derive_session_keys(hex(json::at(in, "z_share_key")), hex(json::at(in, "nonce")));
        EXPECT_EQ(hx(keys.master), json::get_string(json::at(want, "master"))) << id;
        EXPECT_EQ(hx(keys.kek), json::get_string(json::at(want, "kek"))) << id;
        EXPECT_EQ(hx(keys.kik), json::get_string(json::at(want, "kik"))) << id;
        auto wrapped =
            wrap_transport_keys(keys, hex(json::at(in, "tek")), hex(json::at(in, "tik")), hex(json::at(in, "wrap_iv")));
        EXPECT_EQ(hx(wrapped.wrap_tk), json::get_string(json::at(want, "wrap_tk"))) << id;
        EXPECT_EQ(hx(wrapped.wrap_mac), json::get_string(json::at(want, "wrap_mac"))) << id;
        auto mac =
            session_mac(hex(json::at(in, "tik")), static_cast<std::uint32_t>(json::get_u64(json::at(in, "policy"))),
                        hex(json::at(in, "ms_enc_placeholder")));
        EXPECT_EQ(hx(mac), json::get_string(json::at(want, "session_mac"))) << id;
    }
}

TEST(CsvSecretPacket, MatchesVectors) {
    for (const char* id : {"csv-secret.0", "csv-secret.1"}) {
        const auto& in = json::at(primitive(id), "inputs");
        const auto& want = json::at(primitive(id), "expected");
        const std::string recipe = json::get_string(json::at(in, "data_recipe"));  // stream('label', n)
        const auto q1 = recipe.find('\''), q2 = recipe.find('\'', q1 + 1);
        const Bytes data = stream(recipe.substr(q1 + 1, q2 - q1 - 1), std::stoul(recipe.substr(recipe.find(',') + 1)));
        ASSERT_EQ(hx(sha256(data)), json::get_string(json::at(in, "data_sha256"))) << id;
        auto p = build_secret_packet(hex(json::at(in, "tek")), hex(json::at(in, "tik")), hex(json::at(in, "iv")),
                                     static_cast<std::uint32_t>(json::get_u64(json::at(in, "flags"))), data,
                                     hex(json::at(in, "launch_measure")));
        EXPECT_EQ(hx(sha256(p.ciphertext)), json::get_string(json::at(want, "ciphertext_sha256"))) << id;
        const std::string first = json::get_string(json::at(want, "ciphertext_first32"));
        EXPECT_EQ(hx(p.ciphertext).substr(0, first.size()), first) << id;
        EXPECT_EQ(hx(p.header.mac), json::get_string(json::at(want, "header_mac"))) << id;
        const Bytes header = p.header.serialize();
        ASSERT_EQ(header.size(), kSecretHeaderSize);
        EXPECT_EQ(load_le<std::uint32_t>(header, 0), p.header.flags);
        EXPECT_EQ(hx(ByteSpan(header).subspan(4, 16)), json::get_string(json::at(in, "iv")));
        EXPECT_EQ(hx(ByteSpan(header).subspan(20, 32)), json::get_string(json::at(want, "header_mac")));
        // CTR is its own inverse.
        EXPECT_EQ(sm4_ctr(hex(json::at(in, "tek")), hex(json::at(in, "iv")), p.ciphertext), data);
    }
}

TEST(CsvSm4Ctr, RejectsBadKeyAndIvSizes) {
    const Bytes k15(15), k16(16), d(4);
    EXPECT_THROW(sm4_ctr(k15, k16, d), InputError);
    EXPECT_THROW(sm4_ctr(k16, k15, d), InputError);
}

// LAUNCH_START package (AMD SEV API spec (pub. 55766) LAUNCH_START): KDF, key wrap and MACs against the virtee/sev unit
// vectors, and the whole session against the shared vector built from the Naples PDH.
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/launch-secret/kdf.hpp"
#include "ccvm/launch-secret/session.hpp"
#include "secret_test_util.hpp"
#include "support/paths.hpp"

using namespace ccvm;
using namespace ccvm::secret;

namespace {

json::Value session_case() {
    auto doc = json::parse(read_text_file(test::vectors_dir() / "sev_preattestation.json"));
    for (const auto& c : json::get_array(json::at(doc, "cases")))
        if (json::get_string(json::at(c, "id")) == "session-naples-pdh-v1") return c;
    throw std::runtime_error("session vector missing");
}

template <std::size_t N>
std::array<std::byte, N> arr(std::string_view h) {
    Bytes b = from_hex(h);
    std::array<std::byte, N> out{};
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

}  // namespace

// virtee/sev src/session/mod.rs test `session`: all-zero Z (16 bytes), nonce, IV, TEK, TIK, policy 0.
// AMD SEV API spec (pub. 55766) LAUNCH_START quotes the first and last bytes of the same three values.
TEST(LaunchSession, VirteeAllZeroVector) {
    const Bytes zero16(16);
    SessionFields f = derive_session_fields(zero16, SessionNonce{}, AesCtrIv{}, zero16, zero16, 0);
    EXPECT_EQ(to_hex(f.wrap_tk), "2137bc7f9bb8bd7c3e55a576a15d3454b3856b8ba27afadf46dcfee9f02c02c4");
    EXPECT_EQ(to_hex(f.wrap_mac), "3176c0752738bd9d5e86689534020f528c088f16238826b000b327dee6aeed7d");
    EXPECT_EQ(to_hex(f.policy_mac), "aa7855e13839dd767cd5da7c1ff5036540c9264b7a803029315e55375287b4af");
    const SessionBlob blob = f.serialize();
    EXPECT_TRUE(is_all_zero(ByteSpan(blob).subspan(0x00, 16)));  // nonce
    EXPECT_EQ(to_hex(ByteSpan(blob).subspan(0x10, 32)), to_hex(f.wrap_tk));
    EXPECT_TRUE(is_all_zero(ByteSpan(blob).subspan(0x30, 16)));  // wrap IV
    EXPECT_EQ(to_hex(ByteSpan(blob).subspan(0x40, 32)), to_hex(f.wrap_mac));
    EXPECT_EQ(to_hex(ByteSpan(blob).subspan(0x60, 32)), to_hex(f.policy_mac));
}

// The POLICY_MAC is keyed with the TIK: a different TIK changes it, a different KEK/KIK input does not.
TEST(LaunchSession, PolicyMacKeyedWithTik) {
    const Bytes zero16(16);
    Bytes tik = zero16;
    tik[0] = std::byte{1};
    SessionFields a = derive_session_fields(zero16, SessionNonce{}, AesCtrIv{}, zero16, zero16, 1);
    SessionFields b = derive_session_fields(zero16, SessionNonce{}, AesCtrIv{}, zero16, tik, 1);
    Bytes other_z(48, std::byte{7});
    SessionFields c = derive_session_fields(other_z, SessionNonce{}, AesCtrIv{}, zero16, zero16, 1);
    EXPECT_NE(a.policy_mac, b.policy_mac);
    EXPECT_EQ(a.policy_mac, c.policy_mac);
    EXPECT_NE(a.wrap_mac, c.wrap_mac);
}

// ECDH (big-endian X) + KDF: master secret, KEK and KIK quoted in the note of the shared session vector.
TEST(LaunchSession, NaplesEcdhAndKdfIntermediates) {
    const auto pdh = SevCertificate::parse(read_file(test::inputs_dir() / "sev/pdh-naples.cert"), "pdh");
    const auto godh = P384PrivateKey::from_pem(read_file(test::inputs_dir() / "sev/godh-v1.pem"), "godh");
    SecretBytes z = godh.ecdh(pdh.ecdh_public_key("pdh"), "pdh");
    ASSERT_EQ(z.size(), 48u);
    const auto nonce = arr<16>("00112233445566778899aabbccddeeff");
    SecretBytes master = kdf_sp800_108(z, kMasterSecretLabel, nonce, 16);
    EXPECT_EQ(to_hex(master), "8fe20f90b20e7db388baca6b631ad8ab");
    EXPECT_EQ(to_hex(kdf_sp800_108(master, kKekLabel, {}, 16)), "3af5a5ee45c665f7eafd39a63d9af5d2");
    EXPECT_EQ(to_hex(kdf_sp800_108(master, kKikLabel, {}, 16)), "32d10c568a24a3600a0d205d522b71c2");
}

// KDF output longer than one HMAC block uses counters 1, 2: the first 32 bytes equal the 32-byte
// derivation only in the counter-1 block, not in the encoded length.
TEST(Kdf, MultiBlockUsesCounterAndLength) {
    const Bytes key(16, std::byte{0x11});
    SecretBytes k48 = kdf_sp800_108(key, "label", {}, 48);
    SecretBytes k32 = kdf_sp800_108(key, "label", {}, 32);
    ASSERT_EQ(k48.size(), 48u);
    EXPECT_NE(to_hex(k48.span().first(32)), to_hex(k32));  // L is part of every block's input
    EXPECT_THROW(kdf_sp800_108(key, "label", {}, 0), InputError);
}

TEST(LaunchSession, FullSessionMatchesSharedVector) {
    const json::Value c = session_case();
    SessionOptions o;
    o.nonce = arr<16>("00112233445566778899aabbccddeeff");
    o.wrap_iv = arr<16>("0f0e0d0c0b0a09080706050403020100");
    o.tek = SecretBytes(from_hex("000102030405060708090a0b0c0d0e0f"));
    o.tik = SecretBytes(from_hex("101112131415161718191a1b1c1d1e1f"));
    o.godh_private = P384PrivateKey::from_pem(read_file(test::inputs_dir() / "sev/godh-v1.pem"), "godh");
    const auto pdh = SevCertificate::parse(read_file(test::inputs_dir() / "sev/pdh-naples.cert"), "pdh");
    LaunchSession s = create_launch_session(pdh, 1, o);
    EXPECT_EQ(to_base64(s.session), json::get_string(json::at(json::at(json::at(c, "expect"), "json"), "session")));
    EXPECT_EQ(to_base64(s.godh.serialize()),
              json::get_string(json::at(json::at(json::at(c, "expect"), "json"), "godh")));
    EXPECT_EQ(to_hex(s.tek), "000102030405060708090a0b0c0d0e0f");
}

// Random sessions: fresh keys each time, and the platform side (PDH private key) can unwrap them.
TEST(LaunchSession, RandomSessionUnwrapsOnPlatformSide) {
    const P384PrivateKey platform = P384PrivateKey::generate();
    const SevCertificate pdh = SevCertificate::godh(platform.public_point());  // same layout as a PDH
    LaunchSession a = create_launch_session(pdh, 5);
    LaunchSession b = create_launch_session(pdh, 5);
    EXPECT_NE(to_hex(a.tek), to_hex(b.tek));
    EXPECT_NE(to_hex(a.session), to_hex(b.session));

    // Firmware view: Z from the PDH private key and the GODH public key, then unwrap TEK||TIK.
    SecretBytes z = platform.ecdh(a.godh.ecdh_public_key("godh"), "godh");
    SessionNonce nonce{};
    AesCtrIv iv{};
    std::copy_n(a.session.begin(), 16, nonce.begin());
    std::copy_n(a.session.begin() + 0x30, 16, iv.begin());
    SecretBytes master = kdf_sp800_108(z, kMasterSecretLabel, nonce, 16);
    SecretBytes kek = kdf_sp800_108(master, kKekLabel, {}, 16);
    Bytes keys = aes_128_ctr(kek, iv, ByteSpan(a.session).subspan(0x10, 32));
    EXPECT_EQ(to_hex(ByteSpan(keys).first(16)), to_hex(a.tek));
    EXPECT_EQ(to_hex(ByteSpan(keys).subspan(16)), to_hex(a.tik));
}

TEST(LaunchSession, RejectsNonEcdhCertificate) {
    auto bytes = read_file(test::inputs_dir() / "sev/pdh-naples.cert");
    bytes[0x0c] = std::byte{2};  // ECDSA: a PEK, not a PDH
    const auto cert = SevCertificate::parse(bytes, "pek");
    try {
        create_launch_session(cert, 1);
        FAIL() << "accepted a signing certificate as PDH";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("ECDH"), std::string::npos) << e.what();
    }
}

TEST(LaunchSession, RejectsPointOffCurve) {
    auto bytes = read_file(test::inputs_dir() / "sev/pdh-naples.cert");
    bytes[0x14] ^= std::byte{1};  // QX changed: no longer on P-384
    const auto cert = SevCertificate::parse(bytes, "pdh");
    EXPECT_THROW(create_launch_session(cert, 1), InputError);
}

// CSV LAUNCH_START package, owner certificate, SM2 key pair and LAUNCH_MEASURE model.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "ccvm/attestation/csv/attestation_report.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/csv/launch_measure.hpp"
#include "ccvm/launch-secret/csv/launch_start.hpp"
#include "ccvm/launch-secret/csv/sm4_ctr.hpp"
#include "csv_test_support.hpp"
#include "sm2_test_keys.hpp"

using namespace ccvm;
using namespace ccvm::secret::csv;
using ccvm::test::csv::hex;
using ccvm::test::csv::input_file;
using ccvm::test::csv::primitive;

namespace {

Bytes synthetic_key(const char* name) {
    return from_hex(
        json::get_string(json::at(json::at(primitive("csv-synthetic-chain.keys"), "private_keys_hex"), name)));
}

template <std::size_t N>
std::array<std::byte, N> arr(const Bytes& b) {
    std::array<std::byte, N> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

}  // namespace

TEST(CsvSm2KeyPair, PublicKeyMatchesSyntheticPekCertificate) {
    const auto report = attestation::csv::AttestationReport::parse(input_file("csv/synthetic/report_v1.bin"), "report");
    const auto key = Sm2PrivateKey::from_be(synthetic_key("PEK"));
    const auto x = key.public_key().x_le();
    EXPECT_TRUE(std::equal(x.begin(), x.end(), report.pek.pubkey.x.begin()));
    const auto sig = key.sign(as_bytes("msg"), as_bytes("HYGON-SSD-PEK"));
    EXPECT_TRUE(key.public_key().verify(as_bytes("msg"), as_bytes("HYGON-SSD-PEK"), sig.r, sig.s));
    EXPECT_FALSE(key.public_key().verify(as_bytes("msg"), as_bytes("GUEST_USER_ID"), sig.r, sig.s));
    EXPECT_THROW(Sm2PrivateKey::from_be(Bytes(32)), InputError);  // d = 0
    const auto fresh = Sm2PrivateKey::generate();
    EXPECT_NE(fresh.public_key().point(), key.public_key().point());
}

TEST(CsvCertificateLayout, SerializeRoundTripsRealCertificates) {
    const Bytes hsk_cek = input_file("csv/csv-rs/hsk_cek.cert");
    const auto cek = CsvCertificate::parse(ByteSpan(hsk_cek).subspan(kCaCertSize), "cek");
    // The reserved bytes of a real certificate are zero, so the fields reproduce it exactly.
    EXPECT_EQ(cek.serialize(), Bytes(hsk_cek.begin() + kCaCertSize, hsk_cek.end()));
    const auto report = attestation::csv::AttestationReport::parse(input_file("csv/csv-rs/report.cert"), "report");
    EXPECT_EQ(report.pek.serialize(), report.pek.raw);
}

TEST(CsvLaunchStart, PackageMatchesVectorPiecesAndVerifies) {
    const auto& in = json::at(primitive("csv-session.0"), "inputs");
    const auto& want = json::at(primitive("csv-session.0"), "expected");
    const auto platform_key = Sm2PrivateKey::from_be(synthetic_key("PEK"));
    const CsvCertificate pdh = make_owner_certificate(platform_key.public_key());  // any PDH-usage certificate

    LaunchStartOptions opt;
    opt.tek = arr<16>(hex(json::at(in, "tek")));
    opt.tik = arr<16>(hex(json::at(in, "tik")));
    opt.share_key = arr<16>(hex(json::at(in, "z_share_key")));
    opt.nonce = arr<16>(hex(json::at(in, "nonce")));
    opt.wrap_iv = arr<16>(hex(json::at(in, "wrap_iv")));
    opt.owner_key = Sm2PrivateKey::from_be(synthetic_key("OCA"));
    const auto policy = static_cast<std::uint32_t>(json::get_u64(json::at(in, "policy")));
    const auto pkg = create_launch_start(pdh, policy, opt);

    ASSERT_EQ(pkg.session.size(), kSessionSize);
    const ByteSpan s = pkg.session;
    EXPECT_EQ(to_hex(s.subspan(0, 16)), json::get_string(json::at(in, "nonce")));
    EXPECT_EQ(to_hex(s.subspan(16, 32)), json::get_string(json::at(want, "wrap_tk")));
    EXPECT_EQ(to_hex(s.subspan(48, 16)), json::get_string(json::at(in, "wrap_iv")));
    EXPECT_EQ(to_hex(s.subspan(64, 32)), json::get_string(json::at(want, "wrap_mac")));
    const ByteSpan ms_enc = s.subspan(292, kMasterSecretFieldSize);
    EXPECT_EQ(session_mac(hex(json::at(in, "tik")), policy, ms_enc), arr<32>(Bytes(s.begin() + 96, s.begin() + 128)));
    EXPECT_TRUE(is_all_zero(s.subspan(128, 164)));        // key_id, rnd_pub_key_data
    EXPECT_TRUE(is_all_zero(s.subspan(292 + 256, 160)));  // vm_digest .. user_data
    // The master secret decrypts, with OpenSSL, to the vector's value under the platform key.
    const test::csv::Sm2TestKey platform_test_key(synthetic_key("PEK"));
    EXPECT_EQ(to_hex(platform_test_key.decrypt_c1c3c2(ms_enc.first(1 + 64 + 32 + 32))),
              json::get_string(json::at(want, "master")));
    // Signed by the owner key named in the owner certificate, with uid GUEST_USER_ID.
    const auto& cert = pkg.owner_certificate;
    EXPECT_EQ(cert.usage, 0x1003u);
    EXPECT_EQ(cert.algo, kAlgoSm2KeyAgreement);
    EXPECT_EQ(std::string(as_chars(cert.uid)), "GUEST_USER_ID");
    EXPECT_EQ(cert.raw.size(), kCsvCertSize);
    EXPECT_TRUE(cert.slots[0].empty() && cert.slots[1].empty());
    const auto owner = cert.pubkey.to_sm2("owner");
    EXPECT_EQ(owner.point(), Sm2PrivateKey::from_be(synthetic_key("OCA")).public_key().point());
    EXPECT_TRUE(
        owner.verify(s.first(kSessionBodySize), as_bytes(kGuestUserId), s.subspan(708, 32), s.subspan(740, 32)));
    // TEK || TIK unwrap with KEK.
    const SessionKeys keys = derive_session_keys(hex(json::at(in, "z_share_key")), hex(json::at(in, "nonce")));
    Bytes tk = hex(json::at(in, "tek"));
    append(tk, hex(json::at(in, "tik")));
    EXPECT_EQ(sm4_ctr(ByteSpan(keys.kek).first(16), hex(json::at(in, "wrap_iv")), s.subspan(16, 32)), tk);
}

TEST(CsvLaunchStart, RefusesNonPdhCertificate) {
    const Bytes hsk_cek = input_file("csv/csv-rs/hsk_cek.cert");
    const auto cek = CsvCertificate::parse(ByteSpan(hsk_cek).subspan(kCaCertSize), "cek");
    EXPECT_THROW(create_launch_start(cek, 1), InputError);
}

TEST(CsvLaunchMeasure, ModelLayoutAndMismatch) {
    const Bytes tik = from_hex("6a38a8f82a83d72b7ae92244f74c9117");
    const Sm3Digest digest = arr<32>(from_hex("17eae119318d21a80d472a1bf090f9999d56c33075f1f1215a09ecf23a994f2a"));
    const Bytes mnonce = from_hex("0fce0bf73fd9d294efde0ca375acf6c7");
    // Independent HMAC over the Hygon QEMU target/i386/csv.c layout with OpenSSL's one-shot MAC.
    Bytes msg = from_hex("04011045000000");  // 0x04, api 1.16, policy 0x45
    append(msg, digest);
    append(msg, mnonce);
    Bytes blob(32);
    std::size_t len = 0;
    ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SM3", nullptr, tik.data(), tik.size(),
                        reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                        reinterpret_cast<unsigned char*>(blob.data()), blob.size(), &len),
              nullptr);
    append(blob, mnonce);
    EXPECT_TRUE(launch_measurement_matches(tik, blob, 1, 16, 0x45, digest));
    EXPECT_FALSE(launch_measurement_matches(tik, blob, 1, 16, 0x05, digest));  // policy differs
    EXPECT_FALSE(launch_measurement_matches(tik, blob, 1, 17, 0x45, digest));
    blob[0] ^= std::byte{1};
    EXPECT_FALSE(launch_measurement_matches(tik, blob, 1, 16, 0x45, digest));
    EXPECT_THROW(launch_measurement_matches(tik, ByteSpan(blob).first(47), 1, 16, 0x45, digest), InputError);
}

// LAUNCH_SECRET packet (AMD SEV API spec (pub. 55766) LAUNCH_SECRET), checked against the shared vector and recomputed
// with the openssl command-line tool (AES-128-CTR decryption and HMAC-SHA256 of the header message).
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/launch-secret/launch_secret.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "secret_test_util.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

using namespace ccvm;
using namespace ccvm::secret;

namespace {

// Case secret-build-sev-deb-nokernel-policy1-libvirt of sev_preattestation.json.
const char* kMeasurement = "+pu4/QcU7gDtWg+zsqLMQB0YejBbzs7ApyGZqyEUmHvw4dLDtKWWh3hpWks8LR4P";
const char* kIv = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

AesCtrIv iv() {
    AesCtrIv out{};
    Bytes b = from_hex(kIv);
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

struct Fixture {
    SecretBytes tek{read_file(test::inputs_dir() / "sev/secrets/tek.bin")};
    SecretBytes tik{read_file(test::inputs_dir() / "sev/secrets/tik.bin")};
    SecretBytes table;
    Fixture() {
        std::vector<SecretEntry> e;
        e.push_back({kLuksKeyGuid, SecretBytes(read_file(test::inputs_dir() / "sev/secrets/luks.txt"))});
        table = build_secret_table(e, Padding::libvirt);
    }
};

Bytes openssl_hmac(ByteSpan key, ByteSpan message, const test::TempDir& dir) {
    auto msg = test::write_file(dir / "msg.bin", message);
    auto r = test::run_process({test::openssl_cli(), "dgst", "-sha256", "-mac", "HMAC", "-macopt",
                                "hexkey:" + to_hex(key), "-binary", msg.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Bytes(reinterpret_cast<const std::byte*>(r.out.data()),
                 reinterpret_cast<const std::byte*>(r.out.data()) + r.out.size());
}

Bytes header_message(const LaunchSecretPacket& p, std::size_t len, ByteSpan measure) {
    Bytes m{std::byte{0x01}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
    append(m, from_hex(kIv));
    append_le<std::uint32_t>(m, static_cast<std::uint32_t>(len));
    append_le<std::uint32_t>(m, static_cast<std::uint32_t>(len));
    append(m, p.ciphertext);
    append(m, measure);
    return m;
}

}  // namespace

TEST(LaunchSecret, MatchesLibvirtVector) {
    Fixture f;
    auto p = build_launch_secret(f.tek, f.tik, from_base64(kMeasurement), 1, 55, f.table, iv());
    EXPECT_EQ(to_base64(p.header), "AAAAAKChoqOkpaanqKmqq6ytrq/vhgUEkGqgQKpmvl8wLTXQk2a3HLQRCwanx9gHjejkOQ==");
    EXPECT_EQ(to_base64(p.ciphertext),
              "HO2l4CtsbjNWndGVs1iGtCDCv9xynBHioWXL+qcALFw4p71AXM21/kRb4jI7iqNISlmBYcMZvtSdIyyED3F+Cg==");
}

TEST(LaunchSecret, CiphertextDecryptsWithOpensslCli) {
    Fixture f;
    test::TempDir dir;
    auto p = build_launch_secret(f.tek, f.tik, from_base64(kMeasurement), 1, 55, f.table, iv());
    auto ct = test::write_file(dir / "ct.bin", p.ciphertext);
    auto r = test::run_process(
        {test::openssl_cli(), "enc", "-d", "-aes-128-ctr", "-K", to_hex(f.tek), "-iv", kIv, "-in", ct.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(to_hex(as_bytes(r.out)), to_hex(f.table));
}

TEST(LaunchSecret, HeaderMacIncludesMeasurementFromApi017) {
    Fixture f;
    test::TempDir dir;
    const Bytes blob = from_base64(kMeasurement);
    auto p = build_launch_secret(f.tek, f.tik, blob, 0, 17, f.table, iv());
    Bytes want = openssl_hmac(f.tik, header_message(p, f.table.size(), ByteSpan(blob).first(32)), dir);
    EXPECT_EQ(to_hex(ByteSpan(p.header).subspan(20)), to_hex(want));
    EXPECT_EQ(to_hex(ByteSpan(p.header).subspan(4, 16)), kIv);
    EXPECT_TRUE(is_all_zero(ByteSpan(p.header).first(4)));  // FLAGS
}

TEST(LaunchSecret, HeaderMacOmitsMeasurementBeforeApi017) {
    Fixture f;
    test::TempDir dir;
    const Bytes blob = from_base64(kMeasurement);
    auto p = build_launch_secret(f.tek, f.tik, blob, 0, 16, f.table, iv());
    Bytes want = openssl_hmac(f.tik, header_message(p, f.table.size(), {}), dir);
    EXPECT_EQ(to_hex(ByteSpan(p.header).subspan(20)), to_hex(want));
    // And a changed measurement no longer changes the MAC.
    Bytes other = blob;
    other[0] ^= std::byte{1};
    auto q = build_launch_secret(f.tek, f.tik, other, 0, 16, f.table, iv());
    EXPECT_EQ(p.header, q.header);
    EXPECT_FALSE(mac_includes_measurement(0, 16));
    EXPECT_TRUE(mac_includes_measurement(0, 17));
    EXPECT_TRUE(mac_includes_measurement(1, 0));
}

TEST(LaunchSecret, FlippedMeasurementChangesMac) {
    Fixture f;
    Bytes blob = from_base64(kMeasurement);
    auto p = build_launch_secret(f.tek, f.tik, blob, 1, 55, f.table, iv());
    blob[31] ^= std::byte{1};
    auto q = build_launch_secret(f.tek, f.tik, blob, 1, 55, f.table, iv());
    EXPECT_NE(p.header, q.header);
    EXPECT_EQ(p.ciphertext, q.ciphertext);
}

TEST(LaunchSecret, RejectsBadInputs) {
    Fixture f;
    const Bytes blob = from_base64(kMeasurement);
    EXPECT_THROW(build_launch_secret(f.tek, f.tik, ByteSpan(blob).first(47), 1, 55, f.table, iv()), InputError);
    EXPECT_THROW(build_launch_secret(f.tek, f.tik, blob, 1, 55, f.table.span().first(17), iv()), InputError);
    EXPECT_THROW(build_launch_secret(f.tek.span().first(15), f.tik, blob, 1, 55, f.table, iv()), InputError);
}

// SEV certificate v1 layout (AMD SEV API spec (pub. 55766) LAUNCH_START).
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/launch-secret/sev_cert.hpp"
#include "support/paths.hpp"

using namespace ccvm;
using namespace ccvm::secret;

namespace {
Bytes naples() { return read_file(test::inputs_dir() / "sev/pdh-naples.cert"); }
}  // namespace

TEST(SevCert, ParsesNaplesPdhFields) {
    const auto c = SevCertificate::parse(naples(), "pdh");
    EXPECT_EQ(c.version, 1u);
    EXPECT_EQ(c.api_major, 0);
    EXPECT_EQ(c.api_minor, 16);
    EXPECT_EQ(c.usage, static_cast<std::uint32_t>(SevCertUsage::pdh));
    EXPECT_EQ(c.algo, kSevAlgoEcdhSha256);
    EXPECT_EQ(c.curve, kSevCurveP384);
    EXPECT_EQ(c.signatures[0].usage, static_cast<std::uint32_t>(SevCertUsage::pek));
    EXPECT_EQ(c.signatures[0].algo, kSevAlgoEcdsaSha256);
    EXPECT_EQ(c.signatures[1].usage, static_cast<std::uint32_t>(SevCertUsage::none));
}

TEST(SevCert, RoundTripsByteForByte) {
    const Bytes raw = naples();
    EXPECT_EQ(SevCertificate::parse(raw, "pdh").serialize(), raw);
}

TEST(SevCert, PublicKeyIsLittleEndianField) {
    const Bytes raw = naples();
    const auto c = SevCertificate::parse(raw, "pdh");
    const P384Point p = c.ecdh_public_key("pdh");
    // Field at 0x14 is little-endian: its first byte is the last byte of the big-endian X.
    EXPECT_EQ(p.x[47], raw[0x14]);
    EXPECT_EQ(p.x[0], raw[0x14 + 47]);
    EXPECT_EQ(p.y[47], raw[0x5c]);
}

TEST(SevCert, GodhLayout) {
    const P384PrivateKey k = P384PrivateKey::generate();
    const Bytes b = SevCertificate::godh(k.public_point()).serialize();
    ASSERT_EQ(b.size(), 2084u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x0), 1u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x4), 0u);  // API 0.0, reserved 0
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x8), 0x1003u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0xc), 3u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x10), 2u);
    EXPECT_TRUE(is_all_zero(ByteSpan(b).subspan(0x14 + 48, 24)));  // QX zero padding
    EXPECT_TRUE(is_all_zero(ByteSpan(b).subspan(0xa4, 880)));
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x414), 0x1000u);  // both signature slots unused
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x61c), 0x1000u);
    EXPECT_TRUE(SevCertificate::parse(b, "godh").ecdh_public_key("godh") == k.public_point());
}

TEST(SevCert, RejectsWrongSizeAndVersion) {
    Bytes raw = naples();
    Bytes short_raw(raw.begin(), raw.end() - 1);
    try {
        SevCertificate::parse(short_raw, "x.cert");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("x.cert"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("2083"), std::string::npos);
    }
    raw[0] = std::byte{2};
    EXPECT_THROW(SevCertificate::parse(raw, "x.cert"), InputError);
}

TEST(SevCert, RejectsOversizedCoordinate) {
    Bytes raw = naples();
    raw[0x14 + 60] = std::byte{1};  // beyond the 48 significant bytes of QX
    const auto c = SevCertificate::parse(raw, "pdh");
    EXPECT_THROW(c.ecdh_public_key("pdh"), InputError);
}

TEST(SevCert, LoadsFileOrBase64) {
    const Bytes raw = naples();
    EXPECT_EQ(SevCertificate::load((test::inputs_dir() / "sev/pdh-naples.cert").string()).serialize(), raw);
    EXPECT_EQ(SevCertificate::load(to_base64(raw)).serialize(), raw);
    EXPECT_THROW(SevCertificate::load("/nonexistent/pdh.cert"), InputError);
}

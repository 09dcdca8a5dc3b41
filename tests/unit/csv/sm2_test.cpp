// ccvm's SM2 (Hygon encoding) against OpenSSL's own SM2 signing and decryption.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/csv/launch_start.hpp"
#include "ccvm/launch-secret/csv/sm2.hpp"
#include "csv_test_support.hpp"
#include "sm2_test_keys.hpp"

using namespace ccvm;
using namespace ccvm::secret::csv;
using ccvm::test::csv::primitive;
using ccvm::test::csv::Sm2TestKey;

namespace {
Sm2TestKey synthetic(const char* name) {
    return Sm2TestKey(from_hex(
        json::get_string(json::at(json::at(primitive("csv-synthetic-chain.keys"), "private_keys_hex"), name))));
}
}  // namespace

TEST(CsvSm2, VerifiesOpenSslSignatureOnlyWithSignersUid) {
    const auto key = synthetic("PEK");
    const auto pub = Sm2PublicKey::from_le(key.x_le(), key.y_le());
    const Bytes msg(as_bytes("attestation").begin(), as_bytes("attestation").end());
    const auto [r, s] = key.sign(msg, as_bytes("HYGON-SSD-PEK"));
    EXPECT_TRUE(pub.verify(msg, as_bytes("HYGON-SSD-PEK"), r, s));
    EXPECT_FALSE(pub.verify(msg, as_bytes("1234567812345678"), r, s));  // OpenSSL's default ID
    Bytes other = msg;
    other[0] ^= std::byte{1};
    EXPECT_FALSE(pub.verify(other, as_bytes("HYGON-SSD-PEK"), r, s));
}

TEST(CsvSm2, RejectsPointOffCurve) {
    const auto key = synthetic("HRK");
    Bytes y = key.y_le();
    y[0] ^= std::byte{1};
    EXPECT_THROW(Sm2PublicKey::from_le(key.x_le(), y), InputError);
    EXPECT_THROW(Sm2PublicKey::from_le(Bytes(31), Bytes(32)), InputError);
}

TEST(CsvSm2, EncryptionDecryptsWithOpenSsl) {
    const auto key = synthetic("PEK");
    const auto pub = Sm2PublicKey::from_le(key.x_le(), key.y_le());
    const Bytes master = from_hex("07828b6c460166919c8eeb185161a7def898745c29e3750d858120702e47dc57");
    const Bytes c = pub.encrypt(master);
    ASSERT_EQ(c.size(), 1 + 64 + 32 + master.size());  // C1 || C3 || C2
    EXPECT_EQ(c[0], std::byte{0x04});
    EXPECT_EQ(key.decrypt_c1c3c2(c), master);
    EXPECT_NE(pub.encrypt(master), c);  // randomized

    const Bytes ms_enc = encrypt_master_secret(pub, master);
    ASSERT_EQ(ms_enc.size(), kMasterSecretFieldSize);
    EXPECT_EQ(key.decrypt_c1c3c2(ByteSpan(ms_enc).first(c.size())), master);
    EXPECT_TRUE(is_all_zero(ByteSpan(ms_enc).subspan(c.size())));
}

// The secure processor's side of ms_enc (csv-rs src/session), as the simulated CSV firmware uses it.
TEST(CsvSm2, PrivateKeyDecryptsThePaddedMasterSecretField) {
    const Sm2PrivateKey pdh = Sm2PrivateKey::generate();
    const Bytes master = from_hex("07828b6c460166919c8eeb185161a7def898745c29e3750d858120702e47dc57");
    const Bytes ms_enc = encrypt_master_secret(pdh.public_key(), master);
    const secret::SecretBytes plain = pdh.decrypt(ms_enc, kMasterSecretSize);
    EXPECT_EQ(Bytes(plain.span().begin(), plain.span().end()), master);

    EXPECT_THROW(Sm2PrivateKey::generate().decrypt(ms_enc, kMasterSecretSize), InputError);  // other key
    Bytes tampered = ms_enc;
    tampered[1 + 64] ^= std::byte{1};  // C3
    EXPECT_THROW(pdh.decrypt(tampered, kMasterSecretSize), InputError);
    tampered = ms_enc;
    tampered[1 + 64 + 32] ^= std::byte{1};  // C2
    EXPECT_THROW(pdh.decrypt(tampered, kMasterSecretSize), InputError);
    EXPECT_THROW(pdh.decrypt(ByteSpan(ms_enc).first(128), kMasterSecretSize), InputError);  // too short
    tampered = ms_enc;
    tampered[0] = std::byte{0x02};
    EXPECT_THROW(pdh.decrypt(tampered, kMasterSecretSize), InputError);
}

// The C1 || C3 || C2 <-> DER SM2Cipher conversion at every DER length form (short, 0x81, 0x82) and
// with coordinates whose top bit is set (an INTEGER with a leading zero byte).
TEST(CsvSm2, LayoutConversionRoundTripsAtEveryLengthForm) {
    const Sm2PrivateKey key = Sm2PrivateKey::generate();
    bool high_bit_seen = false;
    for (const std::size_t size :
         {std::size_t{1}, std::size_t{31}, std::size_t{90}, std::size_t{200}, std::size_t{300}, std::size_t{4096}}) {
        Bytes plain(size);
        for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<std::byte>(i * 7 + 1);
        for (int round = 0; round < 4; ++round) {
            const Bytes c = key.public_key().encrypt(plain);
            ASSERT_EQ(c.size(), 1 + 64 + 32 + size);
            high_bit_seen = high_bit_seen || (c[1] & std::byte{0x80}) != std::byte{0};
            const secret::SecretBytes back = key.decrypt(c, size);
            EXPECT_EQ(Bytes(back.span().begin(), back.span().end()), plain) << size;
        }
    }
    EXPECT_TRUE(high_bit_seen);  // 24 random x1 values: all below 2^255 has probability 2^-24
}

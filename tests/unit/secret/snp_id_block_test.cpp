// SNP ID block / ID auth (AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block): byte layout, and every
// signature re-verified with the openssl command-line tool against keys that tool generated.
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/launch-secret/snp_id_block.hpp"
#include "secret_test_util.hpp"
#include "snp_openssl_util.hpp"
#include "support/process.hpp"

using namespace ccvm;
using namespace ccvm::secret;

namespace {

using test::cli_key;
using test::cli_verifies;
using test::CliKey;

std::string le_hex(ByteSpan be) { return to_hex(Bytes(be.rbegin(), be.rend())); }

}  // namespace

// virtee/sev-snp-measure tests/test_id_block.py: the ID block of a launch digest with default
// family/image IDs, version 1, SVN 0 and policy 0x30000.
TEST(SnpIdBlock, ReferenceIdBlockBytes) {
    IdBlock b;
    Bytes ld = from_base64("B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t");
    std::copy(ld.begin(), ld.end(), b.launch_digest.begin());
    EXPECT_EQ(to_base64(b.serialize()),
              "B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t"
              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAwAAAAAA");
}

TEST(SnpIdBlock, SignaturesVerifyWithOpensslCli) {
    test::TempDir dir;
    CliKey id = cli_key(dir, "id");
    CliKey author = cli_key(dir, "author");
    const auto id_key = P384PrivateKey::from_pem(read_file(id.pem), "id");
    const auto author_key = P384PrivateKey::from_pem(read_file(author.pem), "author");

    IdBlock b;
    for (std::size_t i = 0; i < 48; ++i) b.launch_digest[i] = std::byte(i);
    b.family_id[0] = std::byte{0xfa};
    b.image_id[15] = std::byte{0x1e};
    b.guest_svn = 7;
    b.policy = 0x30000;
    SignedIdBlock r = make_id_block(b, id_key, &author_key);
    const ByteSpan auth(r.id_auth.bytes);

    // ID block layout.
    EXPECT_EQ(to_hex(ByteSpan(r.id_block).first(48)), to_hex(b.launch_digest));
    EXPECT_EQ(r.id_block[0x30], std::byte{0xfa});
    EXPECT_EQ(r.id_block[0x4f], std::byte{0x1e});
    EXPECT_EQ(load_le<std::uint32_t>(r.id_block, 0x50), 1u);
    EXPECT_EQ(load_le<std::uint32_t>(r.id_block, 0x54), 7u);
    EXPECT_EQ(load_le<std::uint64_t>(r.id_block, 0x58), 0x30000u);

    // ID auth layout.
    EXPECT_EQ(load_le<std::uint32_t>(auth, 0x0), 1u);
    EXPECT_EQ(load_le<std::uint32_t>(auth, 0x4), 1u);
    EXPECT_TRUE(is_all_zero(auth.subspan(0x8, 0x38)));
    EXPECT_TRUE(is_all_zero(auth.subspan(0x644, 0x3c)));
    EXPECT_TRUE(is_all_zero(auth.subspan(0xc84, 0x37c)));
    for (std::size_t sig : {0x040u, 0x680u}) EXPECT_TRUE(is_all_zero(auth.subspan(sig + 144, 368)));
    for (std::size_t key : {0x240u, 0x880u}) {
        EXPECT_EQ(load_le<std::uint32_t>(auth, key), 2u);
        EXPECT_TRUE(is_all_zero(auth.subspan(key + 4 + 48, 24)));
        EXPECT_TRUE(is_all_zero(auth.subspan(key + 4 + 72 + 48, 24)));
        EXPECT_TRUE(is_all_zero(auth.subspan(key + 148, 0x370)));
    }
    // Public keys are the openssl-generated points, little-endian.
    EXPECT_EQ(to_hex(auth.subspan(0x240 + 4, 48)), le_hex(ByteSpan(id.point).subspan(1, 48)));
    EXPECT_EQ(to_hex(auth.subspan(0x240 + 76, 48)), le_hex(ByteSpan(id.point).subspan(49, 48)));
    EXPECT_EQ(to_hex(auth.subspan(0x880 + 4, 48)), le_hex(ByteSpan(author.point).subspan(1, 48)));

    // Signatures: ID block by the ID key, ID key structure by the author key.
    EXPECT_TRUE(cli_verifies(dir, id, r.id_block, auth.subspan(0x040, 0x200)));
    EXPECT_TRUE(cli_verifies(dir, author, auth.subspan(0x240, 0x404), auth.subspan(0x680, 0x200)));
    EXPECT_FALSE(cli_verifies(dir, author, r.id_block, auth.subspan(0x040, 0x200)));  // wrong key
    Bytes tampered(r.id_block.begin(), r.id_block.end());
    tampered[0] ^= std::byte{1};
    EXPECT_FALSE(cli_verifies(dir, id, tampered, auth.subspan(0x040, 0x200)));

    // Digests the attestation report will carry.
    EXPECT_EQ(r.id_key_digest, sha384(auth.subspan(0x240, 0x404)));
    ASSERT_TRUE(r.author_key_digest.has_value());
    EXPECT_EQ(*r.author_key_digest, sha384(auth.subspan(0x880, 0x404)));
}

TEST(SnpIdBlock, WithoutAuthorKeyAuthorFieldsAreZero) {
    const auto id_key = P384PrivateKey::generate();
    SignedIdBlock r = make_id_block(IdBlock{}, id_key);
    const ByteSpan auth(r.id_auth.bytes);
    EXPECT_TRUE(is_all_zero(auth.subspan(0x680, 0x200 + 0x404)));
    EXPECT_FALSE(r.author_key_digest.has_value());
    EXPECT_TRUE(
        p384_verify_sha384(id_key.public_point(), r.id_block, parse_snp_signature(auth.subspan(0x40, 0x200), "sig")));
    EXPECT_TRUE(parse_snp_public_key(auth.subspan(0x240, 0x404), "id key") == id_key.public_point());
}

TEST(SnpIdBlock, PolicyWithoutReservedBitRejected) {
    IdBlock b;
    b.policy = 0x10000;
    EXPECT_THROW(make_id_block(b, P384PrivateKey::generate()), InputError);
}

TEST(SnpIdBlock, RejectsNonP384Key) {
    test::TempDir dir;
    auto pem = dir / "p256.pem";
    auto r = test::run_process(
        {test::openssl_cli(), "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", pem.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THROW(P384PrivateKey::from_pem(read_file(pem), "p256.pem"), InputError);
    EXPECT_THROW(P384PrivateKey::from_pem(as_bytes("not a key"), "junk"), InputError);
}

// An SNP spec with `tee.id-key`: `ccvm spec render` signs the ID block for the launch digest that
// `ccvm measure` computes for the same spec (AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block); checked by
// layout and with the openssl CLI.
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/launch-secret/snp_id_block.hpp"
#include "secret_test_util.hpp"
#include "snp_openssl_util.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/schema.hpp"

using namespace ccvm;
using test::cli_key;
using test::cli_verifies;

namespace {

test::ProcessResult ccvm_run(std::vector<std::string> args) {
    args.insert(args.begin(), test::ccvm_cli().string());
    return test::run_process(args);
}

std::string snp_spec(const std::string& tee_extra) {
    return "name: snp-signed\nvcpus: 4\nmemory: 4G\ncpu-model: EPYC-v4\nfirmware: " +
           (test::inputs_dir() / "firmware/debian12/OVMF.fd").string() +
           "\ntee:\n  type: sev-snp\n  policy: 0x30000\n" + tee_extra +
           "host:\n  vmm-type: QEMU\n  vmsa-profile: modern\n  cbitpos: 51\n  reduced-phys-bits: 1\n";
}

std::filesystem::path write_spec(const test::TempDir& dir, const std::string& name, const std::string& yaml) {
    return test::write_file(dir / name, as_bytes(yaml), 0644);
}

// The text of the first <tag>...</tag> in `xml`.
std::string element_text(const std::string& xml, const std::string& tag) {
    const auto a = xml.find("<" + tag + ">");
    const auto b = xml.find("</" + tag + ">");
    if (a == std::string::npos || b == std::string::npos) return {};
    return xml.substr(a + tag.size() + 2, b - a - tag.size() - 2);
}

}  // namespace

TEST(SpecIdBlock, RenderSignsTheMeasuredDigest) {
    test::TempDir dir;
    const auto id = cli_key(dir, "id");
    const auto author = cli_key(dir, "author");
    const auto spec = write_spec(dir, "snp.yaml",
                                 snp_spec("  id-key: " + id.pem.string() + "\n  id-author-key: " + author.pem.string() +
                                          "\n  family-id: 00112233445566778899aabbccddeeff\n"
                                          "  guest-svn: 7\n"));
    const auto m = ccvm_run({"measure", spec.string()});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    const std::string digest = json::get_string(json::at(json::at(json::parse(m.out), "registers"), "launch_digest"));
    const auto r = ccvm_run({"spec", "render", spec.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("authorKey='yes'"), std::string::npos) << r.out;
    EXPECT_EQ(test::schema_errors(r.out), "");

    // ID block layout (AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH, ID block): digest, family id, image id,
    // version 1, SVN, policy.
    const Bytes block = from_base64(element_text(r.out, "idBlock"), "idBlock");
    ASSERT_EQ(block.size(), secret::kIdBlockSize);
    const ByteSpan b(block);
    EXPECT_EQ(to_hex(b.first(48)), digest);
    EXPECT_EQ(to_hex(b.subspan(48, 16)), "00112233445566778899aabbccddeeff");
    EXPECT_EQ(to_hex(b.subspan(64, 16)), std::string(32, '0'));
    EXPECT_EQ(load_le<std::uint32_t>(b, 80, "version"), 1u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 84, "guest_svn"), 7u);
    EXPECT_EQ(load_le<std::uint64_t>(b, 88, "policy"), 0x30000u);

    // ID auth: the ID key signs the block, the author key signs the ID key; openssl verifies both.
    const Bytes auth = from_base64(element_text(r.out, "idAuth"), "idAuth");
    ASSERT_EQ(auth.size(), secret::kIdAuthSize);
    const ByteSpan a(auth);
    EXPECT_TRUE(cli_verifies(dir, id, b, a.subspan(secret::kIdAuthIdBlockSigOffset, 144)));
    EXPECT_TRUE(cli_verifies(dir, author, a.subspan(secret::kIdAuthIdKeyOffset, secret::kSnpPublicKeySize),
                             a.subspan(secret::kIdAuthIdKeySigOffset, 144)));
    // The ID key in the structure is the openssl key (QX little-endian at offset 4).
    const Bytes qx(id.point.begin() + 1, id.point.begin() + 49);
    EXPECT_EQ(to_hex(a.subspan(secret::kIdAuthIdKeyOffset + 4, 48)), to_hex(Bytes(qx.rbegin(), qx.rend())));

    // Another spec input changes the digest, and with it the signed block.
    const auto spec2 = write_spec(dir, "snp2.yaml", snp_spec("  id-key: " + id.pem.string() + "\n"));
    const auto r2 = ccvm_run({"spec", "render", spec2.string()});
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    EXPECT_NE(r2.out.find("authorKey='no'"), std::string::npos);
    const Bytes block2 = from_base64(element_text(r2.out, "idBlock"), "idBlock");
    EXPECT_EQ(to_hex(ByteSpan(block2).first(48)), digest);  // same measured inputs
    EXPECT_EQ(load_le<std::uint32_t>(block2, 84, "guest_svn"), 0u);
}

TEST(SpecIdBlock, BadKeysAndCombinationsAreExitTwo) {
    test::TempDir dir;
    const auto id = cli_key(dir, "id");
    // Both a precomputed block and a key.
    auto spec = write_spec(dir, "both.yaml", snp_spec("  id-key: " + id.pem.string() + "\n  id-block-file: /x\n"));
    auto r = ccvm_run({"spec", "validate", "--no-files", spec.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("tee.id-key: sign the ID block from the spec or give id-block-file, not both"),
              std::string::npos)
        << r.err;
    // ID block fields without a key.
    spec = write_spec(dir, "svn.yaml", snp_spec("  guest-svn: 3\n"));
    r = ccvm_run({"spec", "validate", "--no-files", spec.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(":9:14: tee.guest-svn: belongs to the ID block ccvm signs: set tee.id-key too"),
              std::string::npos)
        << r.err;
    // A readable key file is refused before anything is signed.
    ::chmod(id.pem.c_str(), 0644);
    spec = write_spec(dir, "open.yaml", snp_spec("  id-key: " + id.pem.string() + "\n"));
    r = ccvm_run({"spec", "render", spec.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("tee.id-key: secret file '" + id.pem.string() + "' is readable by group or others"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(r.out.empty());
    // A key of the wrong curve.
    const auto p256 = dir.path() / "p256.pem";
    ASSERT_EQ(test::run_process(
                  {test::openssl_cli(), "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", p256.string()})
                  .exit_code,
              0);
    ::chmod(p256.c_str(), 0600);
    spec = write_spec(dir, "p256.yaml", snp_spec("  id-key: " + p256.string() + "\n"));
    r = ccvm_run({"spec", "render", spec.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("not an EC P-384"), std::string::npos) << r.err;
}

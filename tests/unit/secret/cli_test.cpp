// The pre-attestation commands through the real binary, with private (0600) copies of the shared
// secret fixtures: file output of `ccvm session`, and the negative cases (readable secret file,
// wrong policy, flipped measurement, oversized secret).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/launch-secret/p384.hpp"
#include "ccvm/launch-secret/snp_id_block.hpp"
#include "secret_test_util.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

using namespace ccvm;

namespace {

// verify-launch-sev-deb-nokernel-policy1 of sev_preattestation.json.
const char* kMeasurement = "+pu4/QcU7gDtWg+zsqLMQB0YejBbzs7ApyGZqyEUmHvw4dLDtKWWh3hpWks8LR4P";

class Cli : public testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path priv(const std::string& input, mode_t mode = 0600) {
        const auto src = test::inputs_dir() / input;
        return test::write_file(dir / src.filename().string(), read_file(src), mode);
    }
    test::ProcessResult ccvm(std::vector<std::string> args) {
        args.insert(args.begin(), test::ccvm_cli().string());
        return test::run_process(args, {{"CCVM_ALLOW_READABLE_SECRETS", "0"}});
    }
    std::vector<std::string> verify_args(const std::string& policy, const std::string& measurement = kMeasurement) {
        return {"attest",        "verify-launch",
                "--tik",         priv("sev/secrets/tik.bin").string(),
                "--measurement", measurement,
                "--api-major",   "1",
                "--api-minor",   "55",
                "--build-id",    "24",
                "--policy",      policy,
                "--ovmf",        (test::inputs_dir() / "firmware/debian12/OVMF.fd").string()};
    }
};

const std::vector<std::string> kFixedSession = {
    "--nonce", "00112233445566778899aabbccddeeff", "--tek",     "000102030405060708090a0b0c0d0e0f",
    "--tik",   "101112131415161718191a1b1c1d1e1f", "--wrap-iv", "0f0e0d0c0b0a09080706050403020100"};

mode_t file_mode(const std::filesystem::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

}  // namespace

TEST_F(Cli, VerifyLaunchOkWithPrivateTik) {
    auto r = ccvm(verify_args("1"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "ok\n");
}

TEST_F(Cli, VerifyLaunchFlippedByteAndWrongPolicyExit1) {
    Bytes blob = from_base64(kMeasurement);
    blob[40] ^= std::byte{1};  // MNONCE byte
    auto r = ccvm(verify_args("1", to_base64(blob)));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("does not match"), std::string::npos) << r.err;
    r = ccvm(verify_args("3"));  // NOKS added: POLICY differs from the launch
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("policy 0x3"), std::string::npos) << r.err;
}

// The host reports the policy: one whose ES bit contradicts the owner's --mode is a failed check.
TEST_F(Cli, VerifyLaunchModeMustAgreeWithPolicy) {
    auto args = verify_args("1");
    args.insert(args.end(), {"--mode", "seves", "--vcpus", "1", "--vcpu-type", "EPYC"});
    auto r = ccvm(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("ES bit"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("match"), std::string::npos) << r.err;
}

TEST_F(Cli, ReadableSecretFileRefused) {
    auto args = verify_args("1");
    auto tik = priv("sev/secrets/tik.bin", 0644);  // the same file verify_args made private, now readable
    ASSERT_EQ(args[3], tik.string());
    auto r = ccvm(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(tik.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("0644"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(Cli, SecretBuildOversizedForFirmwareArea) {
    // 3072-byte AmdSev secret area: 3060 bytes of data make a 3100-byte table.
    auto big = test::write_file(dir / "big.bin", Bytes(3060, std::byte{0x5a}));
    auto r = ccvm({"secret", "build", "--tek", priv("sev/secrets/tek.bin").string(), "--tik",
                   priv("sev/secrets/tik.bin").string(), "--measurement", kMeasurement, "--api-major", "1",
                   "--api-minor", "55", "--secret", "luks-key=" + big.string(), "--ovmf",
                   (test::inputs_dir() / "firmware/fixtures/ovmf_AmdSev_suffix.bin").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("3072-byte secret area"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
    // Generic OVMF has no secret area at all.
    r = ccvm({"secret", "build", "--tek", priv("sev/secrets/tek.bin").string(), "--tik",
              priv("sev/secrets/tik.bin").string(), "--measurement", kMeasurement, "--api-major", "1", "--api-minor",
              "55", "--secret", "luks-key=" + priv("sev/secrets/luks.txt").string(), "--ovmf",
              (test::inputs_dir() / "firmware/debian12/OVMF.fd").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no SEV secret area"), std::string::npos) << r.err;
}

TEST_F(Cli, SessionWritesSevctlFileSet) {
    std::vector<std::string> args = {"session",
                                     "--pdh",
                                     (test::inputs_dir() / "sev/pdh-naples.cert").string(),
                                     "--policy",
                                     "1",
                                     "--godh-private",
                                     priv("sev/godh-v1.pem").string(),
                                     "--out-dir",
                                     dir.path().string(),
                                     "--name",
                                     "guest"};
    args.insert(args.end(), kFixedSession.begin(), kFixedSession.end());
    auto r = ccvm(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = json::parse(read_text_file(test::vectors_dir() / "sev_preattestation.json"));
    const json::Value* want = nullptr;
    for (const auto& c : json::get_array(json::at(doc, "cases")))
        if (json::get_string(json::at(c, "id")) == "session-naples-pdh-v1")
            want = &json::at(json::at(c, "expect"), "json");
    ASSERT_NE(want, nullptr);
    EXPECT_EQ(read_text_file(dir / "guest_session.b64"), json::get_string(json::at(*want, "session")));
    EXPECT_EQ(read_text_file(dir / "guest_godh.b64"), json::get_string(json::at(*want, "godh")));
    EXPECT_EQ(to_hex(read_file(dir / "guest_tek.bin")), "000102030405060708090a0b0c0d0e0f");
    EXPECT_EQ(to_hex(read_file(dir / "guest_tik.bin")), "101112131415161718191a1b1c1d1e1f");
    EXPECT_EQ(file_mode(dir / "guest_tek.bin"), 0600u);
    EXPECT_EQ(file_mode(dir / "guest_tik.bin"), 0600u);

    // A second run never overwrites a key of a pending launch, and leaves no temporaries behind.
    r = ccvm(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    EXPECT_EQ(to_hex(read_file(dir / "guest_tek.bin")), "000102030405060708090a0b0c0d0e0f");
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        entries += e.path().filename().string()[0] == '.' ? 100 : 1;
    EXPECT_EQ(entries, 5u);  // godh-v1.pem + the four outputs
}

TEST_F(Cli, SessionRandomKeysAndNoPartialFilesOnError) {
    auto r = ccvm({"session", "--pdh", (test::inputs_dir() / "sev/pdh-naples.cert").string(), "--policy", "5",
                   "--out-dir", dir.path().string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file(dir / "vm_tek.bin").size(), 16u);
    EXPECT_EQ(from_base64(read_text_file(dir / "vm_session.b64")).size(), 128u);
    EXPECT_EQ(from_base64(read_text_file(dir / "vm_godh.b64")).size(), 2084u);
    // A bad PDH fails before anything is written.
    auto bad = test::write_file(dir / "bad.cert", Bytes(100));
    r = ccvm({"session", "--pdh", bad.string(), "--policy", "1", "--out-dir", dir.path().string(), "--name", "x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "x_tek.bin"));
    // JSON without --out-dir would lose random keys.
    r = ccvm({"session", "--pdh", (test::inputs_dir() / "sev/pdh-naples.cert").string(), "--policy", "1",
              "--output-format", "json"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST_F(Cli, SnpIdBlockOutputsVerify) {
    auto key = dir / "id.pem";
    auto g = test::run_process(
        {test::openssl_cli(), "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", key.string()});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    ::chmod(key.c_str(), 0600);
    const std::string ld(96, 'a');
    auto r = ccvm({"snp", "id-block", "--measurement", ld, "--policy", "0x30000", "--id-key", key.string(),
                   "--output-format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto out = json::parse(r.out);
    Bytes block = from_base64(json::get_string(json::at(out, "id_block")));
    Bytes auth = from_base64(json::get_string(json::at(out, "id_auth")));
    ASSERT_EQ(block.size(), 96u);
    ASSERT_EQ(auth.size(), 4096u);
    EXPECT_EQ(to_hex(ByteSpan(block).first(48)), ld);
    const auto point = secret::parse_snp_public_key(ByteSpan(auth).subspan(0x240, 0x404), "id key");
    EXPECT_TRUE(secret::p384_verify_sha384(point, block,
                                           secret::parse_snp_signature(ByteSpan(auth).subspan(0x40, 0x200), "sig")));
    EXPECT_TRUE(json::at(out, "author_key_digest").is_null());
    // The ID key is a secret file too.
    ::chmod(key.c_str(), 0640);
    r = ccvm({"snp", "id-block", "--measurement", ld, "--id-key", key.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("0640"), std::string::npos) << r.err;
}

// verify-launch-seves-sevctlfix-kia-policy5-4cpu-rome-legacyvmsa with the vCPU given as
// family/model/stepping 23/49/0 (the case's note) instead of the EPYC-Rome name.
TEST_F(Cli, VerifyLaunchSevEsByFamilyModelStepping) {
    std::vector<std::string> args = {
        "attest",          "verify-launch",
        "--tik",           priv("sev/secrets/tik.bin").string(),
        "--measurement",   "0Ao2JBikg3FvfhvTLd26JYgXdZKJ4l40udzdiVT/NRvw4dLDtKWWh3hpWks8LR4P",
        "--api-major",     "1",
        "--api-minor",     "49",
        "--build-id",      "6",
        "--policy",        "5",
        "--ovmf",          (test::inputs_dir() / "firmware/fixtures/sevctl-OVMF.amdsev.fd_trimmed").string(),
        "--kernel",        (test::inputs_dir() / "kernel/vmlinuz-6.1.0-50-cloud-amd64").string(),
        "--initrd",        (test::gen_dir() / "initrd-synth.img").string(),
        "--append",        "console=ttyS0 root=/dev/vda",
        "--vcpus",         "4",
        "--vcpu-family",   "23",
        "--vcpu-model",    "49",
        "--vcpu-stepping", "0",
        "--vmsa-profile",  "legacy"};
    auto r = ccvm(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "ok\n");
    args.back() = "modern";  // MXCSR/FCW differ in every VMSA: a different digest
    r = ccvm(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("VMSA profile modern"), std::string::npos) << r.err;
}

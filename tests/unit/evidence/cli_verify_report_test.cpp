// `ccvm attest verify-report` for snp, tdx and cca, run as the real binary: exit codes and JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ccvm/base/json.hpp"
#include "evidence_data.hpp"
#include "support/process.hpp"

namespace ccvm::test {
namespace {

std::string data(const std::string& name) { return evidence_data(name).string(); }

ProcessResult ccvm(std::vector<std::string> args) {
    args.insert(args.begin(), {ccvm_cli().string(), "attest", "verify-report"});
    return run_process(args);
}

// Writes `bytes` to a scratch file and returns its path.
std::string scratch(const std::string& name, const Bytes& bytes) {
    const auto dir = binary_dir() / "evidence-cli";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path.string();
}

std::string collateral() {
    // One directory per test: ctest runs the tests of this file in parallel.
    const auto dir = binary_dir() / "evidence-cli" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(evidence_data("tdx/intel-sgx-root-ca.pem"), dir / "root.pem",
                               std::filesystem::copy_options::overwrite_existing);
    return dir.string();
}

std::vector<std::string> snp_args(const std::string& report, const std::string& vcek = data("snp/milan-vcek.der")) {
    return {"--mode",   "snp",
            "--report", report,
            "--vcek",   vcek,
            "--ask",    data("snp/milan-ask.pem"),
            "--ark",    data("snp/milan-ark.pem")};
}

bool failed_check(const json::Value& out, std::string_view name) {
    for (const auto& c : json::get_array(json::at(out, "checks")))
        if (json::get_string(json::at(c, "name")) == name) return !json::get_bool(json::at(c, "ok"));
    return false;
}

TEST(CliVerifyReport, SnpHexReportVerifiesWithJson) {
    auto args = snp_args(data("snp/milan-report.hex"));
    args.push_back("--json");
    const auto r = ccvm(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value out = json::parse(r.out);
    EXPECT_TRUE(json::get_bool(json::at(out, "verified")));
    const Bytes raw = load_hex_evidence("snp/milan-report.hex");
    EXPECT_EQ(json::get_string(json::at(out, "measurement")), to_hex(ByteSpan(raw).subspan(0x90, 48)));
    EXPECT_EQ(json::get_array(json::at(out, "checks")).size(), 7u);
}

TEST(CliVerifyReport, SnpBinaryReportAndExpectedMeasurement) {
    const Bytes raw = load_evidence("snp/trustee-report.bin");
    const std::string measurement = to_hex(ByteSpan(raw).subspan(0x90, 48));
    auto args = snp_args(data("snp/trustee-report.bin"), data("snp/trustee-vcek.der"));
    args.insert(args.end(), {"--expected-measurement", measurement, "--report-format", "bin"});
    const auto ok = ccvm(args);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "verified\n");

    args[args.size() - 3] = std::string(95, '0').append("1");  // append: GCC 12 -O3 false -Warray-bounds
    const auto bad = ccvm(args);
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("measurement"), std::string::npos);
}

TEST(CliVerifyReport, SnpNegativeCasesExitOne) {
    const Bytes raw = load_evidence("snp/trustee-report.bin");
    auto flipped_report = ccvm(snp_args(scratch("snp-flipped.bin", flipped(raw, 0x90))));
    EXPECT_EQ(flipped_report.exit_code, 1);
    EXPECT_NE(flipped_report.err.find("signature"), std::string::npos);

    auto swapped = snp_args(data("snp/trustee-report.bin"), data("snp/milan-vcek.der"));
    auto args = swapped;
    args.push_back("--json");
    const auto r = ccvm(args);
    EXPECT_EQ(r.exit_code, 1);
    const json::Value out = json::parse(r.out);
    EXPECT_FALSE(json::get_bool(json::at(out, "verified")));
    EXPECT_TRUE(failed_check(out, "report.signature"));

    auto genoa = snp_args(data("snp/milan-report.hex"));
    genoa[9] = data("snp/genoa-ark.pem");
    EXPECT_EQ(ccvm(genoa).exit_code, 1);
}

TEST(CliVerifyReport, SnpReportFormatFlag) {
    auto hex = snp_args(data("snp/milan-report.hex"));
    hex.insert(hex.end(), {"--report-format", "hex"});
    EXPECT_EQ(ccvm(hex).exit_code, 0);
    auto as_bin = snp_args(data("snp/milan-report.hex"));
    as_bin.insert(as_bin.end(), {"--report-format", "bin"});
    EXPECT_EQ(ccvm(as_bin).exit_code, 2);  // 2368 bytes of text are not a 1184-byte report
    auto unknown = snp_args(data("snp/milan-report.hex"));
    unknown.insert(unknown.end(), {"--report-format", "base64"});
    const auto r = ccvm(unknown);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--report-format"), std::string::npos);
}

TEST(CliVerifyReport, SnpBadInputExitsTwo) {
    EXPECT_EQ(ccvm(snp_args(scratch("snp-short.bin", Bytes(100)))).exit_code, 2);
    EXPECT_EQ(ccvm(snp_args(data("snp/trustee-report.bin"), data("snp/trustee-report.bin"))).exit_code, 2);
    EXPECT_EQ(ccvm({"--mode", "snp", "--report", data("snp/trustee-report.bin")}).exit_code, 2);
    auto args = snp_args(data("snp/trustee-report.bin"), data("snp/trustee-vcek.der"));
    args.insert(args.end(), {"--expected-measurement", "abcd"});
    const auto r = ccvm(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--expected-measurement"), std::string::npos);
}

TEST(CliVerifyReport, SnpChainFromKdsFileOrCacheDirectory) {
    const std::string report = data("snp/milan-report.hex");
    const std::string chain = data("snp/milan-cert-chain.pem");  // ASK then ARK, as AMD KDS serves it
    EXPECT_EQ(
        ccvm({"--mode", "snp", "--report", report, "--vcek", data("snp/milan-vcek.der"), "--ask", chain}).exit_code, 0);
    EXPECT_EQ(ccvm({"--mode", "snp", "--report", report, "--vcek", data("snp/milan-vcek.der"), "--cert-chain", chain})
                  .exit_code,
              0);

    const auto dir = binary_dir() / "evidence-cli" / "snp-cache";
    std::filesystem::create_directories(dir);
    const auto copy = std::filesystem::copy_options::overwrite_existing;
    std::filesystem::copy_file(evidence_data("snp/milan-ark.pem"), dir / "ark.pem", copy);
    std::filesystem::copy_file(evidence_data("snp/milan-ask.pem"), dir / "ask.pem", copy);
    std::filesystem::copy_file(evidence_data("snp/milan-vcek.der"), dir / "vcek.der", copy);
    EXPECT_EQ(ccvm({"--mode", "snp", "--report", report, "--cert-chain", dir.string()}).exit_code, 0);
    // An explicit flag overrides the cache: the Genoa ARK did not sign the Milan ASK.
    EXPECT_EQ(
        ccvm({"--mode", "snp", "--report", report, "--cert-chain", dir.string(), "--ark", data("snp/genoa-ark.pem")})
            .exit_code,
        1);
    // Without an ARK anywhere.
    EXPECT_EQ(ccvm({"--mode", "snp", "--report", report, "--vcek", data("snp/milan-vcek.der"), "--ask",
                    data("snp/milan-ask.pem")})
                  .exit_code,
              2);
}

TEST(CliVerifyReport, TdxQuoteWithCollateral) {
    const auto r =
        ccvm({"--mode", "tdx", "--quote", data("tdx/trustee-quote-v4.dat"), "--collateral", collateral(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value out = json::parse(r.out);
    const json::Value want = json::parse(read_text_file(evidence_data("tdx/trustee-quote-v4-claims.json")));
    const json::Value& body = json::at(json::at(want, "quote"), "body");
    EXPECT_TRUE(json::get_bool(json::at(out, "verified")));
    EXPECT_EQ(json::get_string(json::at(out, "mrtd")), json::get_string(json::at(body, "mr_td")));
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(json::get_string(json::at(out, "rtmr" + std::to_string(i))),
                  json::get_string(json::at(body, "rtmr_" + std::to_string(i))));
    EXPECT_EQ(json::get_string(json::at(out, "td_attributes")), json::get_string(json::at(body, "td_attributes")));
    EXPECT_EQ(json::get_string(json::at(out, "xfam")), json::get_string(json::at(body, "xfam")));
}

TEST(CliVerifyReport, TdxExitCodes) {
    const std::string quote = data("tdx/trustee-quote-v5.dat");
    // No collateral: the PCK chain cannot be anchored.
    const auto no_root = ccvm({"--mode", "tdx", "--quote", quote});
    EXPECT_EQ(no_root.exit_code, 1);
    EXPECT_NE(no_root.err.find("--collateral"), std::string::npos);
    // --no-signature-check with the right and a wrong MRTD.
    const std::string mrtd =
        "dfba221b48a22af8511542ee796603f37382800840dcd978703909bf8e64d4c8a1e9de86e7c9638bfcba422f3886400a";
    EXPECT_EQ(ccvm({"--mode", "tdx", "--quote", quote, "--no-signature-check", "--expected-mrtd", mrtd}).exit_code, 0);
    const auto wrong =
        ccvm({"--mode", "tdx", "--quote", quote, "--no-signature-check", "--expected-mrtd", std::string(96, 'a')});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.err.find("mrtd"), std::string::npos);
    // A flipped MRTD byte (v5 body starts at 54, MRTD at +136).
    const std::string flipped_quote =
        scratch("tdx-flipped.dat", flipped(load_evidence("tdx/trustee-quote-v5.dat"), 54 + 136));
    const auto sig = ccvm({"--mode", "tdx", "--quote", flipped_quote, "--collateral", collateral()});
    EXPECT_EQ(sig.exit_code, 1);
    EXPECT_NE(sig.err.find("quote.signature"), std::string::npos);
    // Bad input.
    EXPECT_EQ(ccvm({"--mode", "tdx", "--quote", scratch("tdx-short.dat", Bytes(600))}).exit_code, 2);
    EXPECT_EQ(ccvm({"--mode", "tdx", "--quote", quote, "--collateral", data("tdx") + "/none"}).exit_code, 2);
    EXPECT_EQ(ccvm({"--mode", "tdx"}).exit_code, 2);
}

TEST(CliVerifyReport, TdxEventLogReplay) {
    const auto r = ccvm({"--mode", "tdx", "--quote", data("tdx/go-tdx-guest-cos-quote.dat"), "--collateral",
                         collateral(), "--event-log", data("tdx/go-tdx-guest-cos-ccel.dat"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::get_array(json::at(json::parse(r.out), "checks")).size(), 8u);
    // Another TD's log does not explain this quote's RTMRs.
    const auto other = ccvm({"--mode", "tdx", "--quote", data("tdx/trustee-quote-v4.dat"), "--no-signature-check",
                             "--event-log", data("tdx/go-tdx-guest-cos-ccel.dat")});
    EXPECT_EQ(other.exit_code, 1);
    EXPECT_NE(other.err.find("event_log.rtmr0"), std::string::npos);
}

TEST(CliVerifyReport, CcaTokenWithCpak) {
    const auto r = ccvm({"--mode", "cca", "--token", data("cca/tf-rmm-token-cmw.cbor"), "--cpak",
                         data("cca/tf-rmm-cpak.pem"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value out = json::parse(r.out);
    EXPECT_TRUE(json::get_bool(json::at(out, "verified")));
    EXPECT_EQ(json::get_string(json::at(out, "rim")), std::string(64, '0'));
    ASSERT_EQ(json::get_array(json::at(out, "rem")).size(), 4u);
    EXPECT_EQ(json::get_string(json::at(out, "hash_algo")), "sha-256");
    EXPECT_EQ(json::get_string(json::at(out, "challenge")), to_hex(Bytes(64, std::byte{0xab})));
}

TEST(CliVerifyReport, CcaExitCodes) {
    const std::string token = data("cca/trustee-token.cbor");
    const std::string cpak = data("cca/tf-rmm-cpak.pem");
    const auto no_cpak = ccvm({"--mode", "cca", "--token", token});
    EXPECT_EQ(no_cpak.exit_code, 1);
    EXPECT_NE(no_cpak.err.find("--cpak"), std::string::npos);
    const auto rim = ccvm({"--mode", "cca", "--token", token, "--cpak", cpak, "--json"});
    ASSERT_EQ(rim.exit_code, 0) << rim.err;
    const std::string rim_hex = json::get_string(json::at(json::parse(rim.out), "rim"));
    EXPECT_EQ(ccvm({"--mode", "cca", "--token", token, "--cpak", cpak, "--expected-measurement", rim_hex}).exit_code,
              0);
    const auto wrong =
        ccvm({"--mode", "cca", "--token", token, "--cpak", cpak, "--expected-measurement", std::string(128, '1')});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.err.find("rim"), std::string::npos);
    // A CPAK that is not the platform's (the Intel root's P-256 key).
    EXPECT_EQ(ccvm({"--mode", "cca", "--token", token, "--cpak", data("tdx/intel-sgx-root-ca.pem")}).exit_code, 1);
    // Bad input.
    const Bytes raw = load_evidence("cca/trustee-token.cbor");
    EXPECT_EQ(
        ccvm({"--mode", "cca", "--token", scratch("cca-short.cbor", Bytes(raw.begin(), raw.begin() + 100))}).exit_code,
        2);
    EXPECT_EQ(ccvm({"--mode", "cca", "--token", token, "--cpak", token}).exit_code, 2);
}

}  // namespace
}  // namespace ccvm::test

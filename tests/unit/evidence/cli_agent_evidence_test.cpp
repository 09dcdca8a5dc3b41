// `ccvm attest verify-report` on attestation-agent evidence JSON (--report, --quote, --token),
// run as the real binary: Trustee's real SNP evidence with AMD's Genoa roots, and evidence signed
// by the throwaway PKIs of tests/support/test_pki.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "evidence_data.hpp"
#include "support/process.hpp"
#include "support/test_pki.hpp"

namespace ccvm::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTrusteeMeasurement =
    "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e";

std::string data(const std::string& name) { return evidence_data(name).string(); }

ProcessResult verify_report(std::vector<std::string> args) {
    args.insert(args.begin(), {ccvm_cli().string(), "attest", "verify-report"});
    return run_process(args);
}

// One directory per test (ctest runs the tests of this file in parallel).
fs::path test_dir() {
    const auto dir =
        binary_dir() / "agent-evidence-cli" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string write(const fs::path& path, std::string_view text) {
    std::ofstream(path, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
    return path.string();
}

std::string check_status(const json::Value& verdict, const std::string& name) {
    for (const auto& c : json::get_array(json::at(verdict, "checks")))
        if (json::get_string(json::at(c, "name")) == name) return json::get_string(json::at(c, "status"));
    return "absent";
}

Bytes fill(std::size_t n, std::uint8_t v) { return Bytes(n, std::byte{v}); }

TEST(AgentEvidenceCli, TrusteeSnpEvidenceVerifiesWithGenoaRootsAndCertChainVcek) {
    const auto r = verify_report({"--mode", "snp", "--report", data("snp/trustee-e2e-evidence.json"), "--ask",
                                  data("snp/genoa-ask.pem"), "--ark", data("snp/genoa-ark.pem"),
                                  "--expected-measurement", kTrusteeMeasurement, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto v = json::parse(r.out);
    EXPECT_EQ(json::get_string(json::at(v, "verdict")), "verified");
    EXPECT_EQ(json::get_string(json::at(v, "measurement")), kTrusteeMeasurement);
    for (const char* name : {"chain.vek", "report.signature", "vek.chip_id", "vek.tcb", "measurement"})
        EXPECT_EQ(check_status(v, name), "passed") << name;
}

TEST(AgentEvidenceCli, TamperedSnpEvidenceFailsItsSignature) {
    auto doc = nlohmann::json::parse(read_text_file(evidence_data("snp/trustee-e2e-evidence.json")));
    doc["attestation_report"]["measurement"][0] = 0;
    const std::string file = write(test_dir() / "tampered.json", json::dump(doc));
    const auto r = verify_report({"--mode", "snp", "--report", file, "--ask", data("snp/genoa-ask.pem"), "--ark",
                                  data("snp/genoa-ark.pem"), "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(check_status(json::parse(r.out), "report.signature"), "failed");
}

TEST(AgentEvidenceCli, SnpWithoutVcekOrArkSaysWhatIsMissing) {
    auto doc = nlohmann::json::parse(read_text_file(evidence_data("snp/trustee-e2e-evidence.json")));
    doc["cert_chain"] = nullptr;
    const std::string file = write(test_dir() / "no-chain.json", json::dump(doc));
    auto r = verify_report(
        {"--mode", "snp", "--report", file, "--ask", data("snp/genoa-ask.pem"), "--ark", data("snp/genoa-ark.pem")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--vcek: required to check the signature of SNP evidence (the evidence's cert_chain has no "
                         "VCEK or VLEK)"),
              std::string::npos)
        << r.err;
    r = verify_report(
        {"--mode", "snp", "--report", data("snp/trustee-e2e-evidence.json"), "--ask", data("snp/genoa-ask.pem")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--ark: required"), std::string::npos) << r.err;
}

TEST(AgentEvidenceCli, EvidenceOfAnotherFamilyIsRefused) {
    const auto r = verify_report({"--mode", "tdx", "--quote", data("snp/trustee-e2e-evidence.json")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("is snp attestation-agent evidence, not tdx"), std::string::npos) << r.err;
}

TEST(AgentEvidenceCli, MalformedEvidenceJsonIsNamedNotTakenForABinaryReport) {
    const fs::path dir = test_dir();
    const std::string text = read_text_file(evidence_data("snp/trustee-e2e-evidence.json"));
    const std::string dup = write(dir / "dup.json", "{\"cert_chain\":null," + text.substr(1));
    auto r = verify_report(
        {"--mode", "snp", "--report", dup, "--ask", data("snp/genoa-ask.pem"), "--ark", data("snp/genoa-ark.pem")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("duplicate JSON key \"cert_chain\""), std::string::npos) << r.err;
    const std::string cut = write(dir / "cut.json", text.substr(0, 100));
    r = verify_report(
        {"--mode", "snp", "--report", cut, "--ask", data("snp/genoa-ask.pem"), "--ark", data("snp/genoa-ark.pem")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
    r = verify_report({"--mode", "tdx", "--quote", write(dir / "other.json", R"({"quote": 1})")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("quote: expected a base64 string"), std::string::npos) << r.err;
}

TEST(AgentEvidenceCli, TestPkiSnpEvidenceTakesTheVcekFromCertChain) {
    const fs::path dir = test_dir();
    const auto chain = pki::make_snp_chain(dir);
    const Bytes measurement = fill(48, 0x4D), report_data = fill(64, 0x52);
    const std::string file =
        write(dir / "evidence.json", pki::sign_snp_report(chain, {report_data, fill(32, 0x48), measurement}));
    const std::string ark = (dir / "snp" / "ark.pem").string(), ask = (dir / "snp" / "ask.pem").string();
    auto r = verify_report({"--mode", "snp", "--report", file, "--ask", ask, "--ark", ark, "--expected-measurement",
                            to_hex(measurement), "--expected-report-data", to_hex(report_data)});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    // The AMD Genoa roots do not sign this chain.
    r = verify_report({"--mode", "snp", "--report", file, "--ask", data("snp/genoa-ask.pem"), "--ark",
                       data("snp/genoa-ark.pem"), "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(check_status(json::parse(r.out), "chain.vek"), "failed");
}

TEST(AgentEvidenceCli, TestPkiTdxEvidenceReplaysItsEventLog) {
    const fs::path dir = test_dir();
    const auto chain = pki::make_tdx_chain(dir);
    const auto cos = attestation::tdx::parse_quote(load_evidence("tdx/go-tdx-guest-cos-quote.dat"), "cos quote");
    pki::TdxQuoteInput in;
    in.report_data = fill(64, 0x52);
    in.mrtd = fill(48, 0x7D);
    for (std::size_t i = 0; i < 4; ++i) in.rtmr[i] = Bytes(cos.body.rtmr[i].begin(), cos.body.rtmr[i].end());
    const std::string file =
        write(dir / "evidence.json", pki::sign_tdx_quote(chain, in, load_evidence("tdx/go-tdx-guest-cos-ccel.dat")));
    const auto r = verify_report({"--mode", "tdx", "--quote", file, "--collateral", (dir / "tdx").string(),
                                  "--expected-mrtd", to_hex(in.mrtd), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto v = json::parse(r.out);
    for (const char* name : {"pck.chain", "tcb.status", "qe_identity.tcb", "quote.signature", "mrtd", "event_log.rtmr0",
                             "event_log.rtmr3"})
        EXPECT_EQ(check_status(v, name), "passed") << name;
}

TEST(AgentEvidenceCli, TestPkiCcaEvidence) {
    const fs::path dir = test_dir();
    const auto keys = pki::make_cca_keys(dir);
    const pki::CcaTokenInput in{fill(64, 0x43),
                                fill(64, 0x50),
                                fill(32, 0x11),
                                {fill(32, 0x20), fill(32, 0x21), fill(32, 0x22), fill(32, 0x23)}};
    const std::string file = write(dir / "evidence.json", pki::sign_cca_token(keys, in));
    auto r = verify_report({"--mode", "cca", "--token", file, "--cpak", (dir / "cca" / "cpak.pem").string(),
                            "--expected-measurement", to_hex(in.rim), "--expected-report-data", to_hex(in.challenge)});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    r = verify_report({"--mode", "cca", "--token", file, "--cpak", data("cca/tf-rmm-cpak.pem")});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

}  // namespace
}  // namespace ccvm::test

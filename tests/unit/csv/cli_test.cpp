// `ccvm attest verify-report --mode csv` and `ccvm measure --mode csv*` through the real binary:
// the forms the vector cases do not cover (chain directory, JSON, exit codes for bad input).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ccvm/firmware-measure/json.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

using namespace ccvm;
namespace fs = std::filesystem;

namespace {

test::ProcessResult ccvm_run(std::vector<std::string> args) {
    args.insert(args.begin(), test::ccvm_cli().string());
    return test::run_process(args);
}

std::string input(const std::string& rel) { return (test::inputs_dir() / rel).string(); }

}  // namespace

TEST(CsvCli, ChainDirectoryAndJsonChecks) {
    const fs::path dir = fs::path(testing::TempDir()) / "csv-chain";
    fs::create_directories(dir);
    fs::copy_file(input("csv/csv-rs/hrk.cert"), dir / "hrk.cert", fs::copy_options::overwrite_existing);
    fs::copy_file(input("csv/csv-rs/hsk_cek.cert"), dir / "hsk_cek.cert", fs::copy_options::overwrite_existing);
    const auto r = ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", input("csv/csv-rs/report.cert"),
                             "--cert-chain", dir.string(), "--json", "--expected-measurement",
                             "1178dadbf826ec7a07444ba358376d81c312cb53d703f9da83b26c1eee2ea052"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v = json::parse(r.out);
    EXPECT_TRUE(v.at("verified").as_bool());
    EXPECT_EQ(v.at("measurement").as_string(), "1178dadbf826ec7a07444ba358376d81c312cb53d703f9da83b26c1eee2ea052");
    EXPECT_EQ(v.at("chip_sn").as_string(), "NZA9T14052605");
    const auto& checks = v.at("checks").as_array();
    ASSERT_EQ(checks.size(), 7u);
    EXPECT_EQ(checks.back().at("name").as_string(), "measurement");
    for (const auto& c : checks) EXPECT_TRUE(c.at("ok").as_bool()) << c.at("name").as_string();
}

TEST(CsvCli, FailedCheckExitsOneAndNamesIt) {
    // Synthetic report against the real chain: the PEK is not signed by that CEK.
    const auto r = ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", input("csv/synthetic/report_v1.bin"),
                             "--cert-chain", input("csv/csv-rs/hrk.cert"), "--cert-chain", input("csv/csv-rs/hsk_cek.cert"),
                             "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("pek.signature"), std::string::npos) << r.err;
    EXPECT_FALSE(json::parse(r.out).at("verified").as_bool());
}

TEST(CsvCli, BadInputExitsTwo) {
    const std::string hrk = input("csv/csv-rs/hrk.cert"), hsk_cek = input("csv/csv-rs/hsk_cek.cert");
    const std::string report = input("csv/csv-rs/report.cert");
    // Chain files swapped, a certificate as the report, a short measurement, a missing chain.
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", report, "--cert-chain", hsk_cek,
                        "--cert-chain", hrk}).exit_code, 2);
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", hrk, "--cert-chain", hrk,
                        "--cert-chain", hsk_cek}).exit_code, 2);
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", report, "--cert-chain", hrk,
                        "--cert-chain", hsk_cek, "--expected-measurement", "1178"}).exit_code, 2);
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", report}).exit_code, 2);
}

TEST(CsvCli, MeasureJsonSaysNotValidated) {
    const auto r = ccvm_run({"measure", "--mode", "csv", "--ovmf", input("firmware/debian12/OVMF_CODE.fd"),
                             "--output-format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v = json::parse(r.out);
    EXPECT_FALSE(v.at("validated").as_bool());
    EXPECT_EQ(v.at("digest").as_string(), "e0ebcf5414ed03da0e9b1ecce2cb87c31e9198a4f73fbbbf9cf4c8c709ed61dc");
}

TEST(CsvCli, Csv2WithoutRegisterStateNamesWhatIsMissing) {
    const auto r = ccvm_run({"measure", "--mode", "csv2", "--ovmf", input("firmware/debian12/OVMF_CODE.fd")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--vmsa-file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("register-state page per vCPU"), std::string::npos) << r.err;
}

TEST(CsvCli, TrusteeEvidenceJsonReportSignatureHoldsButChainIsForeign) {
    // The trustee CSV3 evidence comes from another chip than the csv-rs HSK/CEK: the PEK link must
    // fail while the PEK's signature over the report holds.
    const auto r = ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", input("csv/trustee/csv_evidence.json"),
                             "--cert-chain", input("csv/csv-rs/hrk.cert"), "--cert-chain", input("csv/csv-rs/hsk_cek.cert"),
                             "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto v = json::parse(r.out);
    EXPECT_EQ(v.at("measurement").as_string(), "ae2a2cf1f41a485fa37bf9ae92f678783c59fbc79de7b5d237743d58f5538034");
    EXPECT_EQ(v.at("signer_form").as_string(), "restored");
    for (const auto& c : v.at("checks").as_array()) {
        const std::string name = c.at("name").as_string();
        EXPECT_EQ(c.at("ok").as_bool(), name != "pek.signature") << name;
    }
}

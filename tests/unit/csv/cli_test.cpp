// `ccvm attest verify-report --mode csv` and `ccvm measure --mode csv*` through the real binary:
// the forms the vector cases do not cover (chain directory, JSON, exit codes for bad input).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <algorithm>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "ccvm/launch-secret/csv/launch_measure.hpp"
#include "ccvm/launch-secret/csv/sm4_ctr.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

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
    const test::TempDir tmp;
    const fs::path& dir = tmp.path();
    fs::copy_file(input("csv/csv-rs/hrk.cert"), dir / "hrk.cert", fs::copy_options::overwrite_existing);
    fs::copy_file(input("csv/csv-rs/hsk_cek.cert"), dir / "hsk_cek.cert", fs::copy_options::overwrite_existing);
    const auto r = ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", input("csv/csv-rs/report.cert"),
                             "--cert-chain", dir.string(), "--json", "--expected-measurement",
                             "1178dadbf826ec7a07444ba358376d81c312cb53d703f9da83b26c1eee2ea052"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v = json::parse(r.out);
    EXPECT_TRUE(json::get_bool(json::at(v, "verified")));
    EXPECT_EQ(json::get_string(json::at(v, "measurement")),
              "1178dadbf826ec7a07444ba358376d81c312cb53d703f9da83b26c1eee2ea052");
    EXPECT_EQ(json::get_string(json::at(v, "chip_sn")), "NZA9T14052605");
    const auto& checks = json::get_array(json::at(v, "checks"));
    ASSERT_EQ(checks.size(), 7u);
    EXPECT_EQ(json::get_string(checks.back().at("name")), "measurement");
    for (const auto& c : checks)
        EXPECT_TRUE(json::get_bool(json::at(c, "ok"))) << json::get_string(json::at(c, "name"));
}

TEST(CsvCli, FailedCheckExitsOneAndNamesIt) {
    // Synthetic report against the real chain: the PEK is not signed by that CEK.
    const auto r = ccvm_run({"attest", "verify-report", "--mode", "csv", "--report",
                             input("csv/synthetic/report_v1.bin"), "--cert-chain", input("csv/csv-rs/hrk.cert"),
                             "--cert-chain", input("csv/csv-rs/hsk_cek.cert"), "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("pek.signature"), std::string::npos) << r.err;
    EXPECT_FALSE(json::get_bool(json::at(json::parse(r.out), "verified")));
}

TEST(CsvCli, BadInputExitsTwo) {
    const std::string hrk = input("csv/csv-rs/hrk.cert"), hsk_cek = input("csv/csv-rs/hsk_cek.cert");
    const std::string report = input("csv/csv-rs/report.cert");
    // Chain files swapped, a certificate as the report, a short measurement, a missing chain.
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", report, "--cert-chain", hsk_cek,
                        "--cert-chain", hrk})
                  .exit_code,
              2);
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", hrk, "--cert-chain", hrk,
                        "--cert-chain", hsk_cek})
                  .exit_code,
              2);
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", report, "--cert-chain", hrk,
                        "--cert-chain", hsk_cek, "--expected-measurement", "1178"})
                  .exit_code,
              2);
    EXPECT_EQ(ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", report}).exit_code, 2);
}

TEST(CsvCli, MeasureJsonSaysNotValidated) {
    const auto r = ccvm_run(
        {"measure", "--mode", "csv", "--ovmf", input("firmware/debian12/OVMF_CODE.fd"), "--output-format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v = json::parse(r.out);
    EXPECT_FALSE(json::get_bool(json::at(v, "validated")));
    EXPECT_EQ(json::get_string(json::at(v, "digest")),
              "e0ebcf5414ed03da0e9b1ecce2cb87c31e9198a4f73fbbbf9cf4c8c709ed61dc");
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
    const auto r = ccvm_run({"attest", "verify-report", "--mode", "csv", "--report",
                             input("csv/trustee/csv_evidence.json"), "--cert-chain", input("csv/csv-rs/hrk.cert"),
                             "--cert-chain", input("csv/csv-rs/hsk_cek.cert"), "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto v = json::parse(r.out);
    EXPECT_EQ(json::get_string(json::at(v, "measurement")),
              "ae2a2cf1f41a485fa37bf9ae92f678783c59fbc79de7b5d237743d58f5538034");
    EXPECT_EQ(json::get_string(json::at(v, "signer_form")), "restored");
    for (const auto& c : json::get_array(json::at(v, "checks"))) {
        const std::string name = json::get_string(json::at(c, "name"));
        EXPECT_EQ(json::get_bool(json::at(c, "ok")), name != "pek.signature") << name;
    }
}

namespace {

// A 0600 file holding `data` (the secret commands refuse group/world-readable key files).
std::string private_file(const test::TempDir& dir, const std::string& name, ccvm::ByteSpan data) {
    return dir.write(name, data, 0600).string();
}

}  // namespace

TEST(CsvCli, SecretBuildCsvPacketDecryptsAndMacs) {
    const test::TempDir dir;
    const Bytes tek = from_hex("dd5255c595ace7d291f641d993cd4f80"), tik = from_hex("6a38a8f82a83d72b7ae92244f74c9117");
    const Bytes payload(as_bytes("top secret").begin(), as_bytes("top secret").end());
    Bytes blob = from_hex("df2f2cb49d673c0c2fcfaea2747ef097787de9cca1561015fc32dffe4d3d7fca");
    append(blob, Bytes(16, std::byte{7}));  // MNONCE
    const auto r =
        ccvm_run({"secret", "build", "--mode", "csv", "--tek", private_file(dir, "csv_tek.bin", tek), "--tik",
                  private_file(dir, "csv_tik.bin", tik), "--measurement", to_base64(blob), "--secret",
                  "736869e5-84f0-4973-92ec-06879ce3da0b=" + private_file(dir, "csv_payload", payload), "--iv",
                  "1e7ddf50622aa2f0f1fd172ccb3908c5", "--output-format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v = json::parse(r.out);
    const Bytes header = from_base64(json::get_string(json::at(v, "header"))),
                ct = from_base64(json::get_string(json::at(v, "secret")));
    ASSERT_EQ(header.size(), 52u);
    EXPECT_EQ(load_le<std::uint32_t>(header, 0), 0u);
    EXPECT_EQ(to_hex(ByteSpan(header).subspan(4, 16)), "1e7ddf50622aa2f0f1fd172ccb3908c5");
    // Decrypts (SM4-CTR) to the OVMF secret table: table GUID 1e74f542-..., then our entry.
    const Bytes table = secret::csv::sm4_ctr(tek, ByteSpan(header).subspan(4, 16), ct);
    EXPECT_EQ(to_hex(ByteSpan(table).first(4)), "42f5741e");
    EXPECT_NE(std::search(table.begin(), table.end(), payload.begin(), payload.end()), table.end());
    // csv-rs src/session MAC layout.
    Bytes fields{std::byte{1}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
    append(fields, ByteSpan(header).subspan(4, 16));
    append_le<std::uint32_t>(fields, static_cast<std::uint32_t>(ct.size()));
    append_le<std::uint32_t>(fields, static_cast<std::uint32_t>(ct.size()));
    const auto mac = secret::csv::hmac_sm3(tik, {fields, ct, ByteSpan(blob).first(32)});
    EXPECT_EQ(to_hex(ByteSpan(header).subspan(20, 32)), to_hex(mac));
}

TEST(CsvCli, VerifyLaunchCsvModel) {
    const test::TempDir dir;
    const Bytes tik = from_hex("6a38a8f82a83d72b7ae92244f74c9117");
    const Bytes mnonce(16, std::byte{9});
    Sm3Digest digest{};
    const Bytes d =
        from_hex("e0ebcf5414ed03da0e9b1ecce2cb87c31e9198a4f73fbbbf9cf4c8c709ed61dc");  // csv_model OVMF_CODE
    std::copy(d.begin(), d.end(), digest.begin());
    const auto measure = secret::csv::expected_launch_measure(tik, 1, 16, 0x1, digest, mnonce);
    // MEASURE || MNONCE, copied into a buffer of the final size: appending to the 32-byte vector makes
    // GCC 12 at -O3 report a false -Warray-bounds inside libstdc++'s inlined vector insert.
    Bytes blob(measure.size() + mnonce.size());
    std::copy(mnonce.begin(), mnonce.end(), std::copy(measure.begin(), measure.end(), blob.begin()));
    const std::string tik_file = private_file(dir, "csv_vl_tik.bin", tik);
    auto run = [&](const Bytes& b, const std::string& policy) {
        return ccvm_run({"attest", "verify-launch", "--mode", "csv", "--tik", tik_file, "--measurement", to_base64(b),
                         "--api-major", "1", "--api-minor", "16", "--build-id", "0", "--policy", policy, "--ovmf",
                         input("firmware/debian12/OVMF_CODE.fd")});
    };
    const auto ok = run(blob, "1");
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "ok\n");
    EXPECT_EQ(run(blob, "3").exit_code, 1);     // another policy
    EXPECT_EQ(run(blob, "0x45").exit_code, 2);  // CSV3: not precomputable
    blob[0] ^= std::byte{1};
    const auto bad = run(blob, "1");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("launch measurement"), std::string::npos) << bad.err;
}

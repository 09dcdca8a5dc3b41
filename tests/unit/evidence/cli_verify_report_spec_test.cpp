// `ccvm attest verify-report --spec`: the registers `ccvm measure --spec` computes become the
// expected values. The TDX case uses a quote whose TD report carries the MRTD of the reference
// vector (tdx_measure.json, Debian 12 OVMF, single-pass) and is checked without signatures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/platform/evidence/tdx/quote.hpp"
#include "evidence_data.hpp"
#include "support/process.hpp"

namespace ccvm::test {
namespace {

std::filesystem::path scratch_dir() {
    const auto dir = binary_dir() / "evidence-spec" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir);
    return dir;
}

std::string write(const std::filesystem::path& path, std::string_view text) {
    std::ofstream(path, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
    return path.string();
}

ProcessResult ccvm(std::vector<std::string> args) {
    args.insert(args.begin(), ccvm_cli().string());
    return run_process(args);
}

std::string tdx_spec(const std::filesystem::path& dir) {
    return write(dir / "tdx.yaml", "name: tdx-guest\n"
                                   "tee:\n"
                                   "  type: tdx\n"
                                   "vcpus: 1\n"
                                   "memory: 2G\n"
                                   "firmware: " + (inputs_dir() / "firmware/debian12/OVMF.fd").string() + "\n"
                                   "host:\n"
                                   "  page-add-order: single-pass\n"
                                   "  edk2-version: \"2022.11\"\n");
}

// The reference MRTD of the Debian 12 OVMF, single-pass (first tdx_measure.json case asserting it).
std::string vector_mrtd() {
    const json::Value cases = json::parse(read_text_file(vectors_dir() / "tdx_measure.json"));
    for (const auto& c : cases.at("cases").as_array()) {
        const auto& argv = c.at("argv").as_array();
        bool debian12 = false, single = false;
        for (const auto& a : argv) {
            debian12 = debian12 || a.as_string() == "@inputs/firmware/debian12/OVMF.fd";
            single = single || a.as_string() == "single-pass";
        }
        const json::Value* json = c.at("expect").find("json");
        if (debian12 && single && argv.size() == 8 && json && json->find("mrtd")) return json->at("mrtd").as_string();
    }
    throw std::runtime_error("no Debian 12 single-pass MRTD vector");
}

TEST(CliVerifyReportSpec, TdxRegistersFromTheSpec) {
    const auto dir = scratch_dir();
    const std::string spec = tdx_spec(dir);
    const auto measured = ccvm({"measure", "--spec", spec});
    ASSERT_EQ(measured.exit_code, 0) << measured.err;
    const json::Value regs = json::parse(measured.out).at("registers");
    ASSERT_EQ(regs.at("mrtd").as_string(), vector_mrtd());

    // A real quote with its TD report rewritten to the spec's values (so only --no-signature-check).
    using namespace ccvm::platform::tdx;
    Bytes quote = load_evidence("tdx/trustee-quote-v4.dat");
    auto put = [&quote](std::size_t body_offset, const Bytes& value) {
        std::copy(value.begin(), value.end(), quote.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + body_offset));
    };
    put(136, from_hex(vector_mrtd()));                            // MRTD
    for (std::size_t off : {184u, 232u, 280u}) put(off, Bytes(48));  // MRCONFIGID, MROWNER, MROWNERCONFIG
    Bytes attributes;
    append_le<std::uint64_t>(attributes, 0x10000000);  // the spec default: SEPT_VE_DISABLE
    put(120, attributes);
    for (int i = 0; i < 4; ++i)
        if (const json::Value& r = regs.at("rtmr" + std::to_string(i)); r.is_string()) put(328 + 48 * i, from_hex(r.as_string()));
    const std::string patched = write(dir / "quote.dat", as_chars(quote));

    const auto ok = ccvm({"attest", "verify-report", "--mode", "tdx", "--quote", patched, "--no-signature-check",
                          "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err << ok.out;
    const json::Value out = json::parse(ok.out);
    bool mrtd_checked = false;
    for (const auto& c : out.at("checks").as_array()) mrtd_checked = mrtd_checked || c.at("name").as_string() == "mrtd";
    EXPECT_TRUE(mrtd_checked);

    // The unmodified quote is another TD.
    const auto other = ccvm({"attest", "verify-report", "--mode", "tdx", "--quote", data_path("tdx/trustee-quote-v4.dat"),
                             "--no-signature-check", "--spec", spec});
    EXPECT_EQ(other.exit_code, 1);
    EXPECT_NE(other.err.find("mrtd"), std::string::npos);
}

TEST(CliVerifyReportSpec, SpecMustMatchTheModeAndReplaceFlags) {
    const auto dir = scratch_dir();
    const std::string spec = tdx_spec(dir);
    const std::string token = data_path("cca/tf-rmm-token.cbor");
    const auto wrong = ccvm({"attest", "verify-report", "--mode", "cca", "--token", token, "--spec", spec});
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.err.find("--spec"), std::string::npos);
    const auto both = ccvm({"attest", "verify-report", "--mode", "tdx", "--quote", data_path("tdx/trustee-quote-v4.dat"),
                            "--no-signature-check", "--spec", spec, "--expected-mrtd", std::string(96, '0')});
    EXPECT_EQ(both.exit_code, 2);
}

}  // namespace
}  // namespace ccvm::test

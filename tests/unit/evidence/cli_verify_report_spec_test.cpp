// `ccvm attest verify-report --spec`: the registers `ccvm measure SPEC` computes become the
// expected values, for all four evidence families. The specs' registers are first checked against
// the reference vectors (so the expected side is independent of this code); real evidence then
// fails on the register it differs in, and the same evidence with that register rewritten to the
// spec's value (checked with --no-signature-check, as the rewrite breaks the signature) passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
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

ProcessResult verify(std::vector<std::string> args) {
    args.insert(args.begin(), {"attest", "verify-report"});
    return ccvm(std::move(args));
}

// The registers `ccvm measure SPEC` prints.
json::Value measured_registers(const std::string& spec) {
    const auto measured = ccvm({"measure", spec});
    EXPECT_EQ(measured.exit_code, 0) << measured.err;
    return json::at(json::parse(measured.out), "registers");
}

const json::Value* check(const json::Value& out, std::string_view name) {
    for (const auto& c : json::get_array(json::at(out, "checks")))
        if (json::get_string(json::at(c, "name")) == name) return &c;
    return nullptr;
}

bool passed(const json::Value& out, std::string_view name) {
    const json::Value* c = check(out, name);
    return c != nullptr && json::get_bool(json::at(*c, "ok"));
}

bool failed(const json::Value& out, std::string_view name) {
    const json::Value* c = check(out, name);
    return c != nullptr && !json::get_bool(json::at(*c, "ok"));
}

// The expected JSON of the first vector case of `file` whose argv holds every one of `args`.
json::Value vector_expect(const std::string& file, std::initializer_list<std::string_view> args) {
    const json::Value cases = json::parse(read_text_file(vectors_dir() / file));
    for (const auto& c : json::get_array(json::at(cases, "cases"))) {
        const auto& argv = json::get_array(json::at(c, "argv"));
        const bool all = std::all_of(args.begin(), args.end(), [&](std::string_view want) {
            return std::any_of(argv.begin(), argv.end(),
                               [&](const json::Value& a) { return json::get_string(a) == want; });
        });
        if (all && json::at(c, "exit_code") == json::Value(0)) return json::at(c, "expect");
    }
    throw std::runtime_error("no vector case in " + file);
}

// Rewrites `data[offset..]` so that the field now reading `current` reads `wanted`: XOR with their
// difference, which also works for fields the format masks with a nonce.
void rewrite(Bytes& data, std::size_t offset, const Bytes& current, const Bytes& wanted) {
    ASSERT_EQ(current.size(), wanted.size());
    for (std::size_t i = 0; i < wanted.size(); ++i) data.at(offset + i) ^= current[i] ^ wanted[i];
}

// ---- TDX ----------------------------------------------------------------------------------------

std::string tdx_spec(const std::filesystem::path& dir, const std::string& extra_tee = "",
                     const std::string& edk2 = "  edk2-version: \"2022.11\"\n") {
    return write(dir / "tdx.yaml",
                 "name: tdx-guest\n"
                 "tee:\n"
                 "  type: tdx\n" +
                     extra_tee +
                     "vcpus: 1\n"
                     "memory: 2G\n"
                     "firmware: " +
                     (inputs_dir() / "firmware/debian12/OVMF.fd").string() +
                     "\n"
                     "host:\n"
                     "  page-add-order: single-pass\n" +
                     edk2);
}

// The reference MRTD of the Debian 12 OVMF, single-pass.
std::string vector_mrtd() {
    return json::get_string(json::at(
        json::at(vector_expect("tdx_measure.json", {"@inputs/firmware/debian12/OVMF.fd", "single-pass"}), "json"),
        "mrtd"));
}

// TD Quote Body offsets (Intel TDX DCAP quote spec, "TD Quote Body").
constexpr std::size_t kTdAttributes = 120, kMrtd = 136, kMrConfigId = 184, kRtmr0 = 328;

Bytes tdx_quote_with(const json::Value& regs) {
    using attestation::tdx::kHeaderSize;
    Bytes quote = load_evidence("tdx/trustee-quote-v4.dat");
    auto put = [&quote](std::size_t body_offset, const Bytes& value) {
        std::copy(value.begin(), value.end(), quote.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + body_offset));
    };
    put(kMrtd, from_hex(json::get_string(json::at(regs, "mrtd"))));
    for (int i = 0; i < 4; ++i)
        if (const json::Value& r = json::at(regs, "rtmr" + std::to_string(i)); r.is_string())
            put(kRtmr0 + 48 * static_cast<std::size_t>(i), from_hex(json::get_string(r)));
    return quote;
}

TEST(CliVerifyReportSpec, TdxRegistersFromTheSpec) {
    const auto dir = scratch_dir();
    const std::string spec = tdx_spec(dir);
    const json::Value regs = measured_registers(spec);
    ASSERT_EQ(json::get_string(json::at(regs, "mrtd")), vector_mrtd());

    const std::string patched = write(dir / "quote.dat", as_chars(tdx_quote_with(regs)));
    const auto ok = verify({"--mode", "tdx", "--quote", patched, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err << ok.out;
    const json::Value out = json::parse(ok.out);
    EXPECT_TRUE(passed(out, "mrtd"));
    EXPECT_EQ(json::get_string(json::at(out, "mrtd")), vector_mrtd());
    EXPECT_TRUE(passed(out, "signatures"));
    // Every RTMR is either compared or reported as not compared, with the reason.
    for (int i = 0; i < 4; ++i) {
        const std::string name = "rtmr" + std::to_string(i);
        const json::Value* c = check(out, name);
        ASSERT_NE(c, nullptr) << name;
        EXPECT_TRUE(json::get_bool(json::at(*c, "ok")));
        if (!json::at(regs, name).is_string()) {
            EXPECT_EQ(json::get_string(json::at(*c, "reason")).rfind("not compared: ", 0), 0u) << name;
        }
    }
    // Owner values and attributes the spec does not set are not compared.
    EXPECT_EQ(check(out, "mrconfigid"), nullptr);
    EXPECT_EQ(check(out, "td_attributes"), nullptr);

    // The unmodified quote is another TD.
    const auto other = verify(
        {"--mode", "tdx", "--quote", data_path("tdx/trustee-quote-v4.dat"), "--no-signature-check", "--spec", spec});
    EXPECT_EQ(other.exit_code, 1);
    EXPECT_NE(other.err.find("check mrtd failed"), std::string::npos) << other.err;
}

TEST(CliVerifyReportSpec, TdxRtmrsTheSpecCannotComputeAreNotCompared) {
    const auto dir = scratch_dir();
    const std::string spec = tdx_spec(dir, "", "");  // no edk2 version: RTMR0-2 unknown
    const json::Value regs = measured_registers(spec);
    ASSERT_TRUE(json::at(regs, "rtmr0").is_null());
    const std::string patched = write(dir / "quote.dat", as_chars(tdx_quote_with(regs)));
    const auto ok = verify({"--mode", "tdx", "--quote", patched, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const json::Value out = json::parse(ok.out);
    EXPECT_TRUE(passed(out, "mrtd"));
    for (const char* name : {"rtmr0", "rtmr1", "rtmr2"}) {
        const json::Value* c = check(out, name);
        ASSERT_NE(c, nullptr) << name;
        const std::string reason = json::get_string(json::at(*c, "reason"));
        EXPECT_EQ(reason.rfind("not compared: ", 0), 0u) << reason;
        EXPECT_NE(reason.find("edk2 version"), std::string::npos) << reason;
    }
}

TEST(CliVerifyReportSpec, TdxOwnerValuesAndAttributesTheSpecSets) {
    const auto dir = scratch_dir();
    const std::string config_id(96, '0');
    const std::string spec = tdx_spec(dir, "  mrconfigid: " + config_id + "\n  attributes: 0x10000000\n");
    const json::Value regs = measured_registers(spec);
    Bytes quote = tdx_quote_with(regs);
    using attestation::tdx::kHeaderSize;
    std::fill_n(quote.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + kMrConfigId), 48, std::byte{0});
    Bytes attributes;
    append_le<std::uint64_t>(attributes, 0x10000000);
    std::copy(attributes.begin(), attributes.end(),
              quote.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + kTdAttributes));
    const std::string good = write(dir / "good.dat", as_chars(quote));
    const auto ok = verify({"--mode", "tdx", "--quote", good, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const json::Value out = json::parse(ok.out);
    EXPECT_TRUE(passed(out, "mrconfigid"));
    EXPECT_TRUE(passed(out, "td_attributes"));

    quote[kHeaderSize + kMrConfigId + 47] = std::byte{1};
    quote[kHeaderSize + kTdAttributes] = std::byte{1};  // DEBUG
    const std::string bad = write(dir / "bad.dat", as_chars(quote));
    const auto r = verify({"--mode", "tdx", "--quote", bad, "--no-signature-check", "--spec", spec, "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("check mrconfigid failed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("check td_attributes failed"), std::string::npos) << r.err;
    EXPECT_TRUE(failed(json::parse(r.out), "mrconfigid"));
}

// ---- SEV-SNP ------------------------------------------------------------------------------------

std::string snp_spec(const std::filesystem::path& dir, const std::string& extra_tee = "") {
    return write(dir / "snp.yaml",
                 "name: snp-guest\n"
                 "tee:\n"
                 "  type: sev-snp\n" +
                     extra_tee +
                     "vcpus: 1\n"
                     "memory: 2G\n"
                     "cpu-model: EPYC-v4\n"
                     "firmware: " +
                     (inputs_dir() / "firmware/debian12/OVMF.fd").string() + "\n");
}

std::string snp_vector_digest() {
    const json::Value e = vector_expect("sev_measure.json", {"snp", "EPYC-v4", "@inputs/firmware/debian12/OVMF.fd"});
    return json::get_string(json::at(e, "stdout")).substr(0, 96);
}

std::vector<std::string> milan_chain() {
    return {"--vcek", data_path("snp/milan-vcek.der"), "--ask", data_path("snp/milan-ask.pem"),
            "--ark",  data_path("snp/milan-ark.pem")};
}

// SEV-SNP ABI, ATTESTATION_REPORT: POLICY at 0x08, MEASUREMENT at 0x90, HOST_DATA at 0xC0.
constexpr std::size_t kSnpPolicy = 0x08, kSnpMeasurement = 0x90, kSnpHostData = 0xC0;

TEST(CliVerifyReportSpec, SnpMeasurementPolicyAndHostData) {
    const auto dir = scratch_dir();
    const std::string host_data = "0102030405060708091011121314151617181920212223242526272829303132";
    const std::string spec = snp_spec(dir, "  policy: 0x30000\n  host-data: " + to_base64(from_hex(host_data)) + "\n");
    const json::Value regs = measured_registers(spec);
    const std::string digest = json::get_string(json::at(regs, "launch_digest"));
    ASSERT_EQ(digest, snp_vector_digest());

    // The real Milan report, fully verified: only the measurement and host data differ.
    std::vector<std::string> args = {"--mode", "snp", "--report", data_path("snp/milan-report.hex"),
                                     "--spec", spec,  "--json"};
    for (auto& a : milan_chain()) args.push_back(a);
    const auto real = verify(args);
    EXPECT_EQ(real.exit_code, 1);
    const json::Value real_out = json::parse(real.out);
    EXPECT_TRUE(passed(real_out, "report.signature"));
    EXPECT_TRUE(passed(real_out, "policy"));  // the report's policy is 0x30000
    EXPECT_TRUE(failed(real_out, "measurement"));
    EXPECT_TRUE(failed(real_out, "host_data"));
    EXPECT_NE(real.err.find("check measurement failed"), std::string::npos);

    // The same report carrying the spec's values.
    Bytes report = load_hex_evidence("snp/milan-report.hex");
    std::copy_n(from_hex(digest).begin(), 48, report.begin() + kSnpMeasurement);
    std::copy_n(from_hex(host_data).begin(), 32, report.begin() + kSnpHostData);
    const std::string patched = write(dir / "report.bin", as_chars(report));
    const auto ok = verify({"--mode", "snp", "--report", patched, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const json::Value out = json::parse(ok.out);
    EXPECT_EQ(json::get_string(json::at(out, "measurement")), digest);
    EXPECT_TRUE(passed(out, "measurement"));
    EXPECT_TRUE(passed(out, "host_data"));
    EXPECT_TRUE(passed(out, "policy"));
    EXPECT_TRUE(passed(out, "signatures"));

    // Another policy in the report.
    report[kSnpPolicy] = std::byte{0x01};
    const std::string other_policy = write(dir / "policy.bin", as_chars(report));
    const auto p = verify({"--mode", "snp", "--report", other_policy, "--no-signature-check", "--spec", spec});
    EXPECT_EQ(p.exit_code, 1);
    EXPECT_NE(p.err.find("check policy failed"), std::string::npos) << p.err;
}

TEST(CliVerifyReportSpec, SnpPolicyAndHostDataOnlyWhenTheSpecSetsThem) {
    const auto dir = scratch_dir();
    const std::string spec = snp_spec(dir);
    Bytes report = load_hex_evidence("snp/milan-report.hex");
    report[kSnpPolicy] = std::byte{0x01};
    std::copy_n(from_hex(json::get_string(json::at(measured_registers(spec), "launch_digest"))).begin(), 48,
                report.begin() + kSnpMeasurement);
    const std::string patched = write(dir / "report.bin", as_chars(report));
    const auto ok = verify({"--mode", "snp", "--report", patched, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const json::Value out = json::parse(ok.out);
    EXPECT_EQ(check(out, "policy"), nullptr);
    EXPECT_EQ(check(out, "host_data"), nullptr);
}

// ---- CCA ----------------------------------------------------------------------------------------

// The spec of vector case cca-qemu02_kernel_initrd_sha256 (a SHA-256 realm like the sample token).
std::string cca_spec(const std::filesystem::path& dir, const std::string& extra_tee = "") {
    const auto in = inputs_dir() / "cca";
    return write(dir / "cca.yaml",
                 "name: realm\n"
                 "memory: 536870912\n"
                 "vcpus: 1\n"
                 "kernel: " +
                     (in / "kernelA.bin").string() +
                     "\n"
                     "initrd: " +
                     (in / "initrdA.cpio").string() +
                     "\n"
                     "tee:\n"
                     "  type: cca\n"
                     "  hash-algo: sha256\n"
                     "  dtb: " +
                     (in / "qemu02_kernel_initrd_sha256.dtb").string() + "\n" + extra_tee +
                     "host:\n"
                     "  ipa-bits: 52\n"
                     "  num-bps: 6\n"
                     "  num-wps: 6\n");
}

// The RIM claim of a realm token: key 44238 (0x19 0xACCE), then a 32-byte bstr (0x58 0x20).
std::size_t rim_offset(const Bytes& token) {
    const Bytes marker = from_hex("19acce5820");
    const auto it = std::search(token.begin(), token.end(), marker.begin(), marker.end());
    if (it == token.end()) throw std::runtime_error("no 32-byte RIM claim in the token");
    return static_cast<std::size_t>(it - token.begin()) + marker.size();
}

TEST(CliVerifyReportSpec, CcaRimAndPersonalizationValue) {
    const auto dir = scratch_dir();
    const Bytes token = load_evidence("cca/tf-rmm-token.cbor");
    // The sample token's RPV ("The quick brown fox ..."), so that only the RIM differs.
    const json::Value real_regs = json::parse(
        verify({"--mode", "cca", "--token", data_path("cca/tf-rmm-token.cbor"), "--no-signature-check", "--json"}).out);
    const std::string rpv = json::get_string(json::at(real_regs, "rpv"));
    const std::string spec = cca_spec(dir, "  personalization-value: " + to_base64(from_hex(rpv)) + "\n");
    const json::Value regs = measured_registers(spec);
    const std::string rim = json::get_string(json::at(regs, "rim"));
    ASSERT_EQ(rim, json::get_string(json::at(
                       json::at(vector_expect("cca_rim.json", {"@inputs/cca/qemu02_kernel_initrd_sha256.dtb"}), "json"),
                       "rim")));

    const auto real = verify({"--mode", "cca", "--token", data_path("cca/tf-rmm-token.cbor"), "--cpak",
                              data_path("cca/tf-rmm-cpak.pem"), "--spec", spec, "--json"});
    EXPECT_EQ(real.exit_code, 1);
    const json::Value real_out = json::parse(real.out);
    EXPECT_TRUE(passed(real_out, "platform.signature"));
    EXPECT_TRUE(passed(real_out, "rpv"));
    EXPECT_TRUE(failed(real_out, "rim"));
    EXPECT_NE(real.err.find("check rim failed"), std::string::npos);
    // REMs are extended at run time: reported, not compared.
    for (int i = 0; i < 4; ++i) {
        const json::Value* c = check(real_out, "rem" + std::to_string(i));
        ASSERT_NE(c, nullptr);
        EXPECT_TRUE(json::get_bool(json::at(*c, "ok")));
        EXPECT_NE(json::get_string(json::at(*c, "reason")).find("not compared"), std::string::npos);
    }

    Bytes patched = token;
    const std::size_t at = rim_offset(patched);
    rewrite(patched, at,
            Bytes(patched.begin() + static_cast<std::ptrdiff_t>(at),
                  patched.begin() + static_cast<std::ptrdiff_t>(at + 32)),
            from_hex(rim));
    const std::string file = write(dir / "token.cbor", as_chars(patched));
    const auto ok = verify({"--mode", "cca", "--token", file, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_TRUE(passed(json::parse(ok.out), "rim"));

    // A personalization value the realm does not carry.
    const std::string other = cca_spec(dir, "  personalization-value: " + std::string(128, '1') + "\n");
    const auto r = verify({"--mode", "cca", "--token", file, "--no-signature-check", "--spec", other});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("check rpv failed"), std::string::npos) << r.err;
}

// ---- Hygon CSV ----------------------------------------------------------------------------------

std::vector<std::string> csv_real(const std::string& report) {
    const auto in = inputs_dir() / "csv/csv-rs";
    return {"--mode",       "csv",
            "--report",     report,
            "--cert-chain", (in / "hrk.cert").string(),
            "--cert-chain", (in / "hsk_cek.cert").string()};
}

std::string csv_spec(const std::filesystem::path& dir, const std::string& type, const std::string& policy) {
    return write(dir / (type + ".yaml"),
                 "name: csv-guest\n"
                 "tee:\n"
                 "  type: " +
                     type +
                     "\n"
                     "  policy: " +
                     policy +
                     "\n"
                     "vcpus: 1\n"
                     "memory: 2G\n"
                     "firmware: " +
                     (inputs_dir() / "firmware/debian12/OVMF.fd").string() + "\n");
}

// CSV attestation report (csv-rs src/api/guest/types.rs): MEASURE at 0x90, POLICY at 0xB0.
constexpr std::size_t kCsvMeasure = 0x90, kCsvPolicy = 0xB0;

TEST(CliVerifyReportSpec, CsvLaunchDigestAndPolicy) {
    const auto dir = scratch_dir();
    const std::string report = (inputs_dir() / "csv/csv-rs/report.cert").string();
    // The real report's policy is 0x40000001.
    const std::string spec = csv_spec(dir, "csv", "0x40000001");
    const std::string digest = json::get_string(json::at(measured_registers(spec), "launch_digest"));

    auto args = csv_real(report);
    args.insert(args.end(), {"--spec", spec, "--json"});
    const auto real = verify(args);
    EXPECT_EQ(real.exit_code, 1);
    const json::Value real_out = json::parse(real.out);
    EXPECT_TRUE(passed(real_out, "report.signature"));
    EXPECT_TRUE(passed(real_out, "policy"));
    EXPECT_TRUE(failed(real_out, "measurement"));
    EXPECT_NE(real.err.find("check measurement failed"), std::string::npos);

    // The report with its MEASURE rewritten to the spec's launch digest.
    Bytes raw = read_file(report);
    rewrite(raw, kCsvMeasure, from_hex(json::get_string(json::at(real_out, "measurement"))), from_hex(digest));
    const std::string patched = write(dir / "report.cert", as_chars(raw));
    const auto ok = verify({"--mode", "csv", "--report", patched, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const json::Value out = json::parse(ok.out);
    EXPECT_EQ(json::get_string(json::at(out, "measurement")), digest);
    EXPECT_TRUE(passed(out, "measurement"));
}

TEST(CliVerifyReportSpec, Csv2DigestIsNotComparedButThePolicyIs) {
    const auto dir = scratch_dir();
    const std::string report = (inputs_dir() / "csv/csv-rs/report.cert").string();
    const std::string spec = csv_spec(dir, "csv2", "0x40000005");  // csv2 needs the ES bit

    // The real report (a CSV1 guest, policy 0x40000001), fully verified.
    auto args = csv_real(report);
    args.insert(args.end(), {"--spec", spec, "--json"});
    const auto real = verify(args);
    EXPECT_EQ(real.exit_code, 1);
    EXPECT_NE(real.err.find("check policy failed"), std::string::npos) << real.err;
    const json::Value real_out = json::parse(real.out);
    EXPECT_TRUE(passed(real_out, "report.signature"));
    const json::Value* m = check(real_out, "measurement");
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(json::get_bool(json::at(*m, "ok")));
    EXPECT_NE(json::get_string(json::at(*m, "reason")).find("not compared"), std::string::npos);

    // The same report with the spec's policy.
    Bytes raw = read_file(report);
    Bytes current, wanted;
    append_le<std::uint32_t>(current, 0x40000001);
    append_le<std::uint32_t>(wanted, 0x40000005);
    rewrite(raw, kCsvPolicy, current, wanted);
    const std::string patched = write(dir / "report.cert", as_chars(raw));
    const auto ok = verify({"--mode", "csv", "--report", patched, "--no-signature-check", "--spec", spec, "--json"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const json::Value out = json::parse(ok.out);
    EXPECT_EQ(json::get_string(json::at(out, "policy")), "0x40000005");
    EXPECT_TRUE(passed(out, "policy"));
}

// ---- input errors ---------------------------------------------------------------------------------

TEST(CliVerifyReportSpec, SpecMustMatchTheModeAndReplaceFlags) {
    const auto dir = scratch_dir();
    const std::string spec = tdx_spec(dir);
    const auto wrong = verify({"--mode", "cca", "--token", data_path("cca/tf-rmm-token.cbor"), "--spec", spec});
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.err.find("--spec"), std::string::npos);
    const auto both = verify({"--mode", "tdx", "--quote", data_path("tdx/trustee-quote-v4.dat"), "--no-signature-check",
                              "--spec", spec, "--expected-mrtd", std::string(96, '0')});
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_NE(both.err.find("--spec replaces"), std::string::npos);
    const auto sev =
        verify({"--mode", "snp", "--report", data_path("snp/milan-report.hex"), "--no-signature-check", "--spec",
                write(dir / "sev.yaml", "name: s\ntee:\n  type: sev\nmemory: 1G\nfirmware: " +
                                            (inputs_dir() / "firmware/debian12/OVMF.fd").string() + "\n")});
    EXPECT_EQ(sev.exit_code, 2);
    EXPECT_NE(sev.err.find("no runtime attestation evidence"), std::string::npos) << sev.err;
}

}  // namespace
}  // namespace ccvm::test

// Attestation-agent evidence (the KBS `tee-evidence` JSON): parsing back to the binary evidence and
// verification with anchors from an attestation_dir, on Trustee's real SNP evidence and on
// evidence signed by the throwaway PKIs of tests/support/test_pki.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/attestation/snp/attestation_report.hpp"
#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "evidence_data.hpp"
#include "support/paths.hpp"
#include "support/test_pki.hpp"

namespace ccvm::attestation {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// MEASUREMENT, REPORT_DATA and CHIP_ID of Trustee's e2e SNP evidence, decoded from its JSON arrays
// with Python (independently of ccvm).
constexpr const char* kTrusteeMeasurement =
    "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e";
constexpr const char* kTrusteeReportData =
    "7e7320889600c7ac133aea7b896c51f41026002982292a7369559796999c1bf929eef3ff23c46e858f0b1982f9a92b17c51b578d958cde6b0c"
    "92978f150cf9b0";

// A fresh attestation_dir per test (ctest runs the tests of this file in parallel).
fs::path attestation_dir() {
    const auto dir =
        test::binary_dir() / "agent-evidence" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

fs::path genoa_anchors() {
    const fs::path dir = attestation_dir();
    fs::create_directories(dir / "snp");
    fs::copy_file(test::evidence_data("snp/genoa-ark.pem"), dir / "snp" / "ark.pem");
    fs::copy_file(test::evidence_data("snp/genoa-ask.pem"), dir / "snp" / "ask.pem");
    return dir;
}

AgentEvidence parse(AgentTee tee, const std::string& text) { return parse_agent_evidence(tee, as_bytes(text), "test"); }

std::string trustee_snp() { return read_text_file(test::evidence_data("snp/trustee-e2e-evidence.json")); }

const Check& check(const CheckList& list, std::string_view name) {
    const Check* c = list.find(name);
    if (c == nullptr) throw std::runtime_error("no check " + std::string(name));
    return *c;
}

std::string failures(const CheckList& list) {
    std::string out;
    for (const Check& c : list.checks())
        if (c.status() != CheckStatus::passed) out += c.name + ": " + c.reason + "\n";
    return out;
}

Registers expect(std::map<std::string, Bytes> values, std::map<std::string, std::string> not_computed = {}) {
    return Registers{std::move(values), std::move(not_computed)};
}

Bytes fill(std::size_t n, std::uint8_t v) { return Bytes(n, std::byte{v}); }

Bytes json_bytes(const json& list) {
    Bytes out;
    for (const json& b : list) out.push_back(std::byte(b.get<unsigned>()));
    return out;
}

TEST(AgentEvidence, TeeNamesAreTheKbsOnes) {
    EXPECT_EQ(agent_tee_from_name("snp"), AgentTee::snp);
    EXPECT_EQ(agent_tee_from_name("tdx"), AgentTee::tdx);
    EXPECT_EQ(agent_tee_from_name("cca"), AgentTee::cca);
    EXPECT_EQ(agent_tee_from_name("csv"), AgentTee::csv);
    EXPECT_FALSE(agent_tee_from_name("sev").has_value());
    EXPECT_EQ(agent_tee_name(AgentTee::tdx), "tdx");
}

TEST(AgentEvidence, TrusteeSnpEvidenceParses) {
    const AgentEvidence ev = parse(AgentTee::snp, trustee_snp());
    ASSERT_EQ(ev.raw.size(), snp::kReportSize);
    EXPECT_EQ(to_hex(ev.registers.at("launch_digest")), kTrusteeMeasurement);
    EXPECT_EQ(to_hex(ev.report_data), kTrusteeReportData);
    EXPECT_EQ(ev.init_data, Bytes(32));
    ASSERT_EQ(ev.cert_chain.size(), 1u);
    EXPECT_EQ(ev.cert_chain[0].type, "VCEK");
    EXPECT_EQ(ev.cert_chain[0].guid.to_string(), "63da758d-e664-4564-adc5-f4b93be8accd");
    const auto report = snp::parse_attestation_report(ev.raw, "rebuilt");
    EXPECT_EQ(report.version, 3u);
    EXPECT_EQ(report.policy, 196608u);
    EXPECT_EQ(report.cpuid_fam_id, 25);
    EXPECT_EQ(report.cpuid_mod_id, 160);
    EXPECT_EQ(report.reported_tcb_version().to_string(), "bl=10 tee=0 snp=23 ucode=25");
    EXPECT_EQ(report.current_major, 1);
    EXPECT_EQ(report.current_minor, 55);
    EXPECT_EQ(report.current_build, 40);
}

TEST(AgentEvidence, TrusteeSnpEvidenceVerifiesWithAmdGenoaRoots) {
    // AMD's signature over the rebuilt 0x2A0 bytes holds only if every serde field went back to
    // its exact offset.
    const AgentEvidence ev = parse(AgentTee::snp, trustee_snp());
    const CheckList checks =
        verify_agent_evidence(ev, expect({{"launch_digest", from_hex(kTrusteeMeasurement)}}), {genoa_anchors()});
    EXPECT_TRUE(checks.verified()) << failures(checks);
    for (const char* name :
         {"chain.ark", "chain.ask", "chain.vek", "report.signature", "vek.chip_id", "vek.tcb", "vmpl", "launch_digest"})
        EXPECT_EQ(check(checks, name).status(), CheckStatus::passed) << name;
}

TEST(AgentEvidence, RegistersAreComparedAndUndeterminedOnesFail) {
    const AgentEvidence ev = parse(AgentTee::snp, trustee_snp());
    const fs::path dir = genoa_anchors();
    Bytes wrong = from_hex(kTrusteeMeasurement);
    wrong[0] ^= std::byte{1};
    CheckList checks = verify_agent_evidence(ev, expect({{"launch_digest", wrong}}), {dir});
    EXPECT_EQ(check(checks, "launch_digest").status(), CheckStatus::failed);
    EXPECT_NE(check(checks, "launch_digest").reason.find(kTrusteeMeasurement), std::string::npos);
    EXPECT_TRUE(check(checks, "report.signature").ok);

    checks = verify_agent_evidence(ev, expect({}, {{"launch_digest", "no firmware file"}}), {dir});
    EXPECT_EQ(check(checks, "launch_digest").status(), CheckStatus::failed);
    EXPECT_NE(check(checks, "launch_digest").reason.find("no firmware file"), std::string::npos);
    EXPECT_FALSE(checks.verified());

    checks = verify_agent_evidence(ev, expect({}), {dir});
    EXPECT_EQ(check(checks, "registers").status(), CheckStatus::failed);

    checks = verify_agent_evidence(ev, expect({{"mrtd", Bytes(48)}}), {dir});
    EXPECT_EQ(check(checks, "mrtd").status(), CheckStatus::failed);
}

TEST(AgentEvidence, MissingOrForeignAnchorsFail) {
    const AgentEvidence ev = parse(AgentTee::snp, trustee_snp());
    const Registers regs = expect({{"launch_digest", from_hex(kTrusteeMeasurement)}});
    CheckList checks = verify_agent_evidence(ev, regs, {attestation_dir()});
    EXPECT_EQ(check(checks, "chain").status(), CheckStatus::failed);
    EXPECT_NE(check(checks, "chain").reason.find("ark.pem"), std::string::npos);
    EXPECT_FALSE(checks.verified());

    // Milan roots: the Genoa ASK in the evidence' place does not chain.
    const fs::path milan = attestation_dir();
    fs::create_directories(milan / "snp");
    fs::copy_file(test::evidence_data("snp/milan-ark.pem"), milan / "snp" / "ark.pem");
    fs::copy_file(test::evidence_data("snp/milan-ask.pem"), milan / "snp" / "ask.pem");
    checks = verify_agent_evidence(ev, regs, {milan});
    EXPECT_EQ(check(checks, "chain.vek").status(), CheckStatus::failed);
}

TEST(AgentEvidence, SnpSerdeFormIsReadStrictly) {
    const json doc = json::parse(trustee_snp());
    auto refused = [](const json& d, const std::string& needle) {
        try {
            parse(AgentTee::snp, d.dump());
            ADD_FAILURE() << "accepted: " << needle;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    json d = doc;
    d["attestation_report"]["measurement"][0] = 256;
    refused(d, "measurement[0]");
    d = doc;
    d["attestation_report"]["measurement"].erase(0);
    refused(d, "measurement: 47 bytes, expected 48");
    d = doc;
    d["attestation_report"]["extra"] = 1;
    refused(d, "unknown member \"extra\"");
    d = doc;
    d["attestation_report"].erase("chip_id");
    refused(d, "missing member \"chip_id\"");
    d = doc;
    d["attestation_report"]["current_tcb"]["fmc"] = 1;
    refused(d, "only Turin");
    d = doc;
    d["cert_chain"][0]["cert_type"] = "PEK";
    refused(d, "unknown certificate type");
    d = doc;
    d["attestation_report"]["version"] = 1;
    refused(d, "unsupported attestation report version 1");

    std::string text = doc.dump();
    text.insert(1, "\"cert_chain\":null,");
    EXPECT_THROW(parse(AgentTee::snp, text), InputError);                                         // duplicate key
    EXPECT_THROW(parse(AgentTee::snp, std::string(40, '[') + std::string(40, ']')), InputError);  // depth
    EXPECT_THROW(parse(AgentTee::snp, "{\"attestation_report\":"), InputError);

    // A cert_type given as {"OTHER": GUID} with the VCEK's GUID, and base64 data, still name the VCEK.
    d = doc;
    const Bytes der = json_bytes(d["cert_chain"][0]["data"]);
    d["cert_chain"][0] = {{"cert_type", {{"OTHER", "63da758d-e664-4564-adc5-f4b93be8accd"}}}, {"data", to_base64(der)}};
    const AgentEvidence ev = parse(AgentTee::snp, d.dump());
    EXPECT_EQ(ev.cert_chain.at(0).type, "VCEK");
    EXPECT_EQ(ev.cert_chain.at(0).data, der);
}

TEST(AgentEvidence, DetectsTheFamilyByContent) {
    EXPECT_EQ(detect_agent_evidence(as_bytes(trustee_snp())), AgentTee::snp);
    EXPECT_EQ(detect_agent_evidence(as_bytes(R"({"quote":"AAAA","cc_eventlog":null})")), AgentTee::tdx);
    EXPECT_EQ(detect_agent_evidence(as_bytes(R"({"token":[1,2]})")), AgentTee::cca);
    EXPECT_EQ(detect_agent_evidence(read_file(test::inputs_dir() / "csv/trustee/csv_evidence.json")), AgentTee::csv);
    EXPECT_FALSE(detect_agent_evidence(test::load_evidence("snp/trustee-report.bin")).has_value());
    EXPECT_FALSE(detect_agent_evidence(as_bytes("{not json")).has_value());
}

TEST(AgentEvidence, TestPkiSnpEvidenceVerifies) {
    const fs::path dir = attestation_dir();
    const auto chain = test::pki::make_snp_chain(dir);
    const Bytes measurement = fill(48, 0x4D), report_data = fill(64, 0x52), host_data = fill(32, 0x48);
    const AgentEvidence ev =
        parse(AgentTee::snp, test::pki::sign_snp_report(chain, {report_data, host_data, measurement}));
    EXPECT_EQ(ev.report_data, report_data);
    EXPECT_EQ(ev.init_data, host_data);
    EXPECT_EQ(ev.registers.at("launch_digest"), measurement);
    const CheckList checks = verify_agent_evidence(ev, expect({{"launch_digest", measurement}}), {dir});
    EXPECT_TRUE(checks.verified()) << failures(checks);
    EXPECT_EQ(check(checks, "vek.chip_id").status(), CheckStatus::passed);
    EXPECT_EQ(check(checks, "vek.tcb").status(), CheckStatus::passed);

    // A VMPL 1 report, and a VCEK of another chain, fail.
    test::pki::SnpReportInput vmpl1{report_data, host_data, measurement};
    vmpl1.vmpl = 1;
    EXPECT_EQ(check(verify_agent_evidence(parse(AgentTee::snp, test::pki::sign_snp_report(chain, vmpl1)),
                                          expect({{"launch_digest", measurement}}), {dir}),
                    "vmpl")
                  .status(),
              CheckStatus::failed);
    const auto other = test::pki::make_snp_chain(dir / "other");
    const CheckList foreign = verify_agent_evidence(
        parse(AgentTee::snp, test::pki::sign_snp_report(other, {report_data, host_data, measurement})),
        expect({{"launch_digest", measurement}}), {dir});
    EXPECT_EQ(check(foreign, "chain.vek").status(), CheckStatus::failed);
}

TEST(AgentEvidence, TestPkiCcaEvidenceVerifies) {
    const fs::path dir = attestation_dir();
    const auto keys = test::pki::make_cca_keys(dir);
    test::pki::CcaTokenInput in{fill(64, 0x43),
                                fill(64, 0x50),
                                fill(32, 0x11),
                                {fill(32, 0x20), fill(32, 0x21), fill(32, 0x22), fill(32, 0x23)}};
    const AgentEvidence ev = parse(AgentTee::cca, test::pki::sign_cca_token(keys, in));
    EXPECT_EQ(ev.report_data, in.challenge);
    EXPECT_EQ(ev.init_data, in.personalization_value);
    EXPECT_EQ(ev.registers.at("rim"), in.rim);
    EXPECT_EQ(ev.registers.at("rem3"), in.rem[3]);
    Registers regs =
        expect({{"rim", in.rim}, {"rem0", in.rem[0]}, {"rem1", in.rem[1]}, {"rem2", in.rem[2]}, {"rem3", in.rem[3]}});
    CheckList checks = verify_agent_evidence(ev, regs, {dir});
    EXPECT_TRUE(checks.verified()) << failures(checks);
    EXPECT_EQ(check(checks, "binding").status(), CheckStatus::passed);

    // REMs a spec cannot compute fail by name; another CPAK does not verify the platform token.
    regs = expect({{"rim", in.rim}}, {{"rem0", "extended at run time"}});
    EXPECT_EQ(check(verify_agent_evidence(ev, regs, {dir}), "rem0").status(), CheckStatus::failed);
    const fs::path other = dir / "other";
    test::pki::make_cca_keys(other);
    EXPECT_EQ(check(verify_agent_evidence(ev, regs, {other}), "platform.signature").status(), CheckStatus::failed);
    // The token also arrives as base64.
    const Bytes token = test::pki::sign_cca_token_bytes(keys, in);
    EXPECT_EQ(parse(AgentTee::cca, json{{"token", to_base64(token)}}.dump()).raw, token);
}

TEST(AgentEvidence, TestPkiTdxEvidenceVerifiesWithEventLog) {
    const fs::path dir = attestation_dir();
    const auto chain = test::pki::make_tdx_chain(dir);
    // The RTMRs of go-tdx-guest's COS TD and its CC event log: the log replays to them.
    const auto cos = tdx::parse_quote(test::load_evidence("tdx/go-tdx-guest-cos-quote.dat"), "cos quote");
    test::pki::TdxQuoteInput in;
    in.report_data = fill(64, 0x52);
    in.mrtd = fill(48, 0x7D);
    in.mrconfigid = fill(48, 0xC0);
    for (std::size_t i = 0; i < 4; ++i) in.rtmr[i] = Bytes(cos.body.rtmr[i].begin(), cos.body.rtmr[i].end());
    const Bytes ccel = test::load_evidence("tdx/go-tdx-guest-cos-ccel.dat");
    const AgentEvidence ev = parse(AgentTee::tdx, test::pki::sign_tdx_quote(chain, in, ccel));
    EXPECT_EQ(ev.report_data, in.report_data);
    EXPECT_EQ(ev.init_data, in.mrconfigid);
    EXPECT_EQ(ev.registers.at("mrtd"), in.mrtd);
    EXPECT_EQ(ev.registers.at("rtmr2"), in.rtmr[2]);
    EXPECT_EQ(ev.event_log, ccel);
    Registers regs = expect({{"mrtd", in.mrtd},
                             {"rtmr0", in.rtmr[0]},
                             {"rtmr1", in.rtmr[1]},
                             {"rtmr2", in.rtmr[2]},
                             {"rtmr3", in.rtmr[3]}});
    const CheckList checks = verify_agent_evidence(ev, regs, {dir});
    EXPECT_TRUE(checks.verified()) << failures(checks);
    for (const char* name :
         {"pck.chain", "pck.revocation", "tcb_info.signature", "tcb.status", "qe_identity.match", "qe_identity.tcb",
          "qe_report.signature", "qe_report.binding", "quote.signature", "event_log.rtmr1"})
        EXPECT_EQ(check(checks, name).status(), CheckStatus::passed) << name;

    // Without the TCB info the verdict is a failure, not a silent pass.
    fs::remove(dir / "tdx" / "tcb_info.json");
    EXPECT_EQ(check(verify_agent_evidence(ev, regs, {dir}), "tcb_info").status(), CheckStatus::failed);
    // A log that does not replay to the quote's RTMRs fails.
    in.rtmr[1][0] ^= std::byte{1};
    const AgentEvidence bad = parse(AgentTee::tdx, test::pki::sign_tdx_quote(chain, in, ccel));
    EXPECT_EQ(check(verify_agent_evidence(bad, regs, {dir}), "event_log.rtmr1").status(), CheckStatus::failed);
}

TEST(AgentEvidence, TrusteeCsvEvidenceParses) {
    const Bytes text = read_file(test::inputs_dir() / "csv/trustee/csv_evidence.json");
    const AgentEvidence ev = parse_agent_evidence(AgentTee::csv, text, "csv_evidence.json");
    EXPECT_EQ(to_hex(ev.registers.at("launch_digest")),
              "ae2a2cf1f41a485fa37bf9ae92f678783c59fbc79de7b5d237743d58f5538034");
    EXPECT_TRUE(ev.init_data.empty());
    EXPECT_EQ(ev.report_data.size(), 64u);
    EXPECT_FALSE(ev.event_log.empty());
    // Without csv/hrk.cert the chain check fails, naming the file.
    const CheckList checks =
        verify_agent_evidence(ev, expect({{"launch_digest", ev.registers.at("launch_digest")}}), {attestation_dir()});
    EXPECT_EQ(check(checks, "chain").status(), CheckStatus::failed);
    EXPECT_NE(check(checks, "chain").reason.find("hrk.cert"), std::string::npos);
}

}  // namespace
}  // namespace ccvm::attestation

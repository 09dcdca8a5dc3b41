// verify_evidence() against typed expected values: registers by measure name, a register not
// computed becomes a skipped check naming whose value it is, and an unusable value is a RequestError
// naming the concept (never a CLI flag), which the CLI maps back to its flag.
#include <gtest/gtest.h>

#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/attestation/verify_evidence.hpp"
#include "ccvm/base/encoding.hpp"
#include "evidence_data.hpp"
#include "support/process.hpp"

namespace ccvm::attestation {
namespace {

EvidenceRequest tdx_request() {
    EvidenceRequest r;
    r.family = EvidenceFamily::tdx;
    r.evidence = test::load_evidence("tdx/trustee-quote-v4.dat");
    r.source = "trustee-quote-v4.dat";
    r.check_signatures = false;
    return r;
}

const Check& check(const EvidenceResult& result, const std::string& name) {
    const Check* c = result.checks.find(name);
    if (c == nullptr) throw std::runtime_error("no check " + name);
    return *c;
}

TEST(VerifyEvidence, TypedRegistersAreComparedByMeasureName) {
    const auto quote = tdx::parse_quote(test::load_evidence("tdx/trustee-quote-v4.dat"), "quote");
    EvidenceRequest r = tdx_request();
    r.expected.registers.values["mrtd"] = Bytes(quote.body.mrtd.begin(), quote.body.mrtd.end());
    r.expected.registers.values["rtmr1"] = Bytes(48, std::byte{0x11});
    r.expected.registers.not_computed["rtmr0"] = "needs the host's ACPI tables";
    r.expected.origin = "the spec's";
    const EvidenceResult result = verify_evidence(r);
    EXPECT_EQ(check(result, "mrtd").status(), CheckStatus::passed);
    EXPECT_EQ(check(result, "rtmr1").status(), CheckStatus::failed);
    EXPECT_EQ(check(result, "rtmr0").status(), CheckStatus::skipped);
    EXPECT_EQ(check(result, "rtmr0").reason,
              "not compared: the spec's rtmr0 is not computed (needs the host's ACPI tables)");
    EXPECT_EQ(json::get_string(json::at(result.registers, "mrtd")), to_hex(quote.body.mrtd));
}

TEST(VerifyEvidence, UnusableValuesNameTheConcept) {
    EvidenceRequest r = tdx_request();
    r.expected.registers.values["rtmr2"] = Bytes(2);
    try {
        (void)verify_evidence(r);
        FAIL() << "a 2-byte RTMR was accepted";
    } catch (const RequestError& e) {
        EXPECT_EQ(e.field(), RequestField::registers);
        EXPECT_EQ(std::string(e.what()), "expected rtmr2: expected 48 bytes, got 2");
    }
    r = tdx_request();
    r.expected.report_data = Bytes(65);
    try {
        (void)verify_evidence(r);
        FAIL() << "65 bytes of report data were accepted";
    } catch (const RequestError& e) {
        EXPECT_EQ(e.field(), RequestField::report_data);
        EXPECT_EQ(std::string(e.what()), "expected report data: expected at most 64 bytes, got 65");
    }
    r = tdx_request();
    r.anchors.collateral = "/nonexistent-collateral";
    try {
        (void)verify_evidence(r);
        FAIL() << "a missing collateral directory was accepted";
    } catch (const RequestError& e) {
        EXPECT_EQ(e.field(), RequestField::collateral);
        EXPECT_EQ(std::string(e.what()), "collateral: '/nonexistent-collateral' is not a directory");
    }
}

TEST(VerifyEvidence, TheCliNamesItsFlags) {
    const auto r = test::run_process({test::ccvm_cli().string(), "attest", "verify-report", "--mode", "tdx", "--quote",
                                      test::evidence_data("tdx/trustee-quote-v4.dat").string(), "--collateral",
                                      "/nonexistent-collateral"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "ccvm: error: --collateral: '/nonexistent-collateral' is not a directory\n");
    const auto m = test::run_process({test::ccvm_cli().string(), "attest", "verify-report", "--mode", "snp", "--report",
                                      test::evidence_data("snp/milan-report.hex").string(), "--no-signature-check",
                                      "--expected-measurement", "abcd"});
    EXPECT_EQ(m.exit_code, 2);
    EXPECT_EQ(m.err, "ccvm: error: --expected-measurement: expected 48 bytes, got 2\n");
}

}  // namespace
}  // namespace ccvm::attestation

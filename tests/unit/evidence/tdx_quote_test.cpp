// TDX quote parsing and verification against real v4/v5 quotes and the Intel SGX Root CA.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ccvm/attestation/tdx/event_log_check.hpp"
#include "ccvm/attestation/tdx/verify_quote.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "evidence_data.hpp"

namespace ccvm::attestation::tdx {
namespace {

using test::flipped;
using test::load_evidence;

// A directory holding only the given certificate files.
std::string collateral_dir(const std::string& name, const std::vector<std::string>& files) {
    // One directory per test: ctest runs the tests of this file in parallel.
    const auto dir = test::binary_dir() / "evidence-collateral" /
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    for (const auto& f : files)
        std::filesystem::copy_file(test::evidence_data(f), dir / std::filesystem::path(f).filename());
    return dir.string();
}

Collateral intel_root() { return load_collateral(collateral_dir("intel", {"tdx/intel-sgx-root-ca.pem"})); }

const attestation::Check& check(const attestation::CheckList& list, std::string_view name) {
    const attestation::Check* c = list.find(name);
    if (c == nullptr) throw std::runtime_error("no check " + std::string(name));
    return *c;
}

TEST(TdxQuote, V4FieldsMatchTrusteeParse) {
    const Quote q = parse_quote(load_evidence("tdx/trustee-quote-v4.dat"), "v4");
    const json::Value want = json::parse(read_text_file(test::evidence_data("tdx/trustee-quote-v4-claims.json")));
    const json::Value& body = json::at(json::at(want, "quote"), "body");
    EXPECT_EQ(q.version, 4);
    EXPECT_EQ(to_hex(q.body.mrtd), json::get_string(json::at(body, "mr_td")));
    EXPECT_EQ(to_hex(q.body.rtmr[0]), json::get_string(json::at(body, "rtmr_0")));
    EXPECT_EQ(to_hex(q.body.rtmr[1]), json::get_string(json::at(body, "rtmr_1")));
    EXPECT_EQ(to_hex(q.body.rtmr[2]), json::get_string(json::at(body, "rtmr_2")));
    EXPECT_EQ(to_hex(q.body.rtmr[3]), json::get_string(json::at(body, "rtmr_3")));
    EXPECT_EQ(to_hex(q.body.mrseam), json::get_string(json::at(body, "mr_seam")));
    EXPECT_EQ(to_hex(q.body.mrconfigid), json::get_string(json::at(body, "mr_config_id")));
    EXPECT_EQ(to_hex(q.body.mrowner), json::get_string(json::at(body, "mr_owner")));
    EXPECT_EQ(to_hex(q.body.report_data), json::get_string(json::at(body, "report_data")));
    EXPECT_EQ(to_hex(q.body.tee_tcb_svn), json::get_string(json::at(body, "tcb_svn")));
    EXPECT_EQ(to_hex(q.qe_vendor_id),
              json::get_string(json::at(json::at(json::at(want, "quote"), "header"), "vendor_id")));
    Bytes xfam(8), attrs(8);
    store_le<std::uint64_t>(xfam, 0, q.body.xfam);
    store_le<std::uint64_t>(attrs, 0, q.body.td_attributes);
    EXPECT_EQ(to_hex(xfam), json::get_string(json::at(body, "xfam")));
    EXPECT_EQ(to_hex(attrs), json::get_string(json::at(body, "td_attributes")));
    EXPECT_EQ(q.qe_cert_type, kCertTypePckChain);
    EXPECT_EQ(q.signed_bytes.size(), kHeaderSize + kTdReport10Size);
}

TEST(TdxQuote, V5ParsesWithBodyDescriptor) {
    const Quote q = parse_quote(load_evidence("tdx/trustee-quote-v5.dat"), "v5");
    EXPECT_EQ(q.version, 5);
    const std::size_t body = q.body_type == 3 ? kTdReport15Size : kTdReport10Size;
    EXPECT_EQ(q.signed_bytes.size(), kHeaderSize + 6 + body);
}

TEST(TdxQuote, RealQuotesVerifyToTheIntelRoot) {
    for (const char* name : {"tdx/trustee-quote-v4.dat", "tdx/trustee-quote-v5.dat", "tdx/go-tdx-guest-quote-v4.dat",
                             "tdx/go-tdx-guest-cos-quote.dat"}) {
        const Collateral root = intel_root();
        const auto checks = verify_quote(parse_quote(load_evidence(name), name), &root, {});
        for (const auto& c : checks.checks()) EXPECT_TRUE(c.ok) << name << ": " << c.name << ": " << c.reason;
        EXPECT_EQ(checks.checks().size(), 4u);
        EXPECT_TRUE(checks.all_ok());
    }
}

TEST(TdxQuote, NoCollateralMeansNoTrustedChain) {
    const auto checks = verify_quote(parse_quote(load_evidence("tdx/trustee-quote-v4.dat"), "q"), nullptr, {});
    EXPECT_FALSE(check(checks, "pck.chain").ok);
    EXPECT_TRUE(check(checks, "qe_report.signature").ok);
    EXPECT_TRUE(check(checks, "quote.signature").ok);
    EXPECT_FALSE(checks.all_ok());
}

TEST(TdxQuote, ForeignRootIsNotTrusted) {
    // The AMD root is a perfectly good self-signed certificate, just not Intel's.
    const Collateral amd = load_collateral(collateral_dir("amd", {"snp/milan-ark.pem"}));
    const auto checks = verify_quote(parse_quote(load_evidence("tdx/trustee-quote-v4.dat"), "q"), &amd, {});
    EXPECT_FALSE(check(checks, "pck.chain").ok);
    EXPECT_NE(check(checks, "pck.chain").reason.find("does not verify"), std::string::npos);
}

TEST(TdxQuote, FlippedBytesBreakTheRightSignature) {
    const Bytes raw = load_evidence("tdx/trustee-quote-v4.dat");
    const Collateral root = intel_root();
    // MRTD (body offset 136): covered by the quote signature.
    auto mrtd = verify_quote(parse_quote(flipped(raw, kHeaderSize + 136), "q"), &root, {});
    EXPECT_FALSE(check(mrtd, "quote.signature").ok);
    EXPECT_TRUE(check(mrtd, "qe_report.signature").ok);
    // Header byte (QE vendor ID).
    EXPECT_FALSE(check(verify_quote(parse_quote(flipped(raw, 12), "q"), &root, {}), "quote.signature").ok);
    // Signature data: quote signature at 636, attestation key at 700, QE report at 770.
    EXPECT_FALSE(check(verify_quote(parse_quote(flipped(raw, 640), "q"), &root, {}), "quote.signature").ok);
    const auto key = verify_quote(parse_quote(flipped(raw, 700 + 10), "q"), &root, {});
    EXPECT_FALSE(check(key, "quote.signature").ok);
    EXPECT_FALSE(check(key, "qe_report.binding").ok);
    const auto qe = verify_quote(parse_quote(flipped(raw, 770 + 64), "q"), &root, {});
    EXPECT_FALSE(check(qe, "qe_report.signature").ok);
    EXPECT_TRUE(check(qe, "quote.signature").ok);
    // QE report data (binding) flipped: both the QE signature and the binding fail.
    const auto rd = verify_quote(parse_quote(flipped(raw, 770 + kQeReportDataOffset), "q"), &root, {});
    EXPECT_FALSE(check(rd, "qe_report.signature").ok);
    EXPECT_FALSE(check(rd, "qe_report.binding").ok);
}

TEST(TdxQuote, ExpectedRegistersAreCompared) {
    const Quote q = parse_quote(load_evidence("tdx/trustee-quote-v4.dat"), "q");
    QuoteExpectations e;
    e.mrtd = Bytes(q.body.mrtd.begin(), q.body.mrtd.end());
    e.report_data = Bytes(q.body.report_data.begin(), q.body.report_data.end());
    const Collateral root = intel_root();
    EXPECT_TRUE(verify_quote(q, &root, e).all_ok());
    e.mrtd->at(0) ^= std::byte{0x80};
    QuoteVerifyOptions no_sig;
    no_sig.check_signatures = false;
    const auto checks = verify_quote(q, nullptr, e, no_sig);
    EXPECT_EQ(checks.find("quote.signature"), nullptr);
    EXPECT_FALSE(check(checks, "mrtd").ok);
    EXPECT_TRUE(check(checks, "report_data").ok);
}

TEST(TdxQuote, NoSignatureCheckWithoutExpectationsStillReports) {
    QuoteVerifyOptions no_sig;
    no_sig.check_signatures = false;
    const auto checks =
        verify_quote(parse_quote(flipped(load_evidence("tdx/trustee-quote-v4.dat"), 640), "q"), nullptr, {}, no_sig);
    ASSERT_EQ(checks.checks().size(), 1u);
    EXPECT_NE(checks.checks()[0].reason.find("signature checks turned off"), std::string::npos);
}

TEST(TdxQuote, TruncatedQuotesAreInputErrors) {
    const Bytes raw = load_evidence("tdx/trustee-quote-v4.dat");
    for (std::size_t n = 0; n < raw.size(); n += (n < 1200 ? 1 : 97))
        EXPECT_THROW(parse_quote(ByteSpan(raw).first(n), "q"), InputError) << n;
}

TEST(TdxQuote, WrongHeadersAreInputErrors) {
    const Bytes raw = load_evidence("tdx/trustee-quote-v4.dat");
    Bytes v3 = raw;
    v3[0] = std::byte{3};
    EXPECT_THROW(parse_quote(v3, "q"), InputError);
    Bytes sgx = raw;
    sgx[4] = std::byte{0};  // TEE type 0 = SGX
    EXPECT_THROW(parse_quote(sgx, "q"), InputError);
    Bytes key = raw;
    key[2] = std::byte{3};
    EXPECT_THROW(parse_quote(key, "q"), InputError);
    Bytes huge = raw;
    store_le<std::uint32_t>(huge, 632, 0xfffffff0u);  // signature data length
    EXPECT_THROW(parse_quote(huge, "q"), InputError);
}

TEST(TdxQuote, EventLogReplayMatchesTheQuote) {
    const Bytes ccel = load_evidence("tdx/go-tdx-guest-cos-ccel.dat");
    const Bytes raw = load_evidence("tdx/go-tdx-guest-cos-quote.dat");
    attestation::CheckList good;
    check_event_log(parse_quote(raw, "q"), ccel, "ccel", good);
    ASSERT_EQ(good.checks().size(), 4u);
    for (const auto& c : good.checks()) EXPECT_TRUE(c.ok) << c.name << ": " << c.reason;
    // RTMR1 of the quote (body offset 376) no longer matches its events.
    attestation::CheckList bad;
    check_event_log(parse_quote(flipped(raw, kHeaderSize + 376), "q"), ccel, "ccel", bad);
    EXPECT_TRUE(check(bad, "event_log.rtmr0").ok);
    EXPECT_FALSE(check(bad, "event_log.rtmr1").ok);
    EXPECT_NE(check(bad, "event_log.rtmr1").reason.find("events gives"), std::string::npos);
    EXPECT_THROW(check_event_log(parse_quote(raw, "q"), ByteSpan(ccel).first(10), "ccel", bad), InputError);
}

TEST(TdxQuote, CollateralDirectoryNeedsARoot) {
    EXPECT_THROW(load_collateral(collateral_dir("empty", {})), InputError);
    EXPECT_THROW(load_collateral((test::binary_dir() / "no-such-collateral-dir").string()), InputError);
}

}  // namespace
}  // namespace ccvm::attestation::tdx

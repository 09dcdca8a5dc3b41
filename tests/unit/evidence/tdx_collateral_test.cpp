// TDX collateral: the SGX extension of the PCK certificate, Intel PCS TCB info and QE identity
// (signed JSON), CRLs and --verification-time, on go-tdx-guest's public sample collateral for its
// SPR E4 quote (FMSPC 50806f000000). Expected values come from that data as `openssl asn1parse`
// and `openssl verify -attime 1688173200 -crl_check_all` read it, and from go-tdx-guest's own
// tests (its TCB info's levels are above this quote's SVNs: "it will result in TCB status failure").
#include <gtest/gtest.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ccvm/attestation/crypto.hpp"
#include "ccvm/attestation/tdx/pck_extensions.hpp"
#include "ccvm/attestation/tdx/tcb_collateral.hpp"
#include "ccvm/attestation/tdx/verify_quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/base/openssl.hpp"
#include "evidence_data.hpp"
#include "support/process.hpp"

namespace ccvm::test {
namespace {

namespace fs = std::filesystem;
using namespace ccvm::attestation::tdx;
namespace evidence = ccvm::attestation;

constexpr const char* kQuote = "tdx/go-tdx-guest-quote-v4.dat";
constexpr std::int64_t kJuly2023 = 1688173200;  // 2023-07-01T01:00:00Z, go-tdx-guest's test time

X509Ptr quote_pck() {
    const Quote q = parse_quote(load_evidence(kQuote), "quote");
    std::string_view pem = as_chars(q.qe_cert_data);
    while (!pem.empty() && pem.back() == '\0') pem.remove_suffix(1);
    return std::move(attestation::load_pem_certificates(pem, "quote").front());
}

// A collateral directory: the Intel root plus the named test data files under their PCS names.
fs::path collateral_dir(const std::vector<std::pair<std::string, std::string>>& files) {
    const fs::path dir =
        binary_dir() / "tdx-collateral" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(evidence_data("tdx/intel-sgx-root-ca.pem"), dir / "root.pem");
    for (const auto& [data, as] : files) fs::copy_file(evidence_data(data), dir / as);
    return dir;
}

const std::vector<std::pair<std::string, std::string>> kFull = {
    {"tdx/go-tdx-guest-tcb-signing-chain.pem", "tcb-signing.pem"},
    {"tdx/go-tdx-guest-pck-platform.crl", "pck-platform.crl"},
    {"tdx/go-tdx-guest-root-ca.crl", "root-ca.crl"},
    {"tdx/go-tdx-guest-tcb-info.json", "tcb_info.json"},
    {"tdx/go-tdx-guest-qe-identity.json", "qe_identity.json"},
};

const attestation::Check& check(const attestation::CheckList& list, std::string_view name) {
    const attestation::Check* c = list.find(name);
    if (c == nullptr) throw std::runtime_error("no check " + std::string(name));
    return *c;
}

attestation::CheckList verify_at(const fs::path& dir, std::optional<std::int64_t> time,
                                 const Bytes& quote = load_evidence(kQuote)) {
    const Collateral c = load_collateral(dir.string());
    QuoteVerifyOptions options;
    options.verification_time = time;
    return verify_quote(parse_quote(quote, "quote"), &c, {}, options);
}

TEST(TdxCollateral, PckExtensionsOfTheRealCertificate) {
    const PckExtensions e = pck_extensions(quote_pck().get());
    EXPECT_EQ(to_hex(e.fmspc), "50806f000000");
    EXPECT_EQ(to_hex(e.pceid), "0000");
    EXPECT_EQ(e.pcesvn, 11);
    const std::array<std::uint8_t, 16> comps = {3, 3, 2, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(e.sgx_tcb_components, comps);
    EXPECT_EQ(to_hex(e.cpusvn), "03030202020100020000000000000000");
}

TEST(TdxCollateral, TruncatedSgxExtensionIsAnInputError) {
    const auto pck = quote_pck();
    X509* pck_raw = pck.get();
    // The extension value as openssl asn1parse shows it: 554 bytes starting 30 82 02 26.
    const Bytes der = [&] {
        Asn1ObjectPtr oid(OBJ_txt2obj("1.2.840.113741.1.13.1", 1));
        const ASN1_OCTET_STRING* d =
            X509_EXTENSION_get_data(X509_get_ext(pck_raw, X509_get_ext_by_OBJ(pck_raw, oid.get(), -1)));
        return Bytes(reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(d)),
                     reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(d)) + ASN1_STRING_length(d));
    }();
    ASSERT_EQ(der.size(), 554u);
    EXPECT_NO_THROW(parse_pck_extensions(der, "ext"));
    for (std::size_t n = 0; n < der.size(); n += 7)
        EXPECT_THROW(parse_pck_extensions(ByteSpan(der).first(n), "ext"), InputError) << n;
}

TEST(TdxCollateral, MistypedSgxExtensionMemberIsNamed) {
    const auto pck = quote_pck();
    X509* pck_raw = pck.get();
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> oid(OBJ_txt2obj("1.2.840.113741.1.13.1", 1),
                                                                  ASN1_OBJECT_free);
    const ASN1_OCTET_STRING* d =
        X509_EXTENSION_get_data(X509_get_ext(pck_raw, X509_get_ext_by_OBJ(pck_raw, oid.get(), -1)));
    Bytes der(reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(d)),
              reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(d)) + ASN1_STRING_length(d));
    // The FMSPC member: OID 1.2.840.113741.1.13.1.4, then OCTET STRING (04 06); make it a UTF8String (0C 06).
    const Bytes fmspc_member = from_hex("060a2a864886f84d010d01040406");
    const auto at = std::search(der.begin(), der.end(), fmspc_member.begin(), fmspc_member.end());
    ASSERT_NE(at, der.end());
    *(at + static_cast<std::ptrdiff_t>(fmspc_member.size()) - 2) = std::byte{0x0c};
    try {
        parse_pck_extensions(der, "ext");
        ADD_FAILURE() << "accepted a UTF8String FMSPC";
    } catch (const InputError& e) {
        EXPECT_STREQ(e.what(), "ext: SGX extension: FMSPC is not an OCTET STRING of 6 bytes");
    }
}

TEST(TdxCollateral, Rfc3339Times) {
    EXPECT_EQ(parse_rfc3339("2023-07-01T01:00:00Z", "t"), kJuly2023);
    EXPECT_EQ(parse_rfc3339("2023-07-01T03:00:00.123+02:00", "t"), kJuly2023);
    EXPECT_EQ(parse_rfc3339("2023-06-30T20:00:00-05:00", "t"), kJuly2023);
    for (const char* bad : {"", "2023-07-01", "2023-07-01T01:00:00", "2023-13-01T01:00:00Z", "2023-07-01T01:00:00Zx",
                            "tomorrow", "2023-07-01T01:00:00+2:00"})
        EXPECT_THROW(parse_rfc3339(bad, "t"), InputError) << bad;
}

TEST(TdxCollateral, SignedBodyIsTheMemberTextAsServed) {
    const std::string text = read_text_file(evidence_data("tdx/go-tdx-guest-tcb-info.json"));
    const SignedBody b = split_signed_body(text, "tcbInfo", "tcb");
    const std::string prefix = "{\"tcbInfo\":";
    ASSERT_EQ(text.rfind(prefix, 0), 0u);
    EXPECT_EQ(b.body, text.substr(prefix.size(), text.find(",\"signature\"") - prefix.size()));
    EXPECT_EQ(to_hex(b.signature).substr(0, 8), "f6502d6f");
    const TcbInfo info = parse_tcb_info(text, "tcb");
    EXPECT_EQ(to_hex(info.fmspc), "50806f000000");
    EXPECT_EQ(info.levels.size(), 2u);
    EXPECT_EQ(info.levels[0].status, "UpToDate");
    EXPECT_EQ(info.levels[1].status, "OutOfDate");
    EXPECT_THROW(parse_tcb_info(read_text_file(evidence_data("tdx/go-tdx-guest-qe-identity.json")), "qe"), InputError);
}

TEST(TdxCollateral, FullCollateralAtItsTime) {
    const auto checks = verify_at(collateral_dir(kFull), kJuly2023);
    for (const char* name :
         {"pck.chain", "pck.revocation", "tcb_info.signature", "tcb_info.validity", "tcb_info.platform",
          "tcb_info.tdx_module", "qe_report.signature", "qe_identity.signature", "qe_identity.validity",
          "qe_identity.match", "qe_identity.tcb", "qe_report.binding", "quote.signature"})
        EXPECT_TRUE(check(checks, name).ok) << name << ": " << check(checks, name).reason;
    EXPECT_NE(check(checks, "qe_identity.tcb").reason.find("UpToDate"), std::string::npos);
    // The sample TCB info's levels are above this quote's SVNs.
    EXPECT_FALSE(check(checks, "tcb.status").ok);
    EXPECT_NE(check(checks, "tcb.status").reason.find("no TCB level"), std::string::npos);
    EXPECT_FALSE(checks.all_ok());
}

TEST(TdxCollateral, LevelsTheQuoteReachesGiveTheirStatus) {
    // go-tdx-guest's test lowers the first level's SVNs to 0; so do we (which breaks the signature).
    const fs::path dir = collateral_dir({kFull[0], kFull[1], kFull[2], kFull[4]});
    json::Value doc = json::parse(read_text_file(evidence_data("tdx/go-tdx-guest-tcb-info.json")));
    json::Value info = json::at(doc, "tcbInfo");
    json::Value levels = json::Value::array();
    bool first = true;
    for (const auto& l : json::get_array(json::at(info, "tcbLevels"))) {
        json::Value level = l;
        if (first) {
            json::Value tcb = json::at(level, "tcb");
            for (const char* key : {"sgxtcbcomponents", "tdxtcbcomponents"}) {
                json::Value comps = json::Value::array();
                for (const auto& c : json::get_array(json::at(tcb, key))) {
                    json::Value comp = c;
                    comp["svn"] = json::parse("0");
                    comps.push_back(std::move(comp));
                }
                tcb[key] = std::move(comps);
            }
            level["tcb"] = std::move(tcb);
            first = false;
        }
        levels.push_back(std::move(level));
    }
    info["tcbLevels"] = std::move(levels);
    doc["tcbInfo"] = std::move(info);
    std::ofstream(dir / "tcb_info.json") << json::dump(doc);
    const auto checks = verify_at(dir, kJuly2023);
    EXPECT_FALSE(check(checks, "tcb_info.signature").ok);
    EXPECT_TRUE(check(checks, "tcb.status").ok) << check(checks, "tcb.status").reason;
    EXPECT_NE(check(checks, "tcb.status").reason.find("UpToDate"), std::string::npos);
}

TEST(TdxCollateral, ExpiredCollateralAndCrlsNow) {
    const auto checks = verify_at(collateral_dir(kFull), std::nullopt);
    EXPECT_TRUE(check(checks, "pck.chain").ok);
    EXPECT_FALSE(check(checks, "pck.revocation").ok);
    EXPECT_NE(check(checks, "pck.revocation").reason.find("CRL has expired"), std::string::npos);
    EXPECT_FALSE(check(checks, "tcb_info.validity").ok);
    EXPECT_NE(check(checks, "tcb_info.validity").reason.find("expired"), std::string::npos);
    EXPECT_FALSE(check(checks, "qe_identity.validity").ok);
    // Before the collateral was issued.
    const auto early = verify_at(collateral_dir(kFull), kJuly2023 - 40 * 86400);
    EXPECT_NE(check(early, "tcb_info.validity").reason.find("not yet valid"), std::string::npos);
}

TEST(TdxCollateral, MissingRootCrlAndTamperedBodies) {
    const auto no_root_crl = verify_at(collateral_dir({kFull[0], kFull[1]}), kJuly2023);
    EXPECT_TRUE(check(no_root_crl, "pck.chain").ok);
    EXPECT_FALSE(check(no_root_crl, "pck.revocation").ok);
    EXPECT_NE(check(no_root_crl, "pck.revocation").reason.find("unable to get certificate CRL"), std::string::npos);

    const fs::path dir = collateral_dir({kFull[0], kFull[1], kFull[2]});
    std::string tcb = read_text_file(evidence_data("tdx/go-tdx-guest-tcb-info.json"));
    tcb.replace(tcb.find("INTEL-SA-00220"), 14, "INTEL-SA-00221");
    std::ofstream(dir / "tcb_info.json") << tcb;
    std::string qe = read_text_file(evidence_data("tdx/go-tdx-guest-qe-identity.json"));
    qe.replace(qe.find("DC9E2A7C"), 8, "DC9E2A7D");
    std::ofstream(dir / "qe_identity.json") << qe;
    const auto checks = verify_at(dir, kJuly2023);
    EXPECT_FALSE(check(checks, "tcb_info.signature").ok);
    EXPECT_FALSE(check(checks, "qe_identity.signature").ok);
    EXPECT_FALSE(check(checks, "qe_identity.match").ok);
    EXPECT_NE(check(checks, "qe_identity.match").reason.find("MRSIGNER"), std::string::npos);
    EXPECT_TRUE(check(checks, "tcb_info.platform").ok);
}

TEST(TdxCollateral, WithoutTheTcbSigningCertificate) {
    const auto checks = verify_at(collateral_dir({kFull[3]}), kJuly2023);
    EXPECT_FALSE(check(checks, "tcb_info.signature").ok);
    EXPECT_NE(check(checks, "tcb_info.signature").reason.find("Intel SGX TCB Signing"), std::string::npos);
    EXPECT_EQ(checks.find("pck.revocation"), nullptr);  // no CRLs given
}

TEST(TdxCollateral, CliVerificationTime) {
    const fs::path dir = collateral_dir(kFull);
    auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {ccvm_cli().string(),
                                         "attest",
                                         "verify-report",
                                         "--mode",
                                         "tdx",
                                         "--quote",
                                         evidence_data(kQuote).string(),
                                         "--collateral",
                                         dir.string(),
                                         "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_process(args);
    };
    const auto then = run({"--verification-time", "2023-07-01T01:00:00Z"});
    EXPECT_EQ(then.exit_code, 1);  // tcb.status only
    EXPECT_NE(then.err.find("check tcb.status failed"), std::string::npos);
    EXPECT_EQ(then.err.find("validity"), std::string::npos) << then.err;
    const auto now = run({});
    EXPECT_EQ(now.exit_code, 1);
    EXPECT_NE(now.err.find("check tcb_info.validity failed"), std::string::npos);
    const auto bad = run({"--verification-time", "July 2023"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--verification-time"), std::string::npos);
    const auto snp = run_process({ccvm_cli().string(), "attest", "verify-report", "--mode", "snp", "--report",
                                  evidence_data("snp/milan-report.hex").string(), "--no-signature-check",
                                  "--verification-time", "2023-07-01T01:00:00Z"});
    EXPECT_EQ(snp.exit_code, 2);
    EXPECT_EQ(snp.err,
              "ccvm: error: --verification-time is not a flag of attest verify-report --mode snp (it belongs to --mode "
              "tdx)\n");
}

}  // namespace
}  // namespace ccvm::test

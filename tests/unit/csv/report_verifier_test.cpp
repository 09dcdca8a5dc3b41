// CSV certificate/report parsing and chain verification against csv_primitives.json and the
// real (csv-rs, trustee) and synthetic evidence in the vector inputs.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <memory>

#include "ccvm/attestation/csv/evidence_json.hpp"
#include "ccvm/attestation/csv/report_verifier.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "csv_test_support.hpp"
#include "extended_report.hpp"
#include "sm2_test_keys.hpp"

using namespace ccvm;
using namespace ccvm::attestation::csv;
using ccvm::test::csv::hex;
using ccvm::test::csv::input_file;
using ccvm::test::csv::make_extended_report;
using ccvm::test::csv::primitive;

namespace {

std::string hx(ByteSpan b) { return to_hex(b); }
std::string str(const Bytes& b) { return std::string(as_chars(b)); }

CertChain real_chain() {
    return CertChain::parse(input_file("csv/csv-rs/hrk.cert"), "hrk", input_file("csv/csv-rs/hsk_cek.cert"), "hsk_cek");
}
CertChain synthetic_chain() {
    return CertChain::parse(input_file("csv/synthetic/hrk.cert"), "hrk", input_file("csv/synthetic/hsk_cek.cert"),
                            "hsk_cek");
}

const Check& check(const CheckList& v, const std::string& name) {
    if (const Check* c = v.find(name)) return *c;
    throw std::runtime_error("no check " + name);
}

ReportExpectations measurement(const Sm3Digest& d) {
    ReportExpectations e;
    e.measurement = d;
    return e;
}

// Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2 §5.5), from OpenSSL's curve.
std::string za(ByteSpan uid, ByteSpan point65) {
    EcGroupPtr g(EC_GROUP_new_by_curve_name(NID_sm2));
    BignumPtr p(BN_new()), a(BN_new()), b(BN_new()), x(BN_new()), y(BN_new());
    EC_GROUP_get_curve(g.get(), p.get(), a.get(), b.get(), nullptr);
    EC_POINT_get_affine_coordinates(g.get(), EC_GROUP_get0_generator(g.get()), x.get(), y.get(), nullptr);
    Bytes in;
    const std::size_t bits = uid.size() * 8;
    in.push_back(std::byte(bits >> 8));
    in.push_back(std::byte(bits & 0xff));
    append(in, uid);
    for (const BIGNUM* n : {a.get(), b.get(), x.get(), y.get()}) {
        Bytes be(32);
        BN_bn2binpad(n, reinterpret_cast<unsigned char*>(be.data()), 32);
        append(in, be);
    }
    append(in, point65.subspan(1));
    return hx(sm3(in));
}

}  // namespace

TEST(CsvCertificates, RealChainFieldsMatchParsedVector) {
    const auto& p = json::at(primitive("csv-real-chain.parsed"), "parsed");
    const CertChain c = real_chain();
    EXPECT_EQ(str(c.hrk.uid), json::get_string(json::at(json::at(p, "hrk"), "uid")));
    EXPECT_EQ(c.hrk.usage, json::get_u64(json::at(json::at(p, "hrk"), "usage")));
    EXPECT_EQ(hx(c.hrk.key_id), json::get_string(json::at(json::at(p, "hrk"), "kid")));
    EXPECT_EQ(hx(c.hrk.sig_key_id), json::get_string(json::at(json::at(p, "hrk"), "sid")));
    const auto hrk_key = c.hrk.pubkey.to_sm2("hrk");
    EXPECT_EQ(hx(ByteSpan(hrk_key.point()).subspan(1, 32)), json::get_string(json::at(json::at(p, "hrk"), "pub_x")));
    EXPECT_EQ(hx(ByteSpan(hrk_key.point()).subspan(33, 32)), json::get_string(json::at(json::at(p, "hrk"), "pub_y")));
    EXPECT_EQ(za(c.hrk.uid, hrk_key.point()), json::get_string(json::at(json::at(p, "hrk"), "za")));
    EXPECT_EQ(str(c.hsk.uid), json::get_string(json::at(json::at(p, "hsk"), "uid")));
    EXPECT_EQ(c.hsk.usage, json::get_u64(json::at(json::at(p, "hsk"), "usage")));
    EXPECT_EQ(hx(c.hsk.key_id), json::get_string(json::at(json::at(p, "hsk"), "kid")));
    EXPECT_EQ(hx(c.hsk.sig_key_id), json::get_string(json::at(json::at(p, "hsk"), "sid")));
    EXPECT_EQ(str(c.cek.uid), json::get_string(json::at(json::at(p, "cek"), "uid")));
    EXPECT_EQ(c.cek.usage, json::get_u64(json::at(json::at(p, "cek"), "usage")));
    EXPECT_EQ(c.cek.version, json::get_u64(json::at(json::at(p, "cek"), "ver")));
    EXPECT_EQ(c.cek.fw_major, json::get_u64(json::get_array(json::at(json::at(p, "cek"), "fw"))[0]));
    EXPECT_EQ(c.cek.fw_minor, json::get_u64(json::get_array(json::at(json::at(p, "cek"), "fw"))[1]));
    EXPECT_EQ(hx(c.cek.sid), json::get_string(json::at(json::at(p, "cek"), "sid")));
}

TEST(CsvReport, RealV1ReportFieldsMatchParsedVector) {
    const auto& p = json::at(primitive("csv-real-chain.parsed"), "parsed");
    const auto r = AttestationReport::parse(input_file("csv/csv-rs/report.cert"), "report");
    const auto& want = json::at(p, "report");
    EXPECT_EQ(r.version, ReportVersion::v1);
    EXPECT_EQ(r.anonce, json::get_u64(json::at(want, "anonce")));
    EXPECT_EQ(r.policy, json::get_u64(json::at(want, "policy")));
    EXPECT_EQ(hx(r.measure), json::get_string(json::at(want, "measure")));
    EXPECT_EQ(hx(r.report_data), json::get_string(json::at(want, "report_data")));
    EXPECT_EQ(hx(r.mnonce), json::get_string(json::at(want, "mnonce")));
    EXPECT_EQ(hx(r.vm_id), json::get_string(json::at(want, "vm_id")));
    EXPECT_EQ(hx(r.vm_version), json::get_string(json::at(want, "vm_version")));
    EXPECT_EQ(hx(r.user_pubkey_digest), json::get_string(json::at(want, "user_pubkey_digest")));
    EXPECT_EQ(r.sig_usage, json::get_u64(json::at(want, "sig_usage")));
    EXPECT_EQ(r.sig_algo, json::get_u64(json::at(want, "sig_algo")));
    EXPECT_EQ(r.chip_sn, json::get_string(json::at(want, "chip_sn")));
    EXPECT_EQ(r.signer_form, SignerForm::raw);
    EXPECT_TRUE(r.signer_mac_ok);
    EXPECT_EQ(str(r.pek.uid), json::get_string(json::at(json::at(p, "pek"), "uid")));
    EXPECT_EQ(r.pek.usage, json::get_u64(json::at(json::at(p, "pek"), "usage")));
    EXPECT_EQ(r.pek.version, json::get_u64(json::at(json::at(p, "pek"), "ver")));
    EXPECT_EQ(r.pek.fw_minor, json::get_u64(json::get_array(json::at(json::at(p, "pek"), "fw"))[1]));
    EXPECT_EQ(std::count_if(r.pek.slots.begin(), r.pek.slots.end(), [](const SignatureSlot& s) { return !s.empty(); }),
              static_cast<long>(json::get_u64(json::at(json::at(p, "pek"), "sig_slots"))));
}

TEST(CsvReport, RealChainVerifiesEveryLink) {
    const auto& expected = json::at(primitive("csv-real-chain.parsed"), "expected");
    const auto r = AttestationReport::parse(input_file("csv/csv-rs/report.cert"), "report");
    const auto v = verify_report(r, real_chain());
    EXPECT_TRUE(v.all_ok());
    EXPECT_EQ(check(v, "hrk.signature").ok, json::get_bool(json::at(expected, "hrk_self")));
    EXPECT_EQ(check(v, "hsk.signature").ok, json::get_bool(json::at(expected, "hrk_hsk")));
    EXPECT_EQ(check(v, "cek.signature").ok, json::get_bool(json::at(expected, "hsk_cek")));
    EXPECT_EQ(check(v, "pek.signature").ok, json::get_bool(json::at(expected, "cek_pek")));
    EXPECT_EQ(check(v, "report.signature").ok, json::get_bool(json::at(expected, "pek_report")));
    EXPECT_EQ(check(v, "report.signer-mac").ok, json::get_bool(json::at(expected, "signer_mac")));
}

TEST(CsvReport, NegativeChecksFromParsedVector) {
    const auto& neg = json::at(primitive("csv-real-chain.parsed"), "negative");
    Bytes report = input_file("csv/csv-rs/report.cert");
    report[0x90] ^= std::byte{1};
    auto r = AttestationReport::parse(report, "report");
    EXPECT_EQ(verify_report_signature(r).ok, json::get_bool(json::at(neg, "report_measure_bit_flipped_pek_sig")));

    Bytes hsk_cek = input_file("csv/csv-rs/hsk_cek.cert");
    hsk_cek[0x50] ^= std::byte{1};
    const auto chain = CertChain::parse(input_file("csv/csv-rs/hrk.cert"), "hrk", hsk_cek, "hsk_cek");
    CheckList chain_checks;
    verify_chain(chain, chain_checks);
    EXPECT_EQ(chain_checks.checks()[1].ok, json::get_bool(json::at(neg, "hsk_pubkey_bit_flipped_hrk_sig")));

    // The CEK is signed with the issuer's (HSK's) uid; its own uid must not verify.
    const CertChain c = real_chain();
    const auto with_own_uid = check_signature(c.hsk.pubkey, c.cek.uid, "HSK", c.cek.signed_bytes(), c.cek.slots[0].sig);
    EXPECT_EQ(!with_own_uid.has_value(), json::get_bool(json::at(neg, "cek_sig_checked_with_wrong_uid_HYGON-SSD-CEK")));
}

TEST(CsvReport, MeasurementCheckComparesDeMaskedValue) {
    const auto r = AttestationReport::parse(input_file("csv/csv-rs/report.cert"), "report");
    Sm3Digest want = r.measure;
    EXPECT_TRUE(verify_report(r, real_chain(), measurement(want)).all_ok());
    want[31] ^= std::byte{2};
    const auto v = verify_report(r, real_chain(), measurement(want));
    EXPECT_FALSE(v.all_ok());
    EXPECT_FALSE(check(v, "measurement").ok);
    EXPECT_TRUE(check(v, "report.signature").ok);
}

TEST(CsvReport, SyntheticChainVerifiesAndSwappedRootFails) {
    const auto& keys = primitive("csv-synthetic-chain.keys");
    const auto r = AttestationReport::parse(input_file("csv/synthetic/report_v1.bin"), "report");
    const auto& plain = json::at(keys, "report_fields_plain");
    EXPECT_EQ(hx(r.measure), json::get_string(json::at(plain, "measure")));
    EXPECT_EQ(hx(r.vm_id), json::get_string(json::at(plain, "vm_id")));
    EXPECT_EQ(hx(r.vm_version), json::get_string(json::at(plain, "vm_version")));
    EXPECT_EQ(hx(r.mnonce), json::get_string(json::at(plain, "mnonce")));
    EXPECT_EQ(r.policy, json::get_u64(json::at(plain, "policy")));
    EXPECT_EQ(r.anonce, json::get_u64(json::at(keys, "report_anonce")));
    EXPECT_EQ(r.chip_sn, json::get_string(json::at(keys, "chip_sn")));
    EXPECT_TRUE(verify_report(r, synthetic_chain()).all_ok());

    // Real HRK as root of the synthetic HSK: the HSK link must fail, the rest of the chain holds.
    const auto mixed =
        CertChain::parse(input_file("csv/csv-rs/hrk.cert"), "hrk", input_file("csv/synthetic/hsk_cek.cert"), "x");
    const auto v = verify_report(r, mixed);
    EXPECT_FALSE(v.all_ok());
    EXPECT_TRUE(check(v, "hrk.signature").ok);
    EXPECT_FALSE(check(v, "hsk.signature").ok);
    EXPECT_TRUE(check(v, "cek.signature").ok);
    // A report checked against another platform's CEK.
    EXPECT_FALSE(verify_report(r, real_chain()).all_ok());
    EXPECT_FALSE(verify_pek(r.pek, real_chain().cek).ok);
}

TEST(CsvReport, TrusteeRestoredCsv3EvidencePekSignatureVerifies) {
    const auto& want = primitive("csv-trustee-evidence.parsed");
    const Bytes data =
        report_from_evidence_json(read_text_file(test::inputs_dir() / "csv/trustee/csv_evidence.json"), "trustee");
    ASSERT_EQ(data.size(), 4096u);  // zero magic: the bare (V1) report data
    const auto r = AttestationReport::parse(data, "trustee evidence");
    const auto& parsed = json::at(want, "parsed");
    EXPECT_EQ(r.version, ReportVersion::v1);
    EXPECT_EQ(r.anonce, json::get_u64(json::at(parsed, "anonce")));
    EXPECT_EQ(r.policy, json::get_u64(json::at(parsed, "policy")));
    EXPECT_EQ(hx(r.measure), json::get_string(json::at(parsed, "measure")));
    EXPECT_EQ(hx(r.mnonce), json::get_string(json::at(parsed, "mnonce")));
    EXPECT_EQ(r.chip_sn, json::get_string(json::at(parsed, "chip_sn")));
    EXPECT_EQ(r.pek.fw_major, json::get_u64(json::get_array(json::at(parsed, "pek_fw"))[0]));
    EXPECT_EQ(r.signer_form, SignerForm::restored);
    EXPECT_EQ(r.signer_mac_ok, json::get_bool(json::at(json::at(want, "expected"), "signer_mac")));
    EXPECT_EQ(verify_report_signature(r).ok, json::get_bool(json::at(json::at(want, "expected"), "pek_report")));
    EXPECT_TRUE(verify_signer_mac(r).ok);  // not applicable to restored evidence
}

TEST(CsvReport, RejectsTruncatedAndMalformedInput) {
    Bytes report = input_file("csv/csv-rs/report.cert");
    EXPECT_THROW(AttestationReport::parse(ByteSpan(report).first(report.size() - 1), "r"), InputError);
    EXPECT_THROW(AttestationReport::parse({}, "r"), InputError);
    EXPECT_THROW(CertChain::parse(input_file("csv/csv-rs/hrk.cert"), "h", input_file("csv/csv-rs/hrk.cert"), "x"),
                 InputError);
    Bytes hrk = input_file("csv/csv-rs/hrk.cert");
    hrk[0xD4] = std::byte{0xff};  // uid_size 0x..ff > 254
    EXPECT_THROW(CaCertificate::parse(hrk, "hrk"), InputError);
}

TEST(CsvReport, RawSignerBlockWithBadMacFails) {
    Bytes report = input_file("csv/csv-rs/report.cert");
    report[report.size() - 1] ^= std::byte{1};  // last MAC byte
    const auto r = AttestationReport::parse(report, "report");
    EXPECT_EQ(r.signer_form, SignerForm::raw);
    const auto v = verify_report(r, real_chain());
    EXPECT_FALSE(v.all_ok());
    EXPECT_FALSE(check(v, "report.signer-mac").ok);
    EXPECT_TRUE(check(v, "pek.signature").ok);
}

TEST(CsvReport, ExtendedReportsParseAndVerify) {
    const auto v1 = AttestationReport::parse(input_file("csv/synthetic/report_v1.bin"), "report");
    // Bare V2/V3 bytes: version told by the clear sig_usage; host data presence unknown.
    const Bytes bare = make_extended_report(v1, true);
    ASSERT_EQ(bare.size(), kTeeInfoExtSize + kSignerBlockSize);
    const auto ext = AttestationReport::parse(bare, "ext");
    EXPECT_EQ(ext.version, ReportVersion::extended);
    EXPECT_EQ(ext.anonce, 0u);
    EXPECT_EQ(ext.measure, v1.measure);
    EXPECT_EQ(ext.policy, v1.policy);
    EXPECT_EQ(ext.build, 2101u);
    EXPECT_EQ(ext.rtmr_version, 1u);
    EXPECT_EQ(hx(ext.rtmr[4]).substr(0, 4), "8081");
    EXPECT_EQ(ext.chip_sn, v1.chip_sn);
    EXPECT_TRUE(ext.signer_mac_ok);
    EXPECT_TRUE(verify_report(ext, synthetic_chain(), measurement(v1.measure)).all_ok());

    // The 4116-byte wrapper names the version: flags 3 = V3 with host data, 1 = V2.
    for (std::uint32_t flags : {1u, 3u}) {
        const Bytes wrapped = test::csv::wrap_extended_report(make_extended_report(v1, flags == 3), flags);
        const auto w = AttestationReport::parse(wrapped, "wrapped");
        EXPECT_EQ(w.version, flags == 3 ? ReportVersion::v3 : ReportVersion::v2);
        EXPECT_EQ(w.host_data.has_value(), flags == 3);
        if (w.host_data) {
            EXPECT_EQ((*w.host_data)[0], std::byte{0xab});
        }
        EXPECT_TRUE(verify_report(w, synthetic_chain()).all_ok()) << flags;
    }

    // RTMRs are inside the signed range.
    Bytes tampered = bare;
    tampered[0xD0] ^= std::byte{1};
    const auto t = AttestationReport::parse(tampered, "ext");
    EXPECT_FALSE(verify_report_signature(t).ok);
}

TEST(CsvReport, ExpectedReportDataPolicyAndHostData) {
    const auto r = AttestationReport::parse(input_file("csv/csv-rs/report.cert"), "report");
    const auto& want = json::at(json::at(primitive("csv-real-chain.parsed"), "parsed"), "report");
    ReportExpectations e;
    e.report_data = from_hex("75736572206461746100");  // "user data\0", zero-padded to 64
    e.policy = static_cast<std::uint32_t>(json::get_u64(json::at(want, "policy")));
    auto v = verify_report(r, real_chain(), e);
    EXPECT_TRUE(v.all_ok());
    EXPECT_TRUE(check(v, "report_data").ok);
    EXPECT_TRUE(check(v, "policy").ok);

    e.report_data = from_hex("7573657220646174");  // "user dat": zero-padded, so it differs
    e.policy = 0x45;
    v = verify_report(r, real_chain(), e);
    EXPECT_FALSE(check(v, "report_data").ok);
    EXPECT_FALSE(check(v, "policy").ok);
    EXPECT_TRUE(check(v, "report.signature").ok);

    ReportExpectations host;
    host.host_data = std::array<std::byte, 64>{};
    EXPECT_FALSE(check(verify_report(r, real_chain(), host), "host_data").ok);  // V1 has no host data
}

TEST(CsvReport, EvidenceJsonRejectsMalformedArrays) {
    EXPECT_THROW(report_from_evidence_json("{}", "e"), InputError);
    EXPECT_THROW(report_from_evidence_json(R"({"attestation_report": {"magic": [1], "flags": 0, "data": []}})", "e"),
                 InputError);
    std::string data = "[";
    for (int i = 0; i < 4096; ++i) data += i ? ",256" : "256";
    data += "]";
    const std::string zero16 = "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]";
    EXPECT_THROW(report_from_evidence_json(
                     R"({"attestation_report": {"magic": )" + zero16 + R"(, "flags": 0, "data": )" + data + "}}", "e"),
                 InputError);
}

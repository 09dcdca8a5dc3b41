// SEV-SNP attestation report parsing and verification against real sample reports.
#include <gtest/gtest.h>

#include "ccvm/attestation/snp/vcek_extensions.hpp"
#include "ccvm/attestation/snp/verify_report.hpp"
#include "ccvm/base/error.hpp"
#include "evidence_data.hpp"

namespace ccvm::attestation::snp {
namespace {

using test::flipped;
using test::load_evidence;

SigningChain chain(const std::string& vek, const std::string& ask = "snp/milan-ask.pem",
                   const std::string& ark = "snp/milan-ark.pem") {
    SigningChain c;
    c.vek = attestation::load_certificate(load_evidence(vek), vek);
    c.ask = attestation::load_certificate(load_evidence(ask), ask);
    c.ark = attestation::load_certificate(load_evidence(ark), ark);
    return c;
}

const attestation::Check& check(const attestation::CheckList& list, std::string_view name) {
    const attestation::Check* c = list.find(name);
    if (c == nullptr) throw std::runtime_error("no check " + std::string(name));
    return *c;
}

TEST(SnpReport, ParsesVirteeMilanReport) {
    const Bytes raw = test::load_hex_evidence("snp/milan-report.hex");
    ASSERT_EQ(raw.size(), kReportSize);
    const AttestationReport r = parse_attestation_report(raw, "milan-report");
    EXPECT_EQ(r.version, 2u);
    EXPECT_EQ(r.signature_algo, kSigAlgoEcdsaP384Sha384);
    EXPECT_EQ(r.signing_key, 0);  // VCEK
    EXPECT_EQ(r.signed_bytes.size(), kSignedSize);
    // REPORTED_TCB equals the SPLs openssl shows in the VCEK's extensions (bl 3, tee 0, snp 8, ucode 0x73).
    const TcbVersion tcb = r.reported_tcb_version();
    EXPECT_EQ(tcb.bootloader, 3);
    EXPECT_EQ(tcb.tee, 0);
    EXPECT_EQ(tcb.snp, 8);
    EXPECT_EQ(tcb.microcode, 0x73);
    EXPECT_FALSE(tcb.fmc.has_value());
}

TEST(SnpReport, VcekExtensionsMatchOpenSslDump) {
    auto vcek = attestation::load_certificate(load_evidence("snp/milan-vcek.der"), "vcek");
    const VcekExtensions e = read_vcek_extensions(vcek.get(), "vcek");
    EXPECT_EQ(e.product_name, "Milan-B0");
    EXPECT_FALSE(e.is_vlek());
    ASSERT_TRUE(e.hw_id.has_value());
    EXPECT_EQ(e.hw_id->size(), 64u);
    ASSERT_TRUE(e.tcb().has_value());
    EXPECT_EQ(e.tcb()->to_string(), "bl=3 tee=0 snp=8 ucode=115");
}

TEST(SnpReport, TcbLayoutsFollowTheAbiSpec) {
    // Milan/Genoa: BOOT_LOADER [7:0], TEE [15:8], SNP [55:48], MICROCODE [63:56].
    const TcbVersion milan = decode_tcb_version(0x7308000000000203ull, false);
    EXPECT_EQ(milan.bootloader, 3);
    EXPECT_EQ(milan.tee, 2);
    EXPECT_EQ(milan.snp, 8);
    EXPECT_EQ(milan.microcode, 0x73);
    // Turin: FMC [7:0], BOOT_LOADER [15:8], TEE [23:16], SNP [31:24], MICROCODE [63:56].
    const TcbVersion turin = decode_tcb_version(0x4800000003010201ull, true);
    EXPECT_EQ(turin.fmc, 1);
    EXPECT_EQ(turin.bootloader, 2);
    EXPECT_EQ(turin.tee, 1);
    EXPECT_EQ(turin.snp, 3);
    EXPECT_EQ(turin.microcode, 0x48);
}

TEST(SnpReport, RealReportsVerify) {
    for (const auto& [report, vcek] :
         {std::pair{std::string("snp/milan-report.hex"), std::string("snp/milan-vcek.der")},
          std::pair{std::string("snp/trustee-report.bin"), std::string("snp/trustee-vcek.der")},
          std::pair{std::string("snp/go-sev-guest-report.bin"), std::string("snp/go-sev-guest-vcek.der")}}) {
        const Bytes raw = report.ends_with(".hex") ? test::load_hex_evidence(report) : load_evidence(report);
        const auto checks = verify_report(parse_attestation_report(raw, report), chain(vcek), {});
        for (const auto& c : checks.checks()) EXPECT_TRUE(c.ok) << report << ": " << c.name << ": " << c.reason;
        EXPECT_TRUE(checks.all_ok());
        EXPECT_EQ(checks.checks().size(), 7u);
    }
}

TEST(SnpReport, ExpectedValuesAreCompared) {
    const Bytes raw = test::load_hex_evidence("snp/milan-report.hex");
    const AttestationReport r = parse_attestation_report(raw, "r");
    ReportExpectations good;
    good.measurement = Bytes(raw.begin() + 0x90, raw.begin() + 0x90 + 48);  // ABI spec: MEASUREMENT at 0x90
    good.host_data = Bytes(32, std::byte{0});
    good.policy = 0x30000;
    good.report_data = Bytes(raw.begin() + 0x50, raw.begin() + 0x50 + 64);
    EXPECT_TRUE(verify_report(r, chain("snp/milan-vcek.der"), good).all_ok());

    ReportExpectations bad = good;
    bad.measurement->at(47) ^= std::byte{1};
    bad.policy = 0x30001;
    const auto checks = verify_report(r, chain("snp/milan-vcek.der"), bad);
    EXPECT_FALSE(checks.all_ok());
    EXPECT_FALSE(check(checks, "measurement").ok);
    EXPECT_NE(check(checks, "measurement").reason.find("differs"), std::string::npos);
    EXPECT_FALSE(check(checks, "policy").ok);
    EXPECT_TRUE(check(checks, "host_data").ok);
    EXPECT_TRUE(check(checks, "report.signature").ok);
}

TEST(SnpReport, EveryFlippedSignedFieldBreaksTheSignature) {
    const Bytes raw = test::load_hex_evidence("snp/milan-report.hex");
    for (std::size_t offset :
         {std::size_t{0x08}, std::size_t{0x50}, std::size_t{0x90}, std::size_t{0xC0}, std::size_t{0x180},
          std::size_t{0x1A0}, std::size_t{0x29F}, std::size_t{0x2A0}, std::size_t{0x2A0 + 72}}) {
        const auto checks =
            verify_report(parse_attestation_report(flipped(raw, offset), "r"), chain("snp/milan-vcek.der"), {});
        EXPECT_FALSE(check(checks, "report.signature").ok) << "offset " << offset;
        EXPECT_FALSE(checks.all_ok());
    }
    // Bytes after the signature's r and s are not signed and not part of the signature.
    EXPECT_TRUE(
        verify_report(parse_attestation_report(flipped(raw, 0x400), "r"), chain("snp/milan-vcek.der"), {}).all_ok());
}

TEST(SnpReport, SwappedCertificatesFail) {
    const Bytes raw = test::load_hex_evidence("snp/milan-report.hex");
    const AttestationReport r = parse_attestation_report(raw, "r");
    // Another chip's VCEK: signature and chip ID no longer match.
    auto other = verify_report(r, chain("snp/trustee-vcek.der"), {});
    EXPECT_FALSE(check(other, "report.signature").ok);
    EXPECT_FALSE(check(other, "vek.chip_id").ok);
    EXPECT_TRUE(check(other, "chain.vek").ok);
    // Genoa root and intermediate: the Milan VCEK is not theirs.
    auto genoa = verify_report(r, chain("snp/milan-vcek.der", "snp/genoa-ask.pem", "snp/genoa-ark.pem"), {});
    EXPECT_TRUE(check(genoa, "chain.ark").ok);
    EXPECT_TRUE(check(genoa, "chain.ask").ok);
    EXPECT_FALSE(check(genoa, "chain.vek").ok);
    // Milan ASK under the Genoa ARK.
    auto mixed = verify_report(r, chain("snp/milan-vcek.der", "snp/milan-ask.pem", "snp/genoa-ark.pem"), {});
    EXPECT_FALSE(check(mixed, "chain.ask").ok);
    // The ASK in the root's place is not self-signed.
    auto no_root = verify_report(r, chain("snp/milan-vcek.der", "snp/milan-ask.pem", "snp/milan-ask.pem"), {});
    EXPECT_FALSE(check(no_root, "chain.ark").ok);
}

TEST(SnpReport, VlekReportIsSignedByTheVlek) {
    const AttestationReport r = parse_attestation_report(load_evidence("snp/trustee-vlek-report.bin"), "vlek-report");
    EXPECT_EQ(r.signing_key, static_cast<std::uint8_t>(SigningKey::vlek));
    const auto checks = verify_report(r, chain("snp/trustee-vlek.der"), {});
    EXPECT_TRUE(check(checks, "report.signature").ok);
    EXPECT_TRUE(check(checks, "vek.type").ok);
    EXPECT_TRUE(check(checks, "vek.tcb").ok);
    EXPECT_EQ(checks.find("vek.chip_id"), nullptr);  // a VLEK is not bound to a chip
    // A VLEK is issued by the ASVK (SEV-VLEK-Milan), not by the ASK.
    EXPECT_FALSE(check(checks, "chain.vek").ok);
    // With the ASVK the signatures hold, but this sample VLEK's validity has ended.
    const auto asvk_chain =
        attestation::load_certificates(load_evidence("snp/milan-vlek-cert-chain.pem"), "vlek chain");
    ASSERT_EQ(asvk_chain.size(), 2u);
    SigningChain vlek;
    vlek.vek = attestation::load_certificate(load_evidence("snp/trustee-vlek.der"), "vlek");
    vlek.ask =
        attestation::load_certificate(load_evidence("snp/milan-vlek-cert-chain.pem"), "asvk");  // the first PEM block
    vlek.ark = attestation::load_certificate(load_evidence("snp/milan-ark.pem"), "ark");
    const auto with_asvk = verify_report(r, vlek, {});
    EXPECT_TRUE(check(with_asvk, "chain.ark").ok);
    EXPECT_TRUE(check(with_asvk, "chain.ask").ok);
    EXPECT_NE(check(with_asvk, "chain.vek").reason.find("expired"), std::string::npos);
    EXPECT_TRUE(check(with_asvk, "report.signature").ok);
    // The VCEK report with the VLEK certificate: wrong key type.
    const auto wrong = verify_report(parse_attestation_report(load_evidence("snp/trustee-report.bin"), "r"),
                                     chain("snp/trustee-vlek.der"), {});
    EXPECT_FALSE(check(wrong, "vek.type").ok);
}

TEST(SnpReport, BadInputIsRefused) {
    const Bytes raw = load_evidence("snp/trustee-report.bin");
    EXPECT_THROW(parse_attestation_report(ByteSpan(raw).first(kReportSize - 1), "short"), InputError);
    Bytes longer = raw;
    longer.push_back(std::byte{0});
    EXPECT_THROW(parse_attestation_report(longer, "long"), InputError);
    for (std::uint8_t version : {0, 1, 6, 0xff}) {
        Bytes v = raw;
        v[0] = std::byte{version};
        EXPECT_THROW(parse_attestation_report(v, "version"), InputError) << int(version);
    }
    for (std::uint8_t version : {2, 3, 4, 5}) {
        Bytes v = raw;
        v[0] = std::byte{version};
        EXPECT_EQ(parse_attestation_report(v, "version").version, version);
    }
    try {
        parse_attestation_report(ByteSpan(raw).first(100), "sample.bin");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("sample.bin"), std::string::npos);
    }
}

TEST(SnpReport, UnsignedReportFails) {
    Bytes raw = load_evidence("snp/trustee-report.bin");
    raw[0x48] = std::byte{0x7 << 2};  // SIGNING_KEY = 7: no key
    const auto checks = verify_report(parse_attestation_report(raw, "r"), chain("snp/trustee-vcek.der"), {});
    EXPECT_NE(check(checks, "report.signature").reason.find("unsigned"), std::string::npos);
    EXPECT_FALSE(check(checks, "vek.type").ok);
}

TEST(SnpReport, TurinLayoutIsChosenByFamily) {
    Bytes raw = load_evidence("snp/trustee-report.bin");
    raw[0] = std::byte{3};
    raw[0x188] = std::byte{0x1A};  // CPUID_FAM_ID: Turin
    EXPECT_TRUE(parse_attestation_report(raw, "r").turin_tcb_layout());
    raw[0] = std::byte{2};  // version 2 has no CPUID fields
    EXPECT_FALSE(parse_attestation_report(raw, "r").turin_tcb_layout());
}

}  // namespace
}  // namespace ccvm::attestation::snp

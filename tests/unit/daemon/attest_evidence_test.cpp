// Attest with guest evidence: the manager hands the bytes to the platform evidence verifier, which
// checks them against the VM's spec (the registers recorded at create) and the trust anchors of the
// daemon's attestation dir. Real public evidence (tests/data) against specs of the vector inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/daemon/evidence_verifier.hpp"
#include "ccvm/daemon/vm_manager.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "fake_backend.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {
namespace {

Bytes evidence(const std::string& name) { return read_file(ccvm::test::source_dir() / "tests" / "data" / name); }

// Plans like ccvmd's PlatformPlanner (parse, measure, keep the VmSpec); the "domain XML" is the
// FakeBackend's "name|tee".
// It reads the spec's paths directly: what caller descriptors change is tested through ccvmd.
class SpecPlanner final : public daemon::SpecPlanner {
public:
    std::string vm_name(std::string_view spec_yaml, std::string_view source) const override {
        return platform::parse_vm_spec(spec_yaml, source).name;
    }
    VmPlan plan(std::string_view spec_yaml, std::string_view source, const PlanInputs&) const override {
        platform::VmSpec spec = platform::parse_vm_spec(spec_yaml, source);
        VmPlan plan;
        plan.name = spec.name;
        plan.tee = spec.tee;
        plan.domain_xml = plan.name + "|" + std::string(platform::tee_name(spec.tee));
        plan.expected = platform::measure_spec(spec).registers;
        plan.native = std::move(spec);
        return plan;
    }
};

class AttestEvidenceTest : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(dir_ / "attestation");
        flows_.add({platform::TeeKind::sev_snp, platform::TeeKind::tdx, platform::TeeKind::cca},
                   std::make_shared<DirectLaunch>("test"));
        store_ = std::make_unique<StateStore>(dir_ / "state");
        verifier_ = make_platform_evidence_verifier(dir_ / "attestation");
        manager_ = std::make_unique<VmManager>(*store_, backend_, planner_, flows_);
        manager_->set_evidence_verifier(verifier_.get());
    }

    void trust(const std::string& family, const std::string& data_file, const std::string& as) {
        fs::create_directories(dir_ / "attestation" / family);
        fs::copy_file(ccvm::test::source_dir() / "tests" / "data" / data_file, dir_ / "attestation" / family / as);
    }

    // The evidence verdict of an Attest with evidence.
    static const EvidenceVerdict& verdict(const AttestResult& r) {
        if (!r.evidence) throw std::runtime_error("no evidence verdict");
        return *r.evidence;
    }

    static const json::Value& check(const AttestResult& result, const std::string& name) {
        for (const auto& c : json::get_array(verdict(result).checks))
            if (json::get_string(json::at(c, "name")) == name) return c;
        throw std::runtime_error("no check " + name);
    }

    const ccvm::test::TempDir tmp_;
    const fs::path dir_ = tmp_.path();
    test::FakeBackend backend_;
    SpecPlanner planner_;
    LaunchFlows flows_{"test"};
    std::unique_ptr<StateStore> store_;
    std::unique_ptr<EvidenceVerifier> verifier_;
    std::unique_ptr<VmManager> manager_;
};

std::string tdx_spec() {
    return "name: td1\ntee:\n  type: tdx\nvcpus: 1\nmemory: 2G\nfirmware: " +
           (ccvm::test::inputs_dir() / "firmware/debian12/OVMF.fd").string() +
           "\nhost:\n  page-add-order: single-pass\n  edk2-version: \"2022.11\"\n";
}

TEST_F(AttestEvidenceTest, TdxQuoteAgainstTheRecordedRegisters) {
    trust("tdx", "tdx/intel-sgx-root-ca.pem", "root.pem");
    manager_->create(tdx_spec());
    const Bytes quote = evidence("tdx/trustee-quote-v4.dat");
    const AttestResult r = manager_->attest("td1", ByteSpan(quote));
    // A real, correctly signed quote of another TD.
    EXPECT_EQ(verdict(r).verdict, "mismatch");
    EXPECT_EQ(verdict(r).evidence, "tdx");
    EXPECT_TRUE(json::get_bool(json::at(check(r, "pck.chain"), "ok")));
    EXPECT_TRUE(json::get_bool(json::at(check(r, "quote.signature"), "ok")));
    EXPECT_FALSE(json::get_bool(json::at(check(r, "mrtd"), "ok")));
    EXPECT_NE(verdict(r).reason.find("mrtd"), std::string::npos);
    const auto parsed = attestation::tdx::parse_quote(quote, "quote");
    EXPECT_EQ(json::get_string(json::at(verdict(r).registers, "mrtd")), to_hex(parsed.body.mrtd));
    // The expected value is the one recorded at create.
    EXPECT_NE(json::get_string(json::at(check(r, "mrtd"), "reason")).find(to_hex(r.expected.values.at("mrtd"))),
              std::string::npos);
}

TEST_F(AttestEvidenceTest, SnpReportWithTheConfiguredChain) {
    trust("snp", "snp/milan-vcek.der", "vcek.der");
    trust("snp", "snp/milan-ask.pem", "ask.pem");
    trust("snp", "snp/milan-ark.pem", "ark.pem");
    manager_->create(
        "name: snp1\ntee:\n  type: sev-snp\n  policy: 0x30000\nvcpus: 1\nmemory: 2G\ncpu-model: EPYC-v4\n"
        "firmware: " +
        (ccvm::test::inputs_dir() / "firmware/debian12/OVMF.fd").string() + "\n");
    std::string hex;
    for (char c : read_text_file(ccvm::test::source_dir() / "tests/data/snp/milan-report.hex"))
        if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
    const Bytes report = from_hex(hex);
    const AttestResult r = manager_->attest("snp1", ByteSpan(report));
    EXPECT_EQ(verdict(r).verdict, "mismatch");
    EXPECT_TRUE(json::get_bool(json::at(check(r, "report.signature"), "ok")));
    EXPECT_TRUE(json::get_bool(json::at(check(r, "policy"), "ok")));
    EXPECT_FALSE(json::get_bool(json::at(check(r, "measurement"), "ok")));
}

TEST_F(AttestEvidenceTest, CcaTokenIsUnverifiedWhenNoRegisterIsComputable) {
    trust("cca", "cca/tf-rmm-cpak.pem", "cpak.pem");
    // Without tee.dtb the RIM cannot be precomputed: the signatures and binding pass, but a verdict
    // over a register nobody compared is "unverified", never "verified".
    manager_->create(
        "name: realm1\nmemory: 512M\nvcpus: 1\nkernel: " + (ccvm::test::inputs_dir() / "cca/kernelA.bin").string() +
        "\ntee:\n  type: cca\n  hash-algo: sha256\n");
    const AttestResult r = manager_->attest("realm1", ByteSpan(evidence("cca/tf-rmm-token.cbor")));
    EXPECT_EQ(verdict(r).verdict, "unverified") << json::dump(verdict(r).checks, true);
    EXPECT_EQ(json::get_string(json::at(check(r, "rim"), "status")), "skipped");
    EXPECT_NE(verdict(r).reason.find("rim skipped: not compared"), std::string::npos)
        << json::dump(verdict(r).checks, true);
    EXPECT_EQ(json::get_string(json::at(check(r, "platform.signature"), "status")), "passed");
    EXPECT_TRUE(json::get_bool(json::at(check(r, "platform.signature"), "ok")));
    EXPECT_TRUE(json::get_bool(json::at(check(r, "realm.signature"), "ok")));
    EXPECT_NE(json::get_string(json::at(check(r, "rim"), "reason")).find("not compared"), std::string::npos);
    EXPECT_EQ(json::get_string(json::at(verdict(r).registers, "hash_algo")), "sha-256");

    // The token of another platform key: the same call fails on the platform signature.
    fs::remove(dir_ / "attestation/cca/cpak.pem");
    fs::copy_file(ccvm::test::source_dir() / "tests/data/tdx/intel-sgx-root-ca.pem", dir_ / "attestation/cca/cpak.pem");
    const AttestResult other = manager_->attest("realm1", ByteSpan(evidence("cca/tf-rmm-token.cbor")));
    EXPECT_EQ(verdict(other).verdict, "mismatch");
    EXPECT_FALSE(json::get_bool(json::at(check(other, "platform.signature"), "ok")));
}

TEST_F(AttestEvidenceTest, ErrorsAreNamed) {
    manager_->create(tdx_spec());
    const Bytes quote = evidence("tdx/trustee-quote-v4.dat");
    // No tdx/ anchors configured.
    try {
        manager_->attest("td1", ByteSpan(quote));
        FAIL() << "attest without anchors";
    } catch (const DaemonError& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_supported);
        EXPECT_NE(std::string(e.what()).find("attestation/tdx"), std::string::npos) << e.what();
    }
    trust("tdx", "tdx/intel-sgx-root-ca.pem", "root.pem");
    // Evidence that is not a quote.
    const Bytes junk(100, std::byte{0x42});
    EXPECT_THROW(manager_->attest("td1", ByteSpan(junk)), InputError);
    // A manager without a verifier.
    VmManager plain(*store_, backend_, planner_, flows_);
    plain.reconcile();
    try {
        plain.attest("td1", ByteSpan(quote));
        FAIL() << "attest without a verifier";
    } catch (const DaemonError& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_supported);
    }
    // Without evidence the recorded launch attestation is unchanged.
    const AttestResult recorded = manager_->attest("td1");
    EXPECT_FALSE(recorded.launch.has_value());
    EXPECT_FALSE(recorded.evidence.has_value());
}

}  // namespace
}  // namespace ccvm::daemon

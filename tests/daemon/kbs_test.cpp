// ccvmd's embedded key broker end to end (issue 15): a private bus with the shipped policy, ccvmd with
// `launch_security: simulated` creating and starting SEV-SNP VMs on libvirt's test driver,
// throwaway roots from tests/support/test_pki in its attestation_dir, and the project's own KBS
// client over loopback. Evidence is really signed, the broker really verifies it, the secret comes
// back as a real JWE decrypted with the client's ephemeral key.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/base/unique_fd.hpp"
#include "ccvm/kbs/client.hpp"
#include "ccvm/kbs/runtime_data.hpp"
#include "ccvm/platform/initdata.hpp"
#include "daemon_harness.hpp"
#include "support/process.hpp"
#include "support/test_pki.hpp"

namespace fs = std::filesystem;

namespace ccvm::test {
namespace {

HarnessPaths paths() { return {CCVMD_PATH, CCVM_CLI_PATH, CCVM_BUS_POLICY}; }

// Debian's OVMF: the firmware the simulated SEV-SNP specs measure.
const fs::path kOvmf = "/usr/share/OVMF/OVMF_CODE_4M.fd";

// A loopback port nothing listens on now (the kernel's pick for a socket bound to port 0).
int free_port() {
    const UniqueFd s(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
}

std::string as_string(ByteSpan b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

// What a VM's guest would put in its evidence: its initdata binding and launch registers, as ccvmd
// recorded them at create (ccvm status --json).
struct GuestView {
    Bytes init_data;
    std::map<std::string, Bytes> registers;
};

// An SNP guest: reports signed by the test VCEK, carrying the report data the client asks for.
class SnpGuest final : public kbs::EvidenceProvider {
public:
    SnpGuest(const pki::SnpChain& chain, GuestView view) : chain_(chain), view_(std::move(view)) {}
    attestation::AgentTee tee() override { return attestation::AgentTee::snp; }
    std::string evidence(ByteSpan report_data) override {
        pki::SnpReportInput in;
        in.report_data = Bytes(report_data.begin(), report_data.end());
        if (unbind) in.report_data[0] ^= std::byte{1};  // evidence made for another key or nonce
        in.host_data = view_.init_data;
        in.measurement = view_.registers.at("launch_digest");
        if (wrong_measurement) in.measurement[0] ^= std::byte{1};
        last_report_data = in.report_data;
        return pki::sign_snp_report(chain_, in);
    }
    bool unbind = false;
    bool wrong_measurement = false;
    Bytes last_report_data;

private:
    const pki::SnpChain& chain_;
    GuestView view_;
};

class KeyBroker : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing (Debian package ovmf)";
        h_ = std::make_unique<DaemonHarness>(paths());
        anchors_ = h_->dir() / "attestation";
        snp_ = pki::make_snp_chain(anchors_);
        port_ = free_port();
        url_ = "http://127.0.0.1:" + std::to_string(port_);
        firmware_ = h_->dir() / "fw.fd";
        fs::copy_file(kOvmf, firmware_);
    }

    // Starts ccvmd with its key broker on port_ and `extra` config lines.
    void start(const std::string& extra = "") {
        std::ofstream(h_->dir() / "ccvmd.yaml", std::ios::app)
            << "kbs_listen: \"127.0.0.1:" << port_ << "\"\nattestation_dir: " << anchors_.string() << "\n"
            << extra;
        ASSERT_TRUE(h_->start_daemon()) << h_->daemon_log();
    }

    // Creates and starts VM `name` of `tee` whose one runtime secret default/key/NAME holds `secret`.
    GuestView run_vm(const std::string& name, const std::string& tee, const std::string& secret,
                     const std::string& tee_extra = "", const std::string& cpu = "cpu-model: EPYC-v4\n") {
        const fs::path secret_file = h_->dir() / (name + ".key");
        write_file(secret_file, secret, 0600);
        const std::string spec = "name: " + name + "\ntee:\n  type: " + tee + "\n" + tee_extra + cpu +
                                 "vcpus: 1\nmemory: 512M\nfirmware: " + firmware_.string() +
                                 "\nsecrets:\n  - resource: default/key/" + name +
                                 "\n    file: " + secret_file.string() + "\nlibvirt:\n  domain-type: test\n";
        auto r = h_->ccvm({"create", write_spec(*h_, name, spec).string()});
        EXPECT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
        r = h_->ccvm({"start", name});
        EXPECT_EQ(r.exit_code, 0) << r.err << h_->daemon_log();
        return view_of(name);
    }

    GuestView view_of(const std::string& name) const {
        const auto r = h_->ccvm({"status", name, "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        const json::Value s = json::parse(r.out, "status");
        const json::Value& expected = json::at(s, "expected_measurement");
        GuestView view;
        // The binding the guest's evidence carries: the digest of the initdata ccvmd hands it, fitted
        // to SNP HOST_DATA.
        const platform::Initdata initdata =
            platform::load_initdata(h_->state_dir() / "vms" / name / "inputs" / "initdata");
        view.init_data = platform::fit_initdata_digest(platform::initdata_digest(initdata), 32);
        for (const auto& [reg, value] : json::get_object(json::at(expected, "registers")))
            if (value.is_string()) view.registers[reg] = from_hex(json::get_string(value));
        return view;
    }

    json::Value status(const std::string& name) const {
        const auto r = h_->ccvm({"status", name, "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out, "status");
    }

    kbs::KbsClientOptions options(kbs::TeeKeyKind key = kbs::TeeKeyKind::ec_p256) const {
        kbs::KbsClientOptions o;
        o.url = url_;
        o.key = key;
        o.timeout = std::chrono::seconds(20);
        return o;
    }

    // The status and Trustee error type of a refused exchange.
    template <typename Fn>
    std::pair<int, std::string> refusal(Fn fn) {
        try {
            fn();
        } catch (const kbs::KbsError& e) {
            return {e.status, e.type + ": " + e.detail};
        }
        return {200, "not refused"};
    }

    std::unique_ptr<DaemonHarness> h_;
    fs::path anchors_, firmware_;
    pki::SnpChain snp_;
    int port_ = 0;
    std::string url_;
};

const kbs::ResourcePath kKey1 = kbs::ResourcePath::parse("default/key/snp1");
const kbs::ResourcePath kKey2 = kbs::ResourcePath::parse("default/key/snp2");

TEST_F(KeyBroker, SnpGuestAttestsAndReceivesItsSecret) {
    start();
    SnpGuest guest(snp_, run_vm("snp1", "sev-snp", "disk passphrase of snp1"));
    kbs::KbsClient client(options(), guest);
    const std::string token = client.attest();
    EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;  // a JWS compact JWT
    const secret::SecretBytes secret = client.get_resource(kKey1);
    EXPECT_EQ(as_string(secret.span()), "disk passphrase of snp1");

    // The report data the guest signed is SHA-384 of the runtime data, zero-padded.
    EXPECT_EQ(guest.last_report_data.size(), 64u);
    EXPECT_EQ(to_hex(ByteSpan(guest.last_report_data).subspan(48)), std::string(32, '0'));

    // ccvm status shows it; the audit log has one line per attestation and release, never content.
    const json::Value s = status("snp1");
    const json::Value& runtime = json::at(s, "runtime_attestation");
    EXPECT_EQ(json::get_string(json::at(runtime, "verdict")), "verified");
    EXPECT_EQ(json::get_string(json::at(runtime, "tee")), "snp");
    ASSERT_EQ(json::get_array(json::at(runtime, "released")).size(), 1u);
    EXPECT_EQ(json::get_string(json::get_array(json::at(runtime, "released"))[0]), "default/key/snp1");
    const std::string session = json::get_string(json::at(runtime, "session"));
    EXPECT_EQ(session.size(), 12u);
    const std::string log = h_->daemon_log();
    EXPECT_NE(log.find("audit: kbs attestation vm=snp1 tee=snp session=" + session + " verdict=verified"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("audit: kbs release vm=snp1 tee=snp resource=default/key/snp1 session=" + session +
                       " verdict=released"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("disk passphrase"), std::string::npos);
    EXPECT_NE(log.find("kbs: serving plain HTTP on 127.0.0.1:" + std::to_string(port_)), std::string::npos) << log;

    auto r = h_->ccvm({"status", "snp1"});
    EXPECT_NE(r.out.find("runtime:     verified (snp, session " + session + ", "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("released:    default/key/snp1\n"), std::string::npos) << r.out;
    r = h_->ccvm({"attest", "snp1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("runtime verdict: verified (snp, session " + session), std::string::npos) << r.out;
    r = h_->ccvm({"attest", "snp1", "--json"});
    EXPECT_EQ(json::get_string(json::at(json::at(json::parse(r.out, "attest"), "runtime_attestation"), "verdict")),
              "verified");
    EXPECT_EQ(h_->stop_daemon(), 0);
    EXPECT_NE(h_->daemon_log().find("kbs: stopped"), std::string::npos);
}

TEST_F(KeyBroker, RefusesWhatMustNotUnlockSecrets) {
    start();
    const GuestView one = run_vm("snp1", "sev-snp", "secret one");
    const GuestView two = run_vm("snp2", "sev-snp", "secret two");
    ASSERT_NE(to_hex(one.init_data), to_hex(two.init_data));  // each VM's own initdata names it

    {  // A measurement other than the spec's.
        SnpGuest guest(snp_, one);
        guest.wrong_measurement = true;
        kbs::KbsClient client(options(), guest);
        const auto [code, why] = refusal([&] { client.attest(); });
        EXPECT_EQ(code, 401) << why;
        EXPECT_NE(why.find("launch_digest"), std::string::npos) << why;
        // Nor does the session get anything afterwards.
        EXPECT_EQ(client.get("/kbs/v0/resource/default/key/snp1").status, 401);
    }
    {  // Report data that does not bind the request's nonce and key.
        SnpGuest guest(snp_, one);
        guest.unbind = true;
        kbs::KbsClient client(options(), guest);
        EXPECT_EQ(refusal([&] { client.attest(); }).first, 401);
    }
    {  // Another VM's initdata: a guest of snp2 is snp2, and gets snp2's secret, never snp1's.
        SnpGuest guest(snp_, two);
        kbs::KbsClient client(options(), guest);
        client.attest();
        EXPECT_EQ(as_string(client.get_resource(kKey2).span()), "secret two");
        const auto [code, why] = refusal([&] { client.get_resource(kKey1); });
        EXPECT_EQ(code, 403) << why;
        EXPECT_EQ(client.get("/kbs/v0/resource/default/key/none").status, 404);
    }
    {  // An initdata no VM has.
        GuestView stranger = one;
        stranger.init_data[0] ^= std::byte{1};
        SnpGuest guest(snp_, stranger);
        kbs::KbsClient client(options(), guest);
        const auto [code, why] = refusal([&] { client.attest(); });
        EXPECT_EQ(code, 401) << why;
    }
    {  // RSA1_5 is refused (RFC 7518 §4.2 padding oracle); RSA-OAEP-256 works.
        SnpGuest guest(snp_, one);
        kbs::KbsClient rsa15(options(kbs::TeeKeyKind::rsa1_5), guest);
        EXPECT_NE(refusal([&] { rsa15.get_resource(kKey1); }).first, 200);
        kbs::KbsClient oaep(options(kbs::TeeKeyKind::rsa_oaep256), guest);
        EXPECT_EQ(as_string(oaep.get_resource(kKey1).span()), "secret one");
    }
    {  // An oversized body is refused before it is parsed.
        SnpGuest guest(snp_, one);
        kbs::KbsClient client(options(), guest);
        const auto r = client.post("/kbs/v0/auth", std::string(2 << 20, ' '));
        EXPECT_EQ(r.status, 413) << r.body;
    }
    // Every refusal is in the audit log, with its reason and no content.
    const std::string log = h_->daemon_log();
    EXPECT_NE(log.find("audit: kbs attestation vm=snp1 tee=snp session="), std::string::npos) << log;
    EXPECT_NE(log.find("verdict=refused"), std::string::npos) << log;
    EXPECT_NE(log.find("audit: kbs release vm=snp2 tee=snp resource=default/key/snp1"), std::string::npos) << log;
    EXPECT_EQ(log.find("secret one"), std::string::npos);
    EXPECT_EQ(log.find("secret two"), std::string::npos);
}

// A nonce is good for one attestation in its own session only.
TEST_F(KeyBroker, ReplayedOrForeignNonceIsRefused) {
    start();
    SnpGuest guest(snp_, run_vm("snp1", "sev-snp", "secret one"));
    kbs::KbsClient a(options(), guest);
    const auto auth = a.post("/kbs/v0/auth", R"({"version":"0.4.0","tee":"snp","extra-params":""})");
    ASSERT_EQ(auth.status, 200) << auth.body;
    const std::string nonce = nlohmann::json::parse(auth.body).at("nonce").get<std::string>();
    const Bytes report_data = kbs::binding_report_data(kbs::runtime_data_digest({nonce, a.tee_pubkey(), ""}));
    nlohmann::json attestation;
    attestation["runtime-data"] = {{"nonce", nonce}, {"tee-pubkey", a.tee_pubkey().to_json()}};
    attestation["tee-evidence"] = {{"primary_evidence", nlohmann::json::parse(guest.evidence(report_data))},
                                   {"additional_evidence", ""}};
    const std::string body = attestation.dump();
    auto r = a.post("/kbs/v0/attest", body);
    ASSERT_EQ(r.status, 200) << r.body;
    r = a.post("/kbs/v0/attest", body);  // the same nonce again
    EXPECT_EQ(r.status, 401) << r.body;

    // A second session's cookie with the first session's nonce.
    kbs::KbsClient b(options(), guest);
    ASSERT_EQ(b.post("/kbs/v0/auth", R"({"version":"0.4.0","tee":"snp","extra-params":""})").status, 200);
    r = b.post("/kbs/v0/attest", body);
    EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(KeyBroker, ExpiredSessionIsRefused) {
    start("kbs_session_ttl: 1\n");
    SnpGuest guest(snp_, run_vm("snp1", "sev-snp", "secret one"));
    kbs::KbsClient client(options(), guest);
    client.attest();
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    EXPECT_EQ(client.get("/kbs/v0/resource/default/key/snp1").status, 401);
}

TEST_F(KeyBroker, StoppedVmGetsNothing) {
    start();
    SnpGuest guest(snp_, run_vm("snp1", "sev-snp", "secret one"));
    kbs::KbsClient attested(options(), guest);
    attested.attest();
    ASSERT_EQ(h_->ccvm({"destroy", "snp1"}).exit_code, 0);
    // Neither the session it had nor a new attestation releases anything now.
    EXPECT_NE(attested.get("/kbs/v0/resource/default/key/snp1").status, 200);
    kbs::KbsClient fresh(options(), guest);
    const auto [code, why] = refusal([&] { fresh.attest(); });
    EXPECT_EQ(code, 401) << why;
    EXPECT_NE(why.find("not running: snp1 (defined)"), std::string::npos) << why;
}

// A refused attempt after a verified one: RuntimeAttestation reports the refusal, and its
// last_verified entry keeps the verified session and what was released in it (read over D-Bus with
// busctl, as any client sees the property).
TEST_F(KeyBroker, RefusedAttemptKeepsTheLastVerifiedSession) {
    start();
    GuestView view = run_vm("snp1", "sev-snp", "disk passphrase of snp1");
    SnpGuest guest(snp_, view);
    kbs::KbsClient client(options(), guest);
    EXPECT_EQ(as_string(client.get_resource(kKey1).span()), "disk passphrase of snp1");
    const std::string verified_session = json::get_string(status("snp1").at("runtime_attestation").at("session"));

    view.registers["launch_digest"][0] ^= std::byte{1};  // evidence of another launch
    SnpGuest changed(snp_, view);
    kbs::KbsClient refused(options(), changed);
    const auto [code, why] = refusal([&] { refused.attest(); });
    EXPECT_EQ(code, 401) << why;
    EXPECT_NE(why.find("launch_digest"), std::string::npos) << why;
    const json::Value after = status("snp1").at("runtime_attestation");
    EXPECT_EQ(json::get_string(after.at("verdict")), "refused");
    EXPECT_EQ(json::get_string(after.at("last_verified").at("session")), verified_session);
    const auto text = h_->ccvm({"status", "snp1"});
    EXPECT_NE(text.out.find("runtime:     refused: "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("last verified: verified (snp, session " + verified_session + ", "), std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find(", released default/key/snp1\n"), std::string::npos) << text.out;

    const ProcessResult r =
        run_process({"/usr/bin/busctl", "--json=short", "--address=" + h_->bus_address(), "get-property",
                     "org.ccvm.ccvm1", "/org/ccvm/ccvm1/vm/snp1", "org.ccvm.ccvm1.VM", "RuntimeAttestation"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // busctl's JSON: {"type": "a{sv}", "data": {KEY: {"type": SIG, "data": VALUE}, ...}}.
    const nlohmann::json attempt = nlohmann::json::parse(r.out).at("data");
    EXPECT_EQ(attempt.at("verdict").at("data"), "refused") << r.out;
    EXPECT_NE(attempt.at("reason").at("data").get<std::string>().find("launch_digest"), std::string::npos) << r.out;
    EXPECT_NE(attempt.at("session").at("data"), verified_session) << r.out;
    EXPECT_EQ(attempt.at("released").at("data"), nlohmann::json::array()) << r.out;
    ASSERT_EQ(attempt.at("last_verified").at("type"), "a{sv}") << r.out;
    const nlohmann::json& kept = attempt.at("last_verified").at("data");
    EXPECT_EQ(kept.at("verdict").at("data"), "verified") << r.out;
    EXPECT_EQ(kept.at("reason").at("data"), "") << r.out;
    EXPECT_EQ(kept.at("session").at("data"), verified_session) << r.out;
    EXPECT_EQ(kept.at("released").at("data"), nlohmann::json::array({"default/key/snp1"})) << r.out;
    // The verified session still holds its key; the refused one gets nothing.
    EXPECT_EQ(as_string(client.get_resource(kKey1).span()), "disk passphrase of snp1");
    EXPECT_EQ(refused.get("/kbs/v0/resource/default/key/snp1").status, 401);
}

// Without a vCPU model ccvm cannot compute the SEV-SNP launch digest (the VMSA holds the CPU
// signature). Unpinned, it makes the broker refuse by name; pinned in tee.reference-values, it is
// compared like a computed one.
TEST_F(KeyBroker, UndeterminedRegisterMeansNoSecret) {
    start();
    GuestView view = run_vm("snp1", "sev-snp", "secret one", "", "");
    const json::Value s = status("snp1");
    ASSERT_TRUE(json::find(json::at(json::at(s, "expected_measurement"), "not_computed"), "launch_digest") != nullptr)
        << json::dump(s);
    view.registers["launch_digest"] = Bytes(48, std::byte{0x5a});  // whatever the guest reports
    SnpGuest guest(snp_, view);
    kbs::KbsClient client(options(), guest);
    const auto [code, why] = refusal([&] { client.attest(); });
    EXPECT_EQ(code, 401) << why;
    EXPECT_NE(why.find("launch_digest"), std::string::npos) << why;
    const json::Value runtime = json::at(status("snp1"), "runtime_attestation");
    EXPECT_EQ(json::get_string(json::at(runtime, "verdict")), "refused");
    EXPECT_TRUE(json::get_array(json::at(runtime, "released")).empty());
    EXPECT_EQ(client.get("/kbs/v0/resource/default/key/snp1").status, 401);

    // Pinned to the value the guest reports, the same kind of VM gets its secret.
    GuestView pinned =
        run_vm("snp2", "sev-snp", "secret two",
               "  reference-values:\n    launch_digest: " + to_hex(view.registers["launch_digest"]) + "\n", "");
    pinned.registers["launch_digest"] = view.registers["launch_digest"];
    SnpGuest pinned_guest(snp_, pinned);
    kbs::KbsClient ok(options(), pinned_guest);
    EXPECT_EQ(as_string(ok.get_resource(kKey2).span()), "secret two");
}

}  // namespace
}  // namespace ccvm::test

// The key broker end to end over loopback HTTP(S) with the project's own client and real evidence
// signed by the test PKI (nothing of the verifier is mocked): releases, and every refusal of the
// protocol (replayed or foreign nonce, expired session, unbound key, wrong measurement, unknown
// initdata, another VM's resource, RSA1_5).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/client.hpp"
#include "ccvm/kbs/http_server.hpp"
#include "ccvm/kbs/jwt.hpp"
#include "ccvm/kbs/key_broker.hpp"
#include "ccvm/kbs/runtime_data.hpp"
#include "support/process.hpp"
#include "support/test_pki.hpp"
#include "unit/platform/platform_test_util.hpp"

namespace ccvm::kbs {
namespace {

using attestation::AgentTee;
namespace pki = test::pki;

Bytes fill(std::size_t n, unsigned v) { return Bytes(n, std::byte(v)); }
std::string text(const secret::SecretBytes& b) { return std::string(as_chars(b.span())); }
Bytes digest_bytes(const Sha256Digest& d) { return Bytes(d.begin(), d.end()); }
KbsConfig config(std::chrono::seconds ttl, const std::filesystem::path& anchors) {
    KbsConfig c;
    c.session_ttl = ttl;
    c.attestation_dir = anchors;
    return c;
}
HttpServerConfig loopback() {
    HttpServerConfig c;
    c.listen = "127.0.0.1:0";
    return c;
}

// An initdata document; the VM's SNP HOST_DATA is its SHA-256 (32 bytes, no padding needed).
const std::string kInitdataA = "algorithm = \"sha256\"\nversion = \"0.1.0\"\n\n[data]\n\"vm\" = \"vm-a\"\n";

struct Vm {
    std::string name;
    AgentTee tee;
    Bytes init_data;
    Registers expected;
    std::map<std::string, std::string> resources;  // REPO/TYPE/TAG -> content
};

class Directory : public VmDirectory {
public:
    std::vector<Vm> vms;
    std::optional<VmMatch> find(AgentTee tee, std::span<const std::byte> init_data, std::string& why) override {
        for (const Vm& vm : vms) {
            if (vm.tee != tee ||
                !std::equal(init_data.begin(), init_data.end(), vm.init_data.begin(), vm.init_data.end()))
                continue;
            VmMatch m{vm.name, vm.expected, {}};
            for (const auto& [path, _] : vm.resources) m.resources.push_back(ResourcePath::parse(path));
            return m;
        }
        why = "no running VM has initdata " + to_hex(Bytes(init_data.begin(), init_data.end()));
        return std::nullopt;
    }
    SecureBytes read_resource(const std::string& name, const ResourcePath& r) override {
        for (const Vm& vm : vms)
            if (vm.name == name) return SecureBytes(as_bytes(vm.resources.at(r.str())));
        throw InputError("no VM " + name);
    }
    bool resource_known(const ResourcePath& r) override {
        for (const Vm& vm : vms)
            if (vm.resources.contains(r.str())) return true;
        return false;
    }
};

struct Audit : AuditSink {
    std::mutex mu;
    std::vector<std::string> lines;
    void record(const AuditEvent& e) override {
        std::lock_guard lock(mu);
        lines.push_back(e.line());
    }
    std::string all() {
        std::lock_guard lock(mu);
        std::string s;
        for (const auto& l : lines) s += l + "\n";
        return s;
    }
};

// SNP evidence from the test PKI; `report_data` can be forced to check the broker's binding check.
struct SnpProvider : EvidenceProvider {
    const pki::SnpChain& chain;
    Bytes host_data, measurement;
    std::optional<Bytes> forced_report_data;
    SnpProvider(const pki::SnpChain& c, Bytes host, Bytes meas)
        : chain(c), host_data(std::move(host)), measurement(std::move(meas)) {}
    AgentTee tee() override { return AgentTee::snp; }
    std::string evidence(ByteSpan report_data) override {
        const Bytes rd = forced_report_data.value_or(Bytes(report_data.begin(), report_data.end()));
        return pki::sign_snp_report(chain, {rd, host_data, measurement});
    }
};

struct CcaProvider : EvidenceProvider {
    const pki::CcaKeys& keys;
    pki::CcaTokenInput input;
    CcaProvider(const pki::CcaKeys& k, pki::CcaTokenInput in) : keys(k), input(std::move(in)) {}
    AgentTee tee() override { return AgentTee::cca; }
    std::string evidence(ByteSpan report_data) override {
        input.challenge.assign(report_data.begin(), report_data.end());
        return pki::sign_cca_token(keys, input);
    }
};

class KeyBrokerTest : public ::testing::Test {
protected:
    test::TempDir dir;
    pki::SnpChain chain = pki::make_snp_chain(dir.path());
    Bytes host_a = digest_bytes(sha256(as_bytes(kInitdataA)));
    Bytes meas_a = fill(48, 0x11), host_b = fill(32, 0xB2), meas_b = fill(48, 0x22);
    Directory directory;
    Audit audit;
    std::unique_ptr<KeyBroker> broker;
    std::unique_ptr<HttpServer> server;
    std::string url;

    void SetUp() override {
        directory.vms.push_back({"vm-a",
                                 AgentTee::snp,
                                 host_a,
                                 {{{"launch_digest", meas_a}}, {}},
                                 {{"default/key/a", "secret-of-a"}, {"default/key/a2", "second-of-a"}}});
        directory.vms.push_back(
            {"vm-b", AgentTee::snp, host_b, {{{"launch_digest", meas_b}}, {}}, {{"default/key/b", "secret-of-b"}}});
        start(config(std::chrono::seconds(300), dir.path()));
    }
    void start(KbsConfig config, HttpServerConfig http = loopback()) {
        server.reset();
        broker = std::make_unique<KeyBroker>(std::move(config), directory, audit);
        server = std::make_unique<HttpServer>(*broker, std::move(http));
        server->start();
        url = std::string(server->tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(server->port());
    }
    KbsClientOptions options(TeeKeyKind key = TeeKeyKind::ec_p256) {
        KbsClientOptions o;
        o.url = url;
        o.key = key;
        return o;
    }
    // The Attestation body the client would send for `nonce`, with evidence binding it.
    static std::string attestation_body(const std::string& nonce, const Jwk& jwk, EvidenceProvider& p) {
        const Bytes rd = binding_report_data(runtime_data_digest({nonce, jwk, ""}));
        return nlohmann::json{
            {"runtime-data", {{"nonce", nonce}, {"tee-pubkey", jwk.to_json()}}},
            {"tee-evidence",
             {{"primary_evidence", nlohmann::json::parse(p.evidence(rd))}, {"additional_evidence", ""}}}}
            .dump();
    }
    static std::string auth(KbsClient& c) {
        const auto r = c.post("/kbs/v0/auth", R"({"version":"0.4.0","tee":"snp","extra-params":""})");
        EXPECT_EQ(r.status, 200);
        return nlohmann::json::parse(r.body).at("nonce").get<std::string>();
    }
    static std::string detail(const KbsClient::RawReply& r) {
        return nlohmann::json::parse(r.body).at("detail").get<std::string>();
    }
};

TEST_F(KeyBrokerTest, ReleasesToTheAttestedVmForEveryKeyType) {
    SnpProvider p(chain, host_a, meas_a);
    for (TeeKeyKind kind : {TeeKeyKind::ec_p256, TeeKeyKind::ec_p384, TeeKeyKind::ec_p521, TeeKeyKind::rsa_oaep256}) {
        KbsClient client(options(kind), p);
        const std::string token = client.attest();
        const auto claims = jwt_verify(token, broker->token_public_key().public_key().get());
        EXPECT_EQ(claims.at("vm"), "vm-a");
        EXPECT_EQ(claims.at("tee"), "snp");
        EXPECT_EQ(claims.at("tee-pubkey"), client.tee_pubkey().to_json());
        EXPECT_EQ(text(client.get_resource(ResourcePath::parse("default/key/a"))), "secret-of-a");
        EXPECT_EQ(text(client.get_resource(ResourcePath::parse("default/key/a2"))), "second-of-a");
    }
    const auto last = broker->last_attestation("vm-a");
    ASSERT_TRUE(last);
    EXPECT_TRUE(last->verified);
    EXPECT_TRUE(last->checks.verified());
    EXPECT_EQ(last->released, (std::vector<std::string>{"default/key/a", "default/key/a2"}));
    EXPECT_FALSE(broker->last_attestation("vm-b"));
    const std::string log = audit.all();
    EXPECT_NE(log.find("kbs attestation vm=vm-a tee=snp session="), std::string::npos) << log;
    EXPECT_NE(log.find("kbs release vm=vm-a tee=snp resource=default/key/a session="), std::string::npos) << log;
    EXPECT_EQ(log.find("secret-of"), std::string::npos) << "the audit log must never hold content";
    EXPECT_EQ(audit.lines.size(), 12u);  // 4 attestations, 8 releases
}

TEST_F(KeyBrokerTest, InitdataIsCheckedAgainstTheEvidence) {
    SnpProvider p(chain, host_a, meas_a);
    KbsClientOptions good = options();
    good.initdata = kInitdataA;
    EXPECT_EQ(text(KbsClient(good, p).get_resource(ResourcePath::parse("default/key/a"))), "secret-of-a");
    KbsClientOptions bad = options();
    bad.initdata = kInitdataA + "\"extra\" = \"x\"\n";
    try {
        KbsClient(bad, p).attest();
        FAIL() << "initdata of another digest accepted";
    } catch (const KbsError& e) {
        EXPECT_EQ(e.status, 401);
        EXPECT_NE(e.detail.find("init-data"), std::string::npos) << e.detail;
    }
}

TEST_F(KeyBrokerTest, AnotherVmsResourceIs403AndUnknownIs404) {
    SnpProvider p(chain, host_a, meas_a);
    KbsClient client(options(), p);
    client.attest();
    try {
        client.get_resource(ResourcePath::parse("default/key/b"));
        FAIL() << "vm-b's resource released to vm-a";
    } catch (const KbsError& e) {
        EXPECT_EQ(e.status, 403);
        EXPECT_EQ(e.type, "https://github.com/confidential-containers/kbs/errors/PolicyDeny");
        EXPECT_EQ(e.kind(), ErrorKind::mismatch);
    }
    try {
        client.get_resource(ResourcePath::parse("default/key/none"));
        FAIL() << "unknown resource released";
    } catch (const KbsError& e) {
        EXPECT_EQ(e.status, 404);
    }
    // vm-b attesting with its own evidence gets its own resource.
    SnpProvider pb(chain, host_b, meas_b);
    EXPECT_EQ(text(KbsClient(options(), pb).get_resource(ResourcePath::parse("default/key/b"))), "secret-of-b");
}

TEST_F(KeyBrokerTest, ReplayedNonceIsRefused) {
    SnpProvider p(chain, host_a, meas_a);
    KbsClient client(options(), p);
    const std::string nonce = auth(client);
    const std::string body = attestation_body(nonce, client.tee_pubkey(), p);
    EXPECT_EQ(client.post("/kbs/v0/attest", body).status, 200);
    const auto replay = client.post("/kbs/v0/attest", body);
    EXPECT_EQ(replay.status, 401);
    EXPECT_NE(detail(replay).find("already used"), std::string::npos);
}

TEST_F(KeyBrokerTest, ForeignNonceIsRefusedAndSpendsTheChallenge) {
    SnpProvider p(chain, host_a, meas_a);
    KbsClient a(options(), p), b(options(), p);
    const std::string nonce_a = auth(a);
    const std::string nonce_b = auth(b);
    ASSERT_NE(nonce_a, nonce_b);
    // Session A answered with B's nonce (evidence correctly binding B's nonce).
    const auto r = a.post("/kbs/v0/attest", attestation_body(nonce_b, a.tee_pubkey(), p));
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(detail(r).find("nonce"), std::string::npos);
    // A's own nonce no longer works after that attempt.
    EXPECT_EQ(a.post("/kbs/v0/attest", attestation_body(nonce_a, a.tee_pubkey(), p)).status, 401);
    EXPECT_EQ(a.get("/kbs/v0/resource/default/key/a").status, 401);
}

TEST_F(KeyBrokerTest, ExpiredSessionIsRefused) {
    start(config(std::chrono::seconds(1), dir.path()));
    SnpProvider p(chain, host_a, meas_a);
    KbsClient client(options(), p);
    const std::string nonce = auth(client);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const auto r = client.post("/kbs/v0/attest", attestation_body(nonce, client.tee_pubkey(), p));
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(detail(r).find("expired"), std::string::npos);
    // An attested session expires too.
    client.attest();
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(client.get("/kbs/v0/resource/default/key/a").status, 401);
}

TEST_F(KeyBrokerTest, KeyNotBoundInReportDataIsRefused) {
    SnpProvider p(chain, host_a, meas_a);
    KbsClient client(options(), p);
    const std::string nonce = auth(client);
    // Evidence binding another key: the report data is the digest of a different tee-pubkey.
    KbsClient other(options(), p);
    p.forced_report_data = binding_report_data(runtime_data_digest({nonce, other.tee_pubkey(), ""}));
    const auto r = client.post("/kbs/v0/attest", attestation_body(nonce, client.tee_pubkey(), p));
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(detail(r).find("runtime-data.binding"), std::string::npos) << detail(r);
    EXPECT_NE(audit.all().find("verdict=refused"), std::string::npos);
    const auto last = broker->last_attestation("vm-a");
    ASSERT_TRUE(last);
    EXPECT_FALSE(last->verified);
    EXPECT_FALSE(broker->last_verified_attestation("vm-a"));
}

// A refused attempt (here: evidence of another launch digest for vm-a's initdata) is reported as the
// last attempt with its verdict, but leaves the record of the verified session, and that session's
// right to its resources, as they were.
TEST_F(KeyBrokerTest, RefusedAttemptKeepsTheLastVerifiedRecord) {
    SnpProvider good(chain, host_a, meas_a);
    KbsClient attested(options(), good);
    EXPECT_EQ(text(attested.get_resource(ResourcePath::parse("default/key/a"))), "secret-of-a");
    const auto verified = broker->last_verified_attestation("vm-a");
    ASSERT_TRUE(verified);
    EXPECT_TRUE(verified->verified);

    SnpProvider wrong(chain, host_a, fill(48, 0x33));
    KbsClient refused(options(), wrong);
    EXPECT_THROW(refused.attest(), KbsError);
    EXPECT_EQ(refused.get("/kbs/v0/resource/default/key/a").status, 401);

    const auto last = broker->last_attestation("vm-a");
    ASSERT_TRUE(last);
    EXPECT_FALSE(last->verified);
    EXPECT_NE(last->session, verified->session);
    EXPECT_NE(last->reason.find("launch_digest failed"), std::string::npos) << last->reason;
    EXPECT_FALSE(last->checks.verified());
    EXPECT_TRUE(last->released.empty());

    // The verified session still receives its resources, recorded against it and not the refusal.
    EXPECT_EQ(text(attested.get_resource(ResourcePath::parse("default/key/a2"))), "second-of-a");
    const auto kept = broker->last_verified_attestation("vm-a");
    ASSERT_TRUE(kept);
    EXPECT_TRUE(kept->verified);
    EXPECT_EQ(kept->session, verified->session);
    EXPECT_EQ(kept->time, verified->time);
    EXPECT_TRUE(kept->checks.verified());
    EXPECT_EQ(kept->reason, "");
    EXPECT_EQ(kept->released, (std::vector<std::string>{"default/key/a", "default/key/a2"}));
    EXPECT_TRUE(broker->last_attestation("vm-a")->released.empty());
    EXPECT_FALSE(broker->last_verified_attestation("vm-b"));
    const std::string log = audit.all();
    EXPECT_NE(log.find("kbs attestation vm=vm-a tee=snp session="), std::string::npos) << log;
    EXPECT_NE(log.find("verdict=refused"), std::string::npos) << log;
}

TEST_F(KeyBrokerTest, WrongMeasurementOrUnknownInitdataIsRefused) {
    SnpProvider wrong(chain, host_a, fill(48, 0x33));
    try {
        KbsClient(options(), wrong).attest();
        FAIL() << "wrong measurement accepted";
    } catch (const KbsError& e) {
        EXPECT_EQ(e.status, 401);
        EXPECT_NE(e.detail.find("launch_digest failed"), std::string::npos) << e.detail;
    }
    SnpProvider stranger(chain, fill(32, 0xCC), meas_a);
    try {
        KbsClient(options(), stranger).attest();
        FAIL() << "unknown initdata accepted";
    } catch (const KbsError& e) {
        EXPECT_EQ(e.status, 401);
        EXPECT_NE(e.detail.find("no running VM"), std::string::npos) << e.detail;
    }
    // Evidence from a chain the anchors do not know.
    const auto foreign = pki::make_snp_chain(dir.path() / "foreign");
    SnpProvider forged(foreign, host_a, meas_a);
    EXPECT_THROW(KbsClient(options(), forged).attest(), KbsError);
}

TEST_F(KeyBrokerTest, Rsa15KeyIsRefused) {
    SnpProvider p(chain, host_a, meas_a);
    try {
        KbsClient(options(TeeKeyKind::rsa1_5), p).attest();
        FAIL() << "RSA1_5 accepted";
    } catch (const KbsError& e) {
        EXPECT_EQ(e.status, 401);
        EXPECT_NE(e.detail.find("RSA1_5"), std::string::npos);
    }
}

TEST_F(KeyBrokerTest, UndeterminedRegisterIsRefusedByName) {
    directory.vms[0].expected.not_computed["rtmr1"] = "depends on the boot chain";
    SnpProvider p(chain, host_a, meas_a);
    try {
        KbsClient(options(), p).attest();
        FAIL() << "unchecked register accepted";
    } catch (const KbsError& e) {
        EXPECT_NE(e.detail.find("rtmr1"), std::string::npos) << e.detail;
    }
}

TEST_F(KeyBrokerTest, CcaRealmGetsItsResource) {
    const auto keys = pki::make_cca_keys(dir.path());
    pki::CcaTokenInput in{
        {}, fill(64, 0x50), fill(32, 0x11), {fill(32, 0x20), fill(32, 0x21), fill(32, 0x22), fill(32, 0x23)}};
    directory.vms.push_back(
        {"realm",
         AgentTee::cca,
         in.personalization_value,
         {{{"rim", in.rim}, {"rem0", in.rem[0]}, {"rem1", in.rem[1]}, {"rem2", in.rem[2]}, {"rem3", in.rem[3]}}, {}},
         {{"realm/key/disk", "realm-disk-key"}}});
    CcaProvider p(keys, in);
    EXPECT_EQ(text(KbsClient(options(), p).get_resource(ResourcePath::parse("realm/key/disk"))), "realm-disk-key");
}

TEST_F(KeyBrokerTest, OverTls) {
    const std::string openssl = test::openssl_cli();
    const auto key = dir.path() / "tls.key", cert = dir.path() / "tls.crt";
    const auto r = test::run_process({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                      "-nodes", "-keyout", key.string(), "-out", cert.string(), "-days", "1", "-subj",
                                      "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    HttpServerConfig http = loopback();
    http.tls_cert = cert;
    http.tls_key = key;
    start(config(std::chrono::seconds(300), dir.path()), http);
    ASSERT_EQ(url.rfind("https://", 0), 0u);
    SnpProvider p(chain, host_a, meas_a);
    KbsClientOptions trusted = options();
    trusted.ca_cert = cert;
    EXPECT_EQ(text(KbsClient(trusted, p).get_resource(ResourcePath::parse("default/key/a"))), "secret-of-a");
    // Without the CA the server is not trusted.
    KbsClientOptions untrusted = options();
    untrusted.ca_cert = dir.path() / "nonexistent.pem";
    EXPECT_THROW(KbsClient(untrusted, p).attest(), SystemError);
}

}  // namespace
}  // namespace ccvm::kbs

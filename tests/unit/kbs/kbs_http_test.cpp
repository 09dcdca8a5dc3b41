// The KBS over loopback HTTP with the project's own client: protocol refusals that need no evidence
// (version, TEE, sessions, paths, body limit) and the listen-address parser.
#include <gtest/gtest.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "ccvm/base/error.hpp"
#include "ccvm/kbs/client.hpp"
#include "ccvm/kbs/http_server.hpp"
#include "ccvm/kbs/key_broker.hpp"

namespace ccvm::kbs {
namespace {

struct NoVms : VmDirectory {
    std::optional<VmMatch> find(attestation::AgentTee, std::span<const std::byte>, std::string& why) override {
        why = "no VM is running";
        return std::nullopt;
    }
    SecureBytes read_resource(const std::string&, const ResourcePath&) override { throw InputError("absent"); }
};

struct Lines : AuditSink {
    std::mutex mu;
    std::vector<std::string> lines;
    void record(const AuditEvent& e) override {
        std::lock_guard lock(mu);
        lines.push_back(e.line());
    }
};

nlohmann::json body_json(const std::string& body) { return nlohmann::json::parse(body); }

HttpServerConfig http_config(std::optional<std::filesystem::path> cert = {},
                             std::optional<std::filesystem::path> key = {}) {
    HttpServerConfig c;
    c.listen = "127.0.0.1:0";
    c.tls_cert = std::move(cert);
    c.tls_key = std::move(key);
    c.threads = 4;
    c.max_body = 4096;
    return c;
}

class KbsHttp : public ::testing::Test {
protected:
    NoVms vms;
    Lines audit;
    KeyBroker broker{KbsConfig{}, vms, audit};
    HttpServer server{broker, http_config()};
    std::unique_ptr<httplib::Client> http;

    void SetUp() override {
        server.start();
        http = std::make_unique<httplib::Client>("127.0.0.1", server.port());
    }
    httplib::Result auth(const std::string& version, const std::string& tee = "snp") {
        return http->Post("/kbs/v0/auth",
                          nlohmann::json{{"version", version}, {"tee", tee}, {"extra-params", ""}}.dump(),
                          "application/json");
    }
};

TEST_F(KbsHttp, AuthAnswersChallengeAndCookie) {
    const auto r = auth("0.4.0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    const auto challenge = body_json(r->body);
    // 32 random bytes in standard base64: 44 characters.
    EXPECT_EQ(challenge.at("nonce").get<std::string>().size(), 44u);
    EXPECT_EQ(challenge.at("extra-params"), "");
    const std::string cookie = r->get_header_value("Set-Cookie");
    EXPECT_EQ(cookie.rfind("kbs-session-id=", 0), 0u) << cookie;
    EXPECT_NE(cookie.find("Max-Age=300"), std::string::npos);
    // Two sessions never share a nonce or an id.
    const auto r2 = auth("0.4.0");
    EXPECT_NE(body_json(r2->body).at("nonce"), challenge.at("nonce"));
    EXPECT_NE(r2->get_header_value("Set-Cookie"), cookie);
}

TEST_F(KbsHttp, AuthChecksVersionAndTeeAsTrustee) {
    for (const char* v : {"0.1.1", "0.3.0", "0.4.1", "1.0.0", "0.4.0-rc1"}) {
        const auto r = auth(v);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 401) << v;
        const auto e = body_json(r->body);
        EXPECT_EQ(e.at("type"), "https://github.com/confidential-containers/kbs/errors/AttestationError");
        EXPECT_NE(e.at("detail").get<std::string>().find("Version Mismatch"), std::string::npos) << v;
    }
    EXPECT_EQ(auth("0.4.0+build7")->status, 200);  // semver ignores build metadata
    EXPECT_NE(body_json(auth("four")->body).at("detail").get<std::string>().find("parse"), std::string::npos);
    EXPECT_EQ(auth("0.4.0", "sgx")->status, 401);
    EXPECT_EQ(http->Post("/kbs/v0/auth", "{not json", "application/json")->status, 401);
}

TEST_F(KbsHttp, AttestWithoutSessionIsRefused) {
    const auto none = http->Post("/kbs/v0/attest", "{}", "application/json");
    EXPECT_EQ(none->status, 401);
    EXPECT_NE(body_json(none->body).at("detail").get<std::string>().find("cookie not found"), std::string::npos);
    const auto unknown = http->Post("/kbs/v0/attest", {{"Cookie", "kbs-session-id=0123"}}, "{}", "application/json");
    EXPECT_EQ(unknown->status, 401);
    EXPECT_NE(body_json(unknown->body).at("detail").get<std::string>().find("session not found"), std::string::npos);
}

TEST_F(KbsHttp, MalformedAttestationSpendsTheChallenge) {
    const auto a = auth("0.4.0");
    const std::string cookie = a->get_header_value("Set-Cookie").substr(0, a->get_header_value("Set-Cookie").find(';'));
    const auto first = http->Post("/kbs/v0/attest", {{"Cookie", cookie}}, "[]", "application/json");
    EXPECT_EQ(first->status, 401);
    const auto again = http->Post("/kbs/v0/attest", {{"Cookie", cookie}}, "{}", "application/json");
    EXPECT_EQ(again->status, 401);
    EXPECT_NE(body_json(again->body).at("detail").get<std::string>().find("already used"), std::string::npos);
    ASSERT_EQ(audit.lines.size(), 1u);  // one attestation line for the first attempt
    EXPECT_NE(audit.lines[0].find("verdict=refused"), std::string::npos);
}

TEST_F(KbsHttp, ResourceNeedsAnAttestedSession) {
    const auto r = http->Get("/kbs/v0/resource/default/key/disk");
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(body_json(r->body).at("type"), "https://github.com/confidential-containers/kbs/errors/TokenNotFound");
    const auto a = auth("0.4.0");
    const std::string cookie = a->get_header_value("Set-Cookie").substr(0, a->get_header_value("Set-Cookie").find(';'));
    EXPECT_EQ(http->Get("/kbs/v0/resource/default/key/disk", {{"Cookie", cookie}})->status, 401);  // not attested
    for (const char* bad :
         {"/kbs/v0/resource/a/b", "/kbs/v0/resource/a/b/c/d", "/kbs/v0/resource/a/../c", "/kbs/v0/resource/a//c"}) {
        const auto p = http->Get(bad);
        EXPECT_EQ(p->status, 404) << bad;
        EXPECT_EQ(body_json(p->body).at("type"),
                  "https://github.com/confidential-containers/kbs/errors/InvalidRequestPath");
    }
    EXPECT_EQ(http->Get("/kbs/v0/unknown")->status, 404);
}

TEST_F(KbsHttp, OversizedBodyIs413) {
    const std::string big(8192, 'x');
    const auto r = http->Post("/kbs/v0/attest", big, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(audit.lines.empty());  // never reached the broker
}

TEST_F(KbsHttp, StopIsIdempotentAndFreesThePort) {
    const int port = server.port();
    server.stop();
    server.stop();
    EXPECT_FALSE(httplib::Client("127.0.0.1", port).Get("/kbs/v0/resource/a/b/c"));
}

TEST(ParseListen, Forms) {
    EXPECT_EQ(parse_listen("127.0.0.1:8080").host, "127.0.0.1");
    EXPECT_EQ(parse_listen("127.0.0.1:8080").port, 8080);
    EXPECT_EQ(parse_listen("[::1]:0").host, "::1");
    EXPECT_EQ(parse_listen("[::1]:0").port, 0);
    EXPECT_EQ(parse_listen("0.0.0.0:65535").port, 65535);
    EXPECT_EQ(parse_listen("kbs.example:443").host, "kbs.example");
    EXPECT_EQ(parse_listen("[fe80::1%eth0]:80").host, "fe80::1%eth0");
    for (const char* bad : {"8080", ":80", "::1:80", "host:99999", "host:", "host:8o", "[::1", "h st:80"})
        EXPECT_THROW(parse_listen(bad), InputError) << bad;
}

TEST(ParseListen, HostAndPortText) {
    EXPECT_EQ(parse_listen("[::1]:8443").str(), "[::1]:8443");
    EXPECT_EQ(parse_listen("127.0.0.1:8080").str(), "127.0.0.1:8080");
    EXPECT_TRUE(parse_listen("0.0.0.0:1").wildcard());
    EXPECT_TRUE(parse_listen("[::]:1").wildcard());
    EXPECT_FALSE(parse_listen("[::1]:1").wildcard());
}

// Every error names the configuration key it was given and says what is wrong.
TEST(ParseListen, ErrorsNameTheKeyAndTheFault) {
    const auto error_of = [](std::string_view text, std::uint16_t lowest_port = 0) -> std::string {
        try {
            (void)parse_listen(text, "ccvmd.yaml:3:13: kbs_listen", lowest_port);
        } catch (const InputError& e) {
            return e.what();
        }
        return "accepted";
    };
    EXPECT_EQ(error_of("8080"), "ccvmd.yaml:3:13: kbs_listen: '8080' is not ADDR:PORT: no ':PORT'");
    EXPECT_EQ(error_of("h:70000"),
              "ccvmd.yaml:3:13: kbs_listen: 'h:70000' is not ADDR:PORT: the port must be a number from 0 to 65535");
    EXPECT_EQ(error_of("h:0", 1),
              "ccvmd.yaml:3:13: kbs_listen: 'h:0' is not ADDR:PORT: the port must be a number from 1 to 65535");
    EXPECT_EQ(error_of("::1:80"),
              "ccvmd.yaml:3:13: kbs_listen: '::1:80' is not ADDR:PORT: an IPv6 address goes in brackets, [ADDR]:PORT");
    EXPECT_EQ(error_of("[::1]80"), "ccvmd.yaml:3:13: kbs_listen: '[::1]80' is not ADDR:PORT: no ':PORT' after ']'");
    EXPECT_EQ(error_of("[::1"), "ccvmd.yaml:3:13: kbs_listen: '[::1' is not ADDR:PORT: no ']' after the IPv6 address");
    EXPECT_EQ(error_of(":80"), "ccvmd.yaml:3:13: kbs_listen: ':80' is not ADDR:PORT: the address is empty");
    EXPECT_EQ(error_of("a/b:80"),
              "ccvmd.yaml:3:13: kbs_listen: 'a/b:80' is not ADDR:PORT: the address has characters no host name or IP "
              "address has");
    EXPECT_EQ(error_of("h:1"), "accepted");
}

TEST(HttpServerConfigCheck, TlsNeedsBothFilesAndValidOnes) {
    NoVms vms;
    Lines audit;
    KeyBroker broker(KbsConfig{}, vms, audit);
    HttpServer half(broker, http_config(std::filesystem::path("cert.pem")));
    EXPECT_THROW(half.start(), InputError);
    HttpServer missing(broker, http_config(std::filesystem::path("/nonexistent/cert.pem"),
                                           std::filesystem::path("/nonexistent/key.pem")));
    EXPECT_THROW(missing.start(), InputError);
}

}  // namespace
}  // namespace ccvm::kbs

#include "ccvm/kbs/client.hpp"

#include <httplib.h>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/kbs/jwe.hpp"
#include "ccvm/kbs/runtime_data.hpp"

namespace ccvm::kbs {
namespace {

constexpr std::size_t kReportDataSize = 64;

EvpPkeyPtr generate_key(TeeKeyKind kind) {
    EVP_PKEY* key = nullptr;
    switch (kind) {
        case TeeKeyKind::ec_p256:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            break;
        case TeeKeyKind::ec_p384:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
            break;
        case TeeKeyKind::ec_p521:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
            break;
        case TeeKeyKind::rsa_oaep256:
        case TeeKeyKind::rsa1_5:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072));
            break;
    }
    return EvpPkeyPtr(openssl_checked(key, "ephemeral key generation"));
}

std::string_view key_alg(TeeKeyKind kind) noexcept {
    switch (kind) {
        case TeeKeyKind::rsa_oaep256:
            return kAlgRsaOaep256;
        case TeeKeyKind::rsa1_5:
            return kAlgRsa15;
        default:
            return kAlgEcdhEsA256kw;
    }
}

// A reply from the KBS or the evidence provider: untrusted, so repeated keys and deep nesting are refused
// like in any other input; a reply that is not JSON is a failure of that party, not bad user input.
json::Value parse_reply(const std::string& text, const std::string& what) {
    try {
        return json::parse_untrusted(text, what);
    } catch (const InputError& e) {
        throw SystemError(e.what());
    }
}

[[noreturn]] void throw_kbs_error(const std::string& what, int status, const std::string& body) {
    std::string type, detail;
    try {
        // The error body names the failure when it is the KBS's JSON error; anything else is just not shown.
        const json::Value info = json::parse_untrusted(body, "KBS error body");
        if (info.is_object()) {
            type = info.value("type", "");
            detail = info.value("detail", "");
        }
    } catch (const InputError&) {}
    const std::string short_type = type.substr(type.rfind('/') == std::string::npos ? 0 : type.rfind('/') + 1);
    const ErrorKind kind = status == 401 || status == 403 ? ErrorKind::mismatch
                           : status == 404                ? ErrorKind::input
                                                          : ErrorKind::system;
    std::string message = what + ": KBS answered " + std::to_string(status);
    if (!short_type.empty()) message += " " + short_type;
    if (!detail.empty()) message += ": " + detail;
    throw KbsError(kind, status, type, detail, message);
}

}  // namespace

struct KbsClient::Impl {
    KbsClientOptions options;
    EvidenceProvider& provider;
    std::unique_ptr<httplib::Client> http;
    EvpPkeyPtr key;
    Jwk jwk;
    std::string cookie;  // "kbs-session-id=..."
    bool attested = false;

    httplib::Headers headers() const {
        httplib::Headers h;
        if (!cookie.empty()) h.emplace("Cookie", cookie);
        return h;
    }

    RawReply check(const httplib::Result& r, const std::string& what) {
        if (!r)
            throw SystemError(what + ": cannot reach the KBS at " + options.url + " (" + httplib::to_string(r.error()) +
                              ")");
        const std::string set_cookie = r->get_header_value("Set-Cookie");
        if (!set_cookie.empty()) cookie = set_cookie.substr(0, set_cookie.find(';'));
        return {r->status, r->body};
    }
};

KbsClient::KbsClient(KbsClientOptions options, EvidenceProvider& provider)
    : impl_(std::make_unique<Impl>(Impl{std::move(options), provider, nullptr, nullptr, {}, {}, false})) {
    Impl& i = *impl_;
    if (!i.options.url.starts_with("http://") && !i.options.url.starts_with("https://"))
        throw InputError("--kbs: \"" + i.options.url + "\" is not an http:// or https:// URL");
    while (i.options.url.ends_with('/')) i.options.url.pop_back();
    i.http = std::make_unique<httplib::Client>(i.options.url);
    if (!i.http->is_valid()) throw InputError("--kbs: \"" + i.options.url + "\" is not a usable URL");
    const auto t = static_cast<time_t>(i.options.timeout.count());
    i.http->set_connection_timeout(t);
    i.http->set_read_timeout(t);
    i.http->set_write_timeout(t);
    if (i.options.ca_cert) i.http->set_ca_cert_path(i.options.ca_cert->c_str());
    i.http->enable_server_certificate_verification(true);
    i.key = generate_key(i.options.key);
    i.jwk = Jwk::from_public_key(i.key.get(), std::string(key_alg(i.options.key)));
}

KbsClient::~KbsClient() = default;

KbsClient::RawReply KbsClient::post(const std::string& path, const std::string& body) {
    return impl_->check(impl_->http->Post(path, impl_->headers(), body, "application/json"), "POST " + path);
}

KbsClient::RawReply KbsClient::get(const std::string& path) {
    return impl_->check(impl_->http->Get(path, impl_->headers()), "GET " + path);
}

const std::string& KbsClient::session_cookie() const noexcept { return impl_->cookie; }
void KbsClient::set_session_cookie(std::string cookie) { impl_->cookie = std::move(cookie); }
const Jwk& KbsClient::tee_pubkey() const noexcept { return impl_->jwk; }

std::string KbsClient::attest() {
    Impl& i = *impl_;
    i.attested = false;
    i.cookie.clear();
    const attestation::AgentTee tee = i.provider.tee();
    const json::Value request = {{"version", std::string(kProtocolVersion)},
                                 {"tee", std::string(attestation::agent_tee_name(tee))},
                                 {"extra-params", ""}};
    const RawReply auth = post("/kbs/v0/auth", request.dump());
    if (auth.status != 200) throw_kbs_error("auth", auth.status, auth.body);
    const json::Value challenge = parse_reply(auth.body, "auth: the KBS Challenge");
    if (!challenge.is_object() || !challenge.contains("nonce") || !challenge["nonce"].is_string())
        throw SystemError("auth: the KBS Challenge has no nonce");
    // Only SHA-384 runtime-data digests are produced (the default of the protocol for these TEEs).
    if (const auto ep = challenge.find("extra-params"); ep != challenge.end() && ep->is_object()) {
        const std::string algo = ep->value("selected-hash-algorithm", "sha384");
        if (algo != "sha384") throw SystemError("auth: the KBS asks for a " + algo + " runtime-data digest");
    }
    const std::string nonce = challenge["nonce"].get<std::string>();
    if (i.cookie.empty()) throw SystemError("auth: the KBS set no kbs-session-id cookie");

    const Sha384Digest digest = runtime_data_digest({nonce, i.jwk, ""});
    const std::string evidence_text = i.provider.evidence(binding_report_data(digest, kReportDataSize));
    const json::Value evidence = parse_reply(evidence_text, "the evidence provider's output");
    json::Value attestation_json = {
        {"runtime-data", {{"nonce", nonce}, {"tee-pubkey", i.jwk.to_json()}}},
        {"tee-evidence", {{"primary_evidence", evidence}, {"additional_evidence", ""}}},
    };
    if (i.options.initdata) attestation_json["init-data"] = {{"format", "toml"}, {"body", *i.options.initdata}};
    const RawReply att = post("/kbs/v0/attest", attestation_json.dump());
    if (att.status != 200) throw_kbs_error("attest", att.status, att.body);
    const json::Value token = parse_reply(att.body, "attest: the KBS answer");
    if (!token.is_object() || !token.contains("token") || !token["token"].is_string())
        throw SystemError("attest: the KBS answer has no token");
    i.attested = true;
    return token["token"].get<std::string>();
}

secret::SecretBytes KbsClient::get_resource(const ResourcePath& resource) {
    Impl& i = *impl_;
    if (!i.attested) attest();
    const std::string path = "/kbs/v0/resource/" + resource.str();
    RawReply r = get(path);
    if (r.status == 401) {  // the session expired: attest again once, as attestation-agent does
        attest();
        r = get(path);
    }
    if (r.status != 200) throw_kbs_error("resource " + resource.str(), r.status, r.body);
    const json::Value jwe = parse_reply(r.body, "resource " + resource.str() + ": the KBS answer");
    if (!jwe.is_object()) throw SystemError("resource " + resource.str() + ": the KBS answer is not a JWE");
    return jwe_decrypt(jwe, i.key.get());
}

}  // namespace ccvm::kbs

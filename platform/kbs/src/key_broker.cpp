#include "ccvm/kbs/key_broker.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/jwe.hpp"
#include "ccvm/kbs/runtime_data.hpp"

namespace ccvm::kbs {
namespace {

using attestation::AgentTee;
using Clock = std::chrono::steady_clock;

// Trustee's ErrorInformation type prefix (kbs/src/error.rs ERROR_TYPE_PREFIX).
constexpr std::string_view kErrorTypePrefix = "https://github.com/confidential-containers/kbs/errors/";
// 32 random bytes per nonce, as Trustee's make_nonce (kbs/src/attestation/backend.rs NONCE_SIZE_BYTES).
constexpr std::size_t kNonceBytes = 32;
constexpr std::size_t kSessionIdBytes = 16;

Bytes random_bytes(std::size_t n) {
    Bytes b(n);
    openssl_check(RAND_bytes(reinterpret_cast<unsigned char*>(b.data()), static_cast<int>(n)), "RAND_bytes");
    return b;
}

// Trustee answers every error with ErrorInformation {"type", "detail"}; the type is the name of
// its error variant (kbs/src/error.rs).
Reply error_reply(int status, std::string_view type, const std::string& detail) {
    Reply r;
    r.status = status;
    r.body = json::Value{{"type", std::string(kErrorTypePrefix) + std::string(type)}, {"detail", detail}}.dump();
    return r;
}

Reply auth_error(const std::string& why) {
    return error_reply(401, "AttestationError", "Attestation error: RCAR handshake Auth failed: " + why);
}
Reply attest_error(const std::string& why) {
    return error_reply(401, "AttestationError", "Attestation error: RCAR handshake Attest failed: " + why);
}

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const std::size_t semi = header.find(';');
        std::string_view part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        const std::size_t eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
    return {};
}

// Trustee checks the Request's version with the semver requirement "=0.4.0": build metadata is
// ignored, anything else must be exactly 0.4.0.
std::string check_version(const std::string& version) {
    const std::string core = version.substr(0, version.find('+'));
    if (core == kProtocolVersion) return {};
    const bool semver_like = !core.empty() && std::all_of(core.begin(), core.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
    }) && std::count(core.begin(), core.end(), '.') >= 2;
    if (!semver_like) return "failed to parse KBS version \"" + version + "\"";
    return "KBS Client Protocol Version Mismatch: expect =" + std::string(kProtocolVersion) + " while the request is " +
           version;
}

// The `algorithm` of an initdata TOML document (Trustee kbs/docs/initdata.md): the top-level key,
// before any [table]. Only what the digest needs is read; the spec side parses the whole document.
std::optional<HashAlgo> initdata_algorithm(std::string_view toml) {
    while (!toml.empty()) {
        const std::size_t nl = toml.find('\n');
        std::string_view line = toml.substr(0, nl);
        toml = nl == std::string_view::npos ? std::string_view{} : toml.substr(nl + 1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
        if (line.starts_with('[')) break;
        if (!line.starts_with("algorithm")) continue;
        line.remove_prefix(9);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (!line.starts_with('=')) continue;
        line.remove_prefix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.size() < 2 || (line.front() != '"' && line.front() != '\'')) return std::nullopt;
        const char q = line.front();
        const std::size_t end = line.find(q, 1);
        if (end == std::string_view::npos) return std::nullopt;
        const std::string_view name = line.substr(1, end - 1);
        if (name == "sha256" || name == "sha-256") return HashAlgo::sha256;
        if (name == "sha384" || name == "sha-384") return HashAlgo::sha384;
        if (name == "sha512" || name == "sha-512") return HashAlgo::sha512;
        return std::nullopt;
    }
    return std::nullopt;
}

const json::Value* find_member(const json::Value& v, const char* name) {
    const auto it = v.find(name);
    return it == v.end() ? nullptr : &*it;
}

std::string checks_summary(const attestation::CheckList& checks) {
    std::string out;
    for (const attestation::Check& c : checks.checks()) {
        if (c.status() == attestation::CheckStatus::passed) continue;
        if (!out.empty()) out += "; ";
        out +=
            c.name + " " + std::string(attestation::to_string(c.status())) + (c.reason.empty() ? "" : ": " + c.reason);
    }
    return out;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

ResourcePath ResourcePath::parse(std::string_view text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = text.find('/', start);
        parts.emplace_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    if (parts.size() != 3)
        throw InputError("resource \"" + std::string(text) + "\": expected REPO/TYPE/TAG (three parts)");
    for (const std::string& p : parts) {
        const bool ok = !p.empty() && p != "." && p != ".." && std::all_of(p.begin(), p.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        });
        if (!ok)
            throw InputError("resource \"" + std::string(text) + "\": part \"" + p +
                             "\" must be letters, digits, '-', '_' or '.' (and not . or ..)");
    }
    return {parts[0], parts[1], parts[2]};
}

std::string ResourcePath::str() const { return repo + "/" + type + "/" + tag; }

std::string AuditEvent::line() const {
    std::string out = kind == Kind::attestation ? "kbs attestation" : "kbs release";
    out += " vm=" + (vm.empty() ? std::string("-") : vm) + " tee=" + (tee.empty() ? std::string("-") : tee);
    if (kind == Kind::release) out += " resource=" + resource;
    out += " session=" + session;
    out += kind == Kind::attestation ? (allowed ? " verdict=verified" : " verdict=refused")
                                     : (allowed ? " verdict=released" : " verdict=refused");
    if (!reason.empty()) out += " reason=" + json::Value(reason).dump();
    return out;
}

struct KeyBroker::Session {
    enum class Stage { challenged, attesting, attested, spent };
    AgentTee tee = AgentTee::snp;
    std::string nonce;
    Clock::time_point expires;
    Stage stage = Stage::challenged;
    std::string vm;
    std::optional<Jwk> jwk;
    std::vector<ResourcePath> resources;
};

struct KeyBroker::State {
    KbsConfig config;
    VmDirectory& directory;
    AuditSink& audit;
    TokenKey token_key;
    mutable std::mutex mu;
    std::map<std::string, Session> sessions;
    std::map<std::string, RuntimeAttestation> last;      // per VM: the last attempt, either verdict
    std::map<std::string, RuntimeAttestation> verified;  // per VM: the last verified attempt

    State(KbsConfig c, VmDirectory& d, AuditSink& a)
        : config(std::move(c)),
          directory(d),
          audit(a),
          token_key(config.token_key ? TokenKey::load_pem(*config.token_key) : TokenKey::generate()) {}

    void prune(Clock::time_point now) {
        std::erase_if(sessions, [&](const auto& s) { return s.second.expires <= now; });
    }
};

namespace {

// What the evidence check of one Attestation found.
struct Outcome {
    bool ok = false;
    std::string reason;
    std::string vm;
    std::optional<Jwk> jwk;
    std::vector<ResourcePath> resources;
    attestation::CheckList checks;
};

Jwk parse_tee_pubkey(const json::Value& runtime) {
    const json::Value* key = find_member(runtime, "tee-pubkey");
    if (key == nullptr) throw InputError("runtime-data has no tee-pubkey");
    Jwk jwk = Jwk::from_json(*key, "runtime-data.tee-pubkey");
    if (jwk.alg == kAlgRsa15)
        throw InputError("tee-pubkey alg RSA1_5 is refused (padding-oracle attacks); use RSA-OAEP-256 or an EC key");
    const bool ok = (jwk.kty == KeyType::ec && jwk.alg == kAlgEcdhEsA256kw) ||
                    (jwk.kty == KeyType::rsa && jwk.alg == kAlgRsaOaep256);
    if (!ok) throw InputError("tee-pubkey alg \"" + jwk.alg + "\" is not ECDH-ES+A256KW (EC) or RSA-OAEP-256 (RSA)");
    return jwk;
}

void check_initdata(const json::Value& init, const attestation::AgentEvidence& ev, attestation::CheckList& checks) {
    const json::Value* format = find_member(init, "format");
    const json::Value* body = find_member(init, "body");
    if (format == nullptr || body == nullptr || !format->is_string() || !body->is_string())
        throw InputError("init-data must be {\"format\", \"body\"} strings");
    // Trustee's built-in attestation service takes TOML initdata only (kbs/src/attestation/coco/builtin.rs).
    if (*format != "toml") throw InputError("init-data format \"" + format->get<std::string>() + "\" is not toml");
    if (ev.init_data.empty()) {
        checks.skip("init-data", "the evidence of this TEE has no initdata field to bind it");
        return;
    }
    const std::string& toml = body->get_ref<const std::string&>();
    const std::optional<HashAlgo> algo = initdata_algorithm(toml);
    if (!algo) throw InputError("init-data has no algorithm of sha256, sha384 or sha512");
    Bytes digest = hash(*algo, as_bytes(toml));
    digest.resize(ev.init_data.size());  // truncated or zero-padded to the field (regularize_data)
    if (digest != ev.init_data)
        checks.fail("init-data", "digest " + to_hex(digest) + " of the init-data differs from the evidence's " +
                                     to_hex(ev.init_data));
    else
        checks.pass("init-data", "digest matches the evidence's initdata field");
}

// The value the directory finds the VM by: the initdata field, or (CSV, which has none) the launch digest.
Bytes vm_lookup_key(const attestation::AgentEvidence& ev) {
    if (!ev.init_data.empty()) return ev.init_data;
    for (const char* name : {"launch_digest", "digest", "measurement"})
        if (const auto it = ev.registers.find(name); it != ev.registers.end()) return it->second;
    return {};
}

Outcome evaluate(const json::Value& attestation_json, AgentTee tee, const std::string& nonce, VmDirectory& directory,
                 const std::filesystem::path& attestation_dir) {
    Outcome out;
    const json::Value* runtime = find_member(attestation_json, "runtime-data");
    const json::Value* evidence = find_member(attestation_json, "tee-evidence");
    if (runtime == nullptr || !runtime->is_object()) throw InputError("Attestation has no runtime-data object");
    if (evidence == nullptr || !evidence->is_object()) throw InputError("Attestation has no tee-evidence object");
    const json::Value* sent_nonce = find_member(*runtime, "nonce");
    if (sent_nonce == nullptr || !sent_nonce->is_string()) throw InputError("runtime-data has no nonce");
    if (*sent_nonce != nonce)
        throw InputError("the nonce in runtime-data is not the current challenge of this session");
    Jwk jwk = parse_tee_pubkey(*runtime);

    std::string additional;
    if (const json::Value* add = find_member(*evidence, "additional_evidence"); add != nullptr) {
        if (!add->is_string()) throw InputError("tee-evidence.additional_evidence is not a string");
        additional = add->get<std::string>();
    }
    // Device evidence (GPUs, ...) has no verifier here; unverified evidence must not count.
    if (!additional.empty() && additional != "{}")
        throw InputError("tee-evidence.additional_evidence (device evidence) is not supported by this KBS");
    const json::Value* primary = find_member(*evidence, "primary_evidence");
    if (primary == nullptr) throw InputError("tee-evidence has no primary_evidence");

    const std::string primary_text = primary->is_string() ? primary->get<std::string>() : primary->dump();
    const attestation::AgentEvidence ev =
        attestation::parse_agent_evidence(tee, as_bytes(primary_text), "tee-evidence.primary_evidence");

    const Sha384Digest digest = runtime_data_digest({nonce, jwk, additional});
    if (const std::string why = check_binding(ev.report_data, digest); !why.empty())
        out.checks.fail("runtime-data.binding", why);
    else
        out.checks.pass("runtime-data.binding", "report data is SHA-384 of the runtime-data");
    if (const json::Value* init = find_member(attestation_json, "init-data"); init != nullptr && !init->is_null())
        check_initdata(*init, ev, out.checks);

    std::string why_not;
    const Bytes key = vm_lookup_key(ev);
    std::optional<VmMatch> vm = key.empty() ? std::nullopt : directory.find(tee, key, why_not);
    if (!vm) {
        out.checks.fail(
            "vm", why_not.empty() ? "no running VM matches the evidence's initdata (" + to_hex(key) + ")" : why_not);
        out.reason = checks_summary(out.checks);
        return out;
    }
    out.vm = vm->name;
    const attestation::CheckList verified =
        attestation::verify_agent_evidence(ev, vm->expected, attestation::AgentAnchors{attestation_dir});
    for (const attestation::Check& c : verified.checks()) {
        if (c.skipped)
            out.checks.skip(c.name, c.reason);
        else
            out.checks.add(c.name, c.ok, c.reason);
    }
    out.checks.pass("vm", "running VM " + vm->name);
    out.ok = out.checks.verified();
    if (!out.ok) out.reason = checks_summary(out.checks);
    out.jwk = std::move(jwk);
    out.resources = std::move(vm->resources);
    return out;
}

}  // namespace

KeyBroker::KeyBroker(KbsConfig config, VmDirectory& directory, AuditSink& audit)
    : state_(std::make_unique<State>(std::move(config), directory, audit)) {}

KeyBroker::~KeyBroker() = default;

Jwk KeyBroker::token_public_key() const { return state_->token_key.public_jwk(); }

Reply KeyBroker::auth(std::string_view body) {
    json::Value request;
    try {
        request = json::parse_untrusted(body, "Request");
    } catch (const InputError& e) {
        return auth_error(std::string("deserialize ") + e.what());
    }
    if (!request.is_object()) return auth_error("deserialize Request: not a JSON object");
    const json::Value* version = find_member(request, "version");
    const json::Value* tee = find_member(request, "tee");
    if (version == nullptr || !version->is_string() || tee == nullptr || !tee->is_string())
        return auth_error("deserialize Request: \"version\" and \"tee\" must be strings");
    if (const std::string why = check_version(version->get<std::string>()); !why.empty()) return auth_error(why);
    const std::optional<AgentTee> t = attestation::agent_tee_from_name(tee->get<std::string>());
    if (!t) return auth_error("TEE \"" + tee->get<std::string>() + "\" is not supported here (snp, tdx, cca, csv)");

    const std::string id = to_hex(random_bytes(kSessionIdBytes));
    Session s;
    s.tee = *t;
    s.nonce = to_base64(random_bytes(kNonceBytes));
    const auto now = Clock::now();
    s.expires = now + state_->config.session_ttl;
    const json::Value challenge = {{"nonce", s.nonce}, {"extra-params", ""}};
    {
        std::lock_guard lock(state_->mu);
        state_->prune(now);
        if (state_->sessions.size() >= state_->config.max_sessions)
            return auth_error("too many open sessions; retry later");
        state_->sessions.emplace(id, std::move(s));
    }
    Reply r;
    r.body = challenge.dump();
    r.set_cookie = std::string(kSessionCookie) + "=" + id +
                   "; Max-Age=" + std::to_string(state_->config.session_ttl.count()) + "; Path=/kbs; HttpOnly";
    return r;
}

Reply KeyBroker::attest(std::string_view cookie, std::string_view body) {
    const std::string id = cookie_value(cookie, kSessionCookie);
    if (id.empty()) return attest_error("cookie not found");
    AgentTee tee;
    std::string nonce;
    {
        std::lock_guard lock(state_->mu);
        const auto it = state_->sessions.find(id);
        if (it == state_->sessions.end()) return attest_error("session not found");
        Session& s = it->second;
        if (s.expires <= Clock::now()) {
            state_->sessions.erase(it);
            return attest_error("session expired");
        }
        // A challenge answers one attestation attempt, successful or not: a second is a replay.
        if (s.stage != Session::Stage::challenged) return attest_error("the nonce of this session was already used");
        s.stage = Session::Stage::attesting;
        tee = s.tee;
        nonce = s.nonce;
    }

    Outcome outcome;
    try {
        const json::Value attestation_json = json::parse_untrusted(body, "deserialize Attestation");
        if (!attestation_json.is_object()) throw InputError("deserialize Attestation: not a JSON object");
        outcome = evaluate(attestation_json, tee, nonce, state_->directory, state_->config.attestation_dir);
    } catch (const std::exception& e) {
        outcome.ok = false;
        outcome.reason = e.what();
    }

    RuntimeAttestation record;
    record.vm = outcome.vm;
    record.tee = tee;
    record.session = id;
    record.time = std::chrono::system_clock::now();
    record.verified = outcome.ok;
    record.checks = outcome.checks;
    record.reason = outcome.reason;
    std::string token;
    if (outcome.ok) {
        const std::int64_t now = unix_now();
        json::Value claims = {
            {"iss", state_->config.issuer},
            {"iat", now},
            {"exp", now + state_->config.token_ttl.count()},
            {"jwk", state_->token_key.public_jwk().to_json()},
            {"tee-pubkey", outcome.jwk->to_json()},
            {"tee", std::string(attestation::agent_tee_name(tee))},
            {"vm", outcome.vm},
            {"evaluation-report", outcome.checks.to_json()},
        };
        token = state_->token_key.sign(claims);
    }
    {
        std::lock_guard lock(state_->mu);
        const auto it = state_->sessions.find(id);
        if (it != state_->sessions.end()) {
            Session& s = it->second;
            s.stage = outcome.ok ? Session::Stage::attested : Session::Stage::spent;
            if (outcome.ok) {
                s.vm = outcome.vm;
                s.jwk = outcome.jwk;
                s.resources = outcome.resources;
            }
        }
        if (!outcome.vm.empty()) {
            if (outcome.ok) state_->verified[outcome.vm] = record;
            state_->last[outcome.vm] = std::move(record);
        }
    }
    AuditEvent ev;
    ev.kind = AuditEvent::Kind::attestation;
    ev.vm = outcome.vm;
    ev.tee = attestation::agent_tee_name(tee);
    ev.session = id;
    ev.allowed = outcome.ok;
    ev.reason = outcome.reason;
    state_->audit.record(ev);
    if (!outcome.ok) return attest_error(outcome.reason);
    Reply r;
    r.body = json::Value{{"token", token}}.dump();
    return r;
}

Reply KeyBroker::resource(std::string_view cookie, std::string_view path) {
    std::optional<ResourcePath> rp;
    try {
        rp = ResourcePath::parse(path);
    } catch (const Error&) {
        return error_reply(404, "InvalidRequestPath", "Request path resource/" + std::string(path) + " is invalid");
    }
    const std::string id = cookie_value(cookie, kSessionCookie);
    AuditEvent ev;
    ev.kind = AuditEvent::Kind::release;
    ev.resource = rp->str();
    ev.session = id.empty() ? "-" : id;
    std::string vm;
    Jwk jwk;
    bool listed = false;
    {
        std::lock_guard lock(state_->mu);
        const auto it = id.empty() ? state_->sessions.end() : state_->sessions.find(id);
        if (it == state_->sessions.end() || it->second.expires <= Clock::now() ||
            it->second.stage != Session::Stage::attested) {
            if (it != state_->sessions.end() && it->second.expires <= Clock::now()) state_->sessions.erase(it);
            return error_reply(401, "TokenNotFound", "Attestation Token not found");
        }
        const Session& s = it->second;
        vm = s.vm;
        jwk = *s.jwk;
        ev.tee = attestation::agent_tee_name(s.tee);
        listed = std::find(s.resources.begin(), s.resources.end(), *rp) != s.resources.end();
    }
    ev.vm = vm;
    Reply reply;
    if (!listed) {
        const bool known = state_->directory.resource_known(*rp);
        ev.reason = known ? "resource not listed for this VM" : "no such resource";
        reply = known ? error_reply(403, "PolicyDeny", "Access denied by policy")
                      : error_reply(404, "InvalidRequestPath", "Request path resource/" + rp->str() + " is invalid");
    } else {
        try {
            const SecureBytes content = state_->directory.read_resource(vm, *rp);
            reply.body = jwe_encrypt(jwk, content.span()).dump();
            ev.allowed = true;
        } catch (const std::exception& e) {
            ev.reason = std::string("cannot read resource: ") + e.what();
            reply = error_reply(404, "InvalidRequestPath", "Request path resource/" + rp->str() + " is invalid");
        }
    }
    if (ev.allowed) {
        std::lock_guard lock(state_->mu);
        for (auto* records : {&state_->last, &state_->verified})
            if (auto it = records->find(vm); it != records->end() && it->second.session == id)
                it->second.released.push_back(rp->str());
    }
    state_->audit.record(ev);
    return reply;
}

std::optional<RuntimeAttestation> KeyBroker::last_attestation(const std::string& vm) const {
    std::lock_guard lock(state_->mu);
    const auto it = state_->last.find(vm);
    if (it == state_->last.end()) return std::nullopt;
    return it->second;
}

std::optional<RuntimeAttestation> KeyBroker::last_verified_attestation(const std::string& vm) const {
    std::lock_guard lock(state_->mu);
    const auto it = state_->verified.find(vm);
    if (it == state_->verified.end()) return std::nullopt;
    return it->second;
}

}  // namespace ccvm::kbs

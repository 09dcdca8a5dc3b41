// The KBS protocol core (Trustee kbs/docs/kbs_attestation_protocol.md, protocol version 0.4.0),
// free of any transport: auth (Request -> Challenge + session cookie), attest (Attestation -> token)
// and resource (-> flattened JWE to the attested key). http_server.hpp puts it on the network.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/attestation/checks.hpp"
#include "ccvm/firmware-measure/registers.hpp"
#include "ccvm/kbs/jwk.hpp"
#include "ccvm/kbs/jwt.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::kbs {

using SecureBytes = secret::SecretBytes;

// The protocol version this broker speaks; a Request must name exactly this one (Trustee matches
// the semver requirement "=0.4.0").
inline constexpr std::string_view kProtocolVersion = "0.4.0";
inline constexpr std::string_view kSessionCookie = "kbs-session-id";

// REPO/TYPE/TAG of /kbs/v0/resource/REPO/TYPE/TAG.
struct ResourcePath {
    std::string repo, type, tag;
    // Three non-empty segments of letters, digits and "-_.", none "." or ".."; InputError otherwise.
    static ResourcePath parse(std::string_view text);
    std::string str() const;  // "repo/type/tag"
    bool operator==(const ResourcePath&) const = default;
    auto operator<=>(const ResourcePath&) const = default;
};

// The VM an attestation speaks for, and what it may receive.
struct VmMatch {
    std::string name;
    ccvm::Registers expected;             // every register the evidence is compared against
    std::vector<ResourcePath> resources;  // the resources this VM may receive
};

// Implemented by ccvmd over its VM records, and by tests with real specs.
class VmDirectory {
public:
    virtual ~VmDirectory() = default;
    // The running VM whose initdata digest equals `init_data` (SNP/TDX/CCA), or whose launch digest
    // equals it (CSV; nullopt + reason when two running VMs share it). nullopt sets `why_not`.
    virtual std::optional<VmMatch> find(attestation::AgentTee tee, std::span<const std::byte> init_data,
                                        std::string& why_not) = 0;
    // The content of `resource` of `vm`; throws (any ccvm::Error) when it is absent.
    virtual SecureBytes read_resource(const std::string& vm, const ResourcePath& resource) = 0;
    // Whether any VM lists `resource`: a resource no one lists is "not found" (404) rather than
    // "not allowed" (403) for a VM that does not list it.
    virtual bool resource_known(const ResourcePath& /*resource*/) { return false; }
};

// One line of the audit log: an attestation or a release. Never any secret content.
struct AuditEvent {
    enum class Kind { attestation, release };
    Kind kind = Kind::attestation;
    std::string vm;        // "" when no VM matched
    std::string tee;       // "snp", "tdx", "cca", "csv"
    std::string resource;  // release only
    std::string session;
    bool allowed = false;
    std::string reason;  // why it was refused (or "" when allowed)
    // "kbs attestation vm=NAME tee=snp session=ID verdict=verified" (+ " reason=..." when refused).
    std::string line() const;
};

class AuditSink {
public:
    virtual ~AuditSink() = default;
    virtual void record(const AuditEvent& event) = 0;  // called from the broker's callers' threads
};

struct KbsConfig {
    std::chrono::seconds session_ttl{300};
    std::filesystem::path attestation_dir;           // trust anchors for verify_agent_evidence
    std::optional<std::filesystem::path> token_key;  // PEM P-256 key signing tokens; absent: generated
    std::chrono::seconds token_ttl{300};
    std::string issuer = "ccvm";
    std::size_t max_sessions = 4096;  // pending + attested sessions kept at once
};

// The HTTP answer of one call. Errors carry Trustee's ErrorInformation JSON
// {"type": "https://github.com/confidential-containers/kbs/errors/<Type>", "detail": "..."}.
struct Reply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::optional<std::string> set_cookie;  // full Set-Cookie header value
};

// One runtime attestation attempt of a VM and its verdict, for `ccvm status` and `ccvm attest`.
struct RuntimeAttestation {
    std::string vm;
    attestation::AgentTee tee = attestation::AgentTee::snp;
    std::string session;
    std::chrono::system_clock::time_point time;
    bool verified = false;
    attestation::CheckList checks;
    std::string reason;                 // why it was refused ("" when verified)
    std::vector<std::string> released;  // resources released in this session, in order
};

class KeyBroker {
public:
    // Throws InputError when the token key file cannot be used.
    KeyBroker(KbsConfig config, VmDirectory& directory, AuditSink& audit);
    ~KeyBroker();
    KeyBroker(const KeyBroker&) = delete;
    KeyBroker& operator=(const KeyBroker&) = delete;

    // POST /kbs/v0/auth with a Request body.
    Reply auth(std::string_view body);
    // POST /kbs/v0/attest: `cookie` is the request's Cookie header ("" when absent).
    Reply attest(std::string_view cookie, std::string_view body);
    // GET /kbs/v0/resource/<path>: `path` is REPO/TYPE/TAG.
    Reply resource(std::string_view cookie, std::string_view path);

    // The VM's last attestation attempt, verified or refused (what `ccvm status` reports first).
    std::optional<RuntimeAttestation> last_attestation(const std::string& vm) const;
    // The VM's last verified attestation, with the resources released in its session: a refused
    // attempt after it (a replay, a forged or stale report) never replaces or erases it.
    std::optional<RuntimeAttestation> last_verified_attestation(const std::string& vm) const;
    // The public key tokens are signed with (for relying parties).
    Jwk token_public_key() const;

private:
    struct Session;
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace ccvm::kbs

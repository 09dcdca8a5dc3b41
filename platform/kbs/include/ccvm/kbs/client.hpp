// A KBS protocol client (the attester side): auth, attest with evidence from a provider, then get
// resources and decrypt their JWE with an ephemeral key that lives only in this object.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/attestation/crypto.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/kbs/key_broker.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::kbs {

// Where the attester's evidence comes from: configfs-tsm in a guest, test keys in tests.
class EvidenceProvider {
public:
    virtual ~EvidenceProvider() = default;
    virtual attestation::AgentTee tee() = 0;
    // The attestation-agent evidence JSON (tee-evidence.primary_evidence) binding `report_data`
    // (64 bytes: the runtime-data digest, zero-padded).
    virtual std::string evidence(ByteSpan report_data) = 0;
};

// The ephemeral key's type. RSA1_5 exists only so tests can check that brokers refuse it.
enum class TeeKeyKind { ec_p256, ec_p384, ec_p521, rsa_oaep256, rsa1_5 };

struct KbsClientOptions {
    std::string url;                               // http(s)://HOST[:PORT], no path
    std::optional<std::string> initdata;           // initdata TOML sent as init-data (format "toml")
    std::optional<std::filesystem::path> ca_cert;  // PEM CA(s) for an https URL; else system store
    std::chrono::seconds timeout{30};
    TeeKeyKind key = TeeKeyKind::ec_p256;
};

// A KBS error answer: HTTP status and Trustee ErrorInformation. Its kind is mismatch for 401/403
// (attestation or policy refused), input for 404, system otherwise.
struct KbsError : Error {
    KbsError(ErrorKind kind, int http_status, std::string error_type, std::string error_detail,
             const std::string& message)
        : Error(kind, message), status(http_status), type(std::move(error_type)), detail(std::move(error_detail)) {}
    int status;
    std::string type, detail;
};

class KbsClient {
public:
    KbsClient(KbsClientOptions options, EvidenceProvider& provider);
    ~KbsClient();
    KbsClient(const KbsClient&) = delete;
    KbsClient& operator=(const KbsClient&) = delete;

    // Runs auth and attest; returns the attestation token. Throws KbsError for refusals, SystemError
    // when the KBS cannot be reached.
    std::string attest();
    // GET the resource (attesting first when this client has not), and decrypt it.
    secret::SecretBytes get_resource(const ResourcePath& resource);

    // The raw exchanges, for tests of refusals: POST/GET with this client's session cookie.
    struct RawReply {
        int status = 0;
        std::string body;
    };
    RawReply post(const std::string& path, const std::string& body);
    RawReply get(const std::string& path);
    const std::string& session_cookie() const noexcept;
    void set_session_cookie(std::string cookie);
    const Jwk& tee_pubkey() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ccvm::kbs

// The embedded key broker (issue 15, ccvmd(8) "KEY BROKER"): the KBS protocol served over HTTP(S)
// from ccvmd, for the VMs ccvmd runs. SEV-SNP, TDX, CCA and CSV guests attest at run time and get
// the secrets their spec lists, encrypted to their attested key; every attestation and release is
// one audit line.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ccvm/daemon/config.hpp"
#include "ccvm/daemon/vm_manager.hpp"
#include "ccvm/kbs/key_broker.hpp"

namespace ccvm::daemon {

// Told when a VM's last runtime attestation or its released resources change (the bus announces
// the VM's RuntimeAttestation property).
class RuntimeObserver {
public:
    virtual ~RuntimeObserver() = default;
    virtual void runtime_attestation_changed(const std::string& vm) = 0;
};

// What a session id becomes wherever people read it (the audit log, D-Bus): the session cookie is a
// bearer credential until the session expires, so only the first 12 hex digits of its SHA-256 are
// shown. Enough to follow one session through the log.
std::string session_label(std::string_view session_id);

class KeyBrokerService {
public:
    // `config.kbs_listen` must be set. Nothing listens before start().
    KeyBrokerService(const DaemonConfig& config, const VmManager& manager);
    ~KeyBrokerService();
    KeyBrokerService(const KeyBrokerService&) = delete;
    KeyBrokerService& operator=(const KeyBrokerService&) = delete;

    // Set before start().
    void set_observer(RuntimeObserver* observer);
    // Binds kbs_listen and serves. Throws ccvm::Error naming the config key (kbs_listen,
    // kbs_tls_cert, kbs_tls_key) when that fails. Warns once when serving plain HTTP.
    void start();
    // Stops accepting, lets running requests finish. Idempotent.
    void stop();
    int port() const noexcept;

    // The VM's last runtime attestation attempt since ccvmd started (verified or refused), with the
    // resources released in that session (session id shown as session_label()).
    std::optional<kbs::RuntimeAttestation> last_attestation(const std::string& vm) const;
    // The VM's last verified runtime attestation since ccvmd started, the same way; a refused attempt
    // after it leaves it in place.
    std::optional<kbs::RuntimeAttestation> last_verified_attestation(const std::string& vm) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ccvm::daemon

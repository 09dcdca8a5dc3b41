#include "ccvm/daemon/key_broker_service.hpp"

#include <spdlog/spdlog.h>

#include <atomic>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/http_server.hpp"
#include "kbs/vm_directory.hpp"

namespace ccvm::daemon {

namespace {

// Requests served at once; more wait in the server's queue (a guest's attestation takes a few ms of
// signature checks, so a handful of threads keeps up with a host's guests).
constexpr std::size_t kServerThreads = 8;
// Attestation bodies carry one report, quote or token with its certificates: well below this.
constexpr std::size_t kMaxRequestBody = 1 << 20;

std::string_view verdict_word(const kbs::AuditEvent& event) {
    if (event.kind == kbs::AuditEvent::Kind::release) return event.allowed ? "released" : "refused";
    return event.allowed ? "verified" : "refused";
}

// The audit log of the key broker: one line per attestation and per release, never any content.
class DaemonAuditSink final : public kbs::AuditSink {
public:
    void set_observer(RuntimeObserver* observer) { observer_.store(observer); }

    void record(const kbs::AuditEvent& event) override {
        const bool release = event.kind == kbs::AuditEvent::Kind::release;
        std::string line = std::string("audit: kbs ") + (release ? "release" : "attestation") +
                           " vm=" + (event.vm.empty() ? "-" : echo_input(event.vm)) +
                           " tee=" + (event.tee.empty() ? "-" : echo_input(event.tee));
        if (release) line += " resource=" + echo_input(event.resource);
        line += " session=" + session_label(event.session) + " verdict=" + std::string(verdict_word(event));
        if (!event.allowed && !event.reason.empty()) line += " reason=" + echo_input(event.reason, 1024);
        if (event.allowed)
            spdlog::info("{}", line);
        else
            spdlog::warn("{}", line);
        if (RuntimeObserver* observer = observer_.load(); observer != nullptr && !event.vm.empty())
            observer->runtime_attestation_changed(event.vm);
    }

private:
    std::atomic<RuntimeObserver*> observer_{nullptr};
};

}  // namespace

std::string session_label(std::string_view session_id) {
    if (session_id.empty()) return "-";
    const auto digest = sha256(ByteSpan(reinterpret_cast<const std::byte*>(session_id.data()), session_id.size()));
    return to_hex(ByteSpan(digest.data(), 6));
}

struct KeyBrokerService::Impl {
    Impl(const DaemonConfig& config, const VmManager& manager)
        : config_(config), directory(manager), broker(broker_config(config), directory, audit) {}

    static kbs::KbsConfig broker_config(const DaemonConfig& config) {
        kbs::KbsConfig out;
        out.session_ttl = config.kbs_session_ttl;
        out.attestation_dir = config.attestation_dir;
        return out;  // tokens signed with a key made at start-up
    }

    DaemonConfig config_;
    ManagerVmDirectory directory;
    DaemonAuditSink audit;
    kbs::KeyBroker broker;
    std::unique_ptr<kbs::HttpServer> server;
};

KeyBrokerService::KeyBrokerService(const DaemonConfig& config, const VmManager& manager)
    : impl_(std::make_unique<Impl>(config, manager)) {
    if (!config.kbs_listen) throw InputError("kbs_listen: not set; the key broker has nowhere to listen");
}

KeyBrokerService::~KeyBrokerService() { stop(); }

void KeyBrokerService::set_observer(RuntimeObserver* observer) { impl_->audit.set_observer(observer); }

void KeyBrokerService::start() {
    const DaemonConfig& c = impl_->config_;
    kbs::HttpServerConfig server;
    server.listen = c.kbs_listen->str();
    if (c.kbs_tls()) {
        server.tls_cert = c.kbs_tls_cert;
        server.tls_key = c.kbs_tls_key;
    }
    server.threads = kServerThreads;
    server.max_body = kMaxRequestBody;
    impl_->server = std::make_unique<kbs::HttpServer>(impl_->broker, server);
    try {
        impl_->server->start();
    } catch (const Error& e) {
        impl_->server.reset();
        // The server names the file or the address; the admin needs the config key as well.
        const std::string_view what = e.what();
        const bool about_tls = c.kbs_tls() && (what.find(c.kbs_tls_cert.string()) != std::string_view::npos ||
                                               what.find(c.kbs_tls_key.string()) != std::string_view::npos);
        const char* key = about_tls ? "kbs_tls_cert/kbs_tls_key" : "kbs_listen";
        throw Error(e.kind(), std::string(key) + ": " + e.what());
    }
    if (!c.kbs_tls())
        spdlog::warn(
            "kbs: serving plain HTTP on {}: set kbs_tls_cert and kbs_tls_key for HTTPS (released secrets stay "
            "encrypted to each guest's attested key)",
            c.kbs_listen->str());
    spdlog::info("kbs: KBS protocol {} on {}://{} (session ttl {} s, anchors {}, guests' URL {})",
                 kbs::kProtocolVersion, c.kbs_tls() ? "https" : "http", c.kbs_listen->str(), c.kbs_session_ttl.count(),
                 c.attestation_dir.string(), c.kbs_url);
}

void KeyBrokerService::stop() {
    if (impl_ && impl_->server) {
        impl_->server->stop();
        impl_->server.reset();
        spdlog::info("kbs: stopped");
    }
}

int KeyBrokerService::port() const noexcept { return impl_->server ? impl_->server->port() : 0; }

std::optional<kbs::RuntimeAttestation> KeyBrokerService::last_attestation(const std::string& vm) const {
    std::optional<kbs::RuntimeAttestation> out = impl_->broker.last_attestation(vm);
    if (out) out->session = session_label(out->session);
    return out;
}

std::optional<kbs::RuntimeAttestation> KeyBrokerService::last_verified_attestation(const std::string& vm) const {
    std::optional<kbs::RuntimeAttestation> out = impl_->broker.last_verified_attestation(vm);
    if (out) out->session = session_label(out->session);
    return out;
}

}  // namespace ccvm::daemon

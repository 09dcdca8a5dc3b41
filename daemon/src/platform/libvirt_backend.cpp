#include "platform/libvirt_backend.hpp"

#include "ccvm/daemon/errors.hpp"
#include "ccvm/firmware-measure/encoding.hpp"

namespace ccvm::daemon {

namespace {

// Every libvirt failure reaches the caller as org.ccvm.ccvm1.Error.Libvirt with libvirt's message.
template <typename Fn>
auto libvirt_call(const char* what, const std::string& name, Fn fn) {
    try {
        return fn();
    } catch (const platform::LibvirtError& e) {
        throw DaemonError(ErrorCode::libvirt, std::string(what) + " " + name + ": " + e.what());
    }
}

std::uint32_t uint_param(const platform::TypedParams& params, const char* key) {
    const auto it = params.find(key);
    if (it == params.end()) throw DaemonError(ErrorCode::libvirt, std::string("libvirt reported no ") + key);
    if (const auto* u = std::get_if<unsigned>(&it->second)) return *u;
    if (const auto* i = std::get_if<int>(&it->second)) return static_cast<std::uint32_t>(*i);
    throw DaemonError(ErrorCode::libvirt, std::string("libvirt reported ") + key + " with an unexpected type");
}

}  // namespace

LibvirtBackend::LibvirtBackend(const std::string& uri)
    : connection_(libvirt_call("connect to", uri, [&] { return platform::LibvirtConnection::open(uri); })) {}

platform::Domain LibvirtBackend::domain(const std::string& name) {
    auto d = libvirt_call("look up", name, [&] { return connection_.lookup_domain(name); });
    if (!d) throw DaemonError(ErrorCode::libvirt, "libvirt has no domain " + name);
    return std::move(*d);
}

std::vector<std::string> LibvirtBackend::list_domains() {
    return libvirt_call("list", connection_.uri(), [&] {
        std::vector<std::string> names;
        for (const platform::Domain& d : connection_.list_domains()) names.push_back(d.name());
        return names;
    });
}

DomainState LibvirtBackend::state(const std::string& name) {
    return libvirt_call("read the state of", name, [&] {
        const auto d = connection_.lookup_domain(name);
        if (!d) return DomainState::absent;
        switch (d->state()) {
            case platform::DomainState::shutoff:
            case platform::DomainState::crashed:
                return DomainState::shutoff;
            case platform::DomainState::running:
            case platform::DomainState::blocked:
            case platform::DomainState::shutdown:  // shutting down: still running
                return DomainState::running;
            case platform::DomainState::paused:
            case platform::DomainState::pmsuspended:
                return DomainState::paused;
            default:
                return DomainState::other;
        }
    });
}

void LibvirtBackend::define(const std::string& domain_xml) {
    libvirt_call("define", "domain", [&] { connection_.define_domain(domain_xml); });
}

void LibvirtBackend::start(const std::string& name, bool paused) {
    libvirt_call("start", name, [&] { domain(name).start(paused); });
}

void LibvirtBackend::resume(const std::string& name) {
    libvirt_call("resume", name, [&] { domain(name).resume(); });
}

void LibvirtBackend::shutdown(const std::string& name) {
    libvirt_call("shut down", name, [&] { domain(name).shutdown(); });
}

void LibvirtBackend::destroy(const std::string& name) {
    libvirt_call("destroy", name, [&] { domain(name).destroy(); });
}

void LibvirtBackend::undefine(const std::string& name) {
    libvirt_call("undefine", name, [&] { domain(name).undefine(); });
}

std::string LibvirtBackend::domain_xml(const std::string& name) {
    return libvirt_call("read the XML of", name, [&] { return domain(name).xml(); });
}

LaunchReport LibvirtBackend::launch_measurement(const std::string& name) {
    const platform::TypedParams params =
        libvirt_call("read the launch measurement of", name, [&] { return domain(name).launch_security_info(); });
    const auto it = params.find("sev-measurement");  // libvirt.md §10
    if (it == params.end() || !std::holds_alternative<std::string>(it->second))
        throw DaemonError(ErrorCode::libvirt, "libvirt reported no sev-measurement for " + name);
    LaunchReport report;
    report.measurement = from_base64(std::get<std::string>(it->second), "sev-measurement");
    report.api_major = uint_param(params, "sev-api-major");
    report.api_minor = uint_param(params, "sev-api-minor");
    report.build_id = uint_param(params, "sev-build-id");
    report.policy = uint_param(params, "sev-policy");
    return report;
}

Bytes LibvirtBackend::sev_pdh() {
    throw DaemonError(ErrorCode::not_supported,
                      "reading the platform's SEV PDH (virNodeGetSEVInfo) is not available through the platform "
                      "libvirt wrapper yet; use launch_security: simulated, or create the session with 'ccvm session'");
}

void LibvirtBackend::inject_launch_secret(const std::string& name, const std::string& header_b64,
                                          const std::string& secret_b64) {
    libvirt_call("inject the launch secret into", name,
                 [&] { domain(name).set_launch_security_state(header_b64, secret_b64, std::nullopt); });
}

}  // namespace ccvm::daemon

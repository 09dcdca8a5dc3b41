#include "launch_backends/libvirt_backend.hpp"

#include <spdlog/spdlog.h>

#include "ccvm/daemon/errors.hpp"
#include "ccvm/platform/host_support.hpp"

namespace ccvm::daemon {

namespace {

// Every libvirt failure reaches the caller as org.ccvm.ccvm1.Error.Libvirt with libvirt's message.
template <typename Fn>
auto libvirt_call(const char* what, const std::string& name, Fn fn) {
    try {
        return fn();
    } catch (const libvirt::LibvirtError& e) {
        throw DaemonError(ErrorCode::libvirt, std::string(what) + " " + name + ": " + e.what());
    }
}

}  // namespace

LibvirtBackend::LibvirtBackend(const std::string& uri, libvirt::LaunchSecurityCalls calls)
    : connection_(
          libvirt_call("connect to", uri, [&] { return libvirt::LibvirtConnection::open(uri, std::move(calls)); })) {}

void LibvirtBackend::check_can_launch(platform::TeeKind tee) {
    if (tee == platform::TeeKind::none) return;
    std::lock_guard lock(probe_mutex_);
    if (!host_) {
        host_ = libvirt_call("probe", connection_.uri(), [&] { return connection_.probe_host(); });
        std::string types = host_->launch_security ? "" : "not reported";
        for (const std::string& t : host_->launch_security.value_or(std::vector<std::string>{}))
            types += (types.empty() ? "" : " ") + t;
        spdlog::info("host {}: libvirt {}, QEMU {}, launch security: {}", host_->uri, host_->libvirt.str(),
                     host_->qemu ? host_->qemu->str() : "-", types.empty() ? "none" : types);
    }
    if (const auto why = platform::host_cannot_launch(tee, *host_)) throw DaemonError(ErrorCode::not_supported, *why);
}

libvirt::Domain LibvirtBackend::domain(const std::string& name) {
    auto d = libvirt_call("look up", name, [&] { return connection_.lookup_domain(name); });
    if (!d) throw DaemonError(ErrorCode::libvirt, "libvirt has no domain " + name);
    return std::move(*d);
}

std::vector<std::string> LibvirtBackend::list_domains() {
    return libvirt_call("list", connection_.uri(), [&] {
        std::vector<std::string> names;
        for (const libvirt::Domain& d : connection_.list_domains()) names.push_back(d.name());
        return names;
    });
}

DomainState LibvirtBackend::state(const std::string& name) {
    return libvirt_call("read the state of", name, [&] {
        const auto d = connection_.lookup_domain(name);
        if (!d) return DomainState::absent;
        switch (d->state()) {
            case libvirt::DomainState::shutoff:
            case libvirt::DomainState::crashed:
                return DomainState::shutoff;
            case libvirt::DomainState::running:
            case libvirt::DomainState::blocked:
            case libvirt::DomainState::shutdown:  // shutting down: still running
                return DomainState::running;
            case libvirt::DomainState::paused:
            case libvirt::DomainState::pmsuspended:
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
    const libvirt::SevLaunchInfo info =
        libvirt_call("read the launch measurement of", name, [&] { return domain(name).sev_launch_info(); });
    return {info.measurement, info.api_major, info.api_minor, info.build_id, info.policy};
}

Bytes LibvirtBackend::sev_pdh(LaunchFirmware) {
    try {
        return connection_.sev_info().pdh;
    } catch (const libvirt::LibvirtError& e) {
        if (e.unsupported())
            throw DaemonError(ErrorCode::not_supported,
                              "host " + connection_.uri() + " offers no SEV/CSV launch security (" + e.what() + ")");
        throw DaemonError(ErrorCode::libvirt, "read the platform PDH of " + connection_.uri() + ": " + e.what());
    }
}

void LibvirtBackend::inject_launch_secret(const std::string& name, const std::string& header_b64,
                                          const std::string& secret_b64) {
    libvirt_call("inject the launch secret into", name,
                 [&] { domain(name).set_launch_security_state(header_b64, secret_b64, std::nullopt); });
}

}  // namespace ccvm::daemon

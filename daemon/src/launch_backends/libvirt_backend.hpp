// VmBackend on the platform's RAII libvirt wrapper. libvirt connections are thread-safe, so one
// connection serves every worker thread.
#pragma once

#include <mutex>
#include <optional>

#include "ccvm/daemon/vm_backend.hpp"
#include "ccvm/libvirt/connection.hpp"

namespace ccvm::daemon {

class LibvirtBackend final : public VmBackend {
public:
    // `calls`: libvirt's launch-security functions, or a test's stand-ins for a host it lacks.
    explicit LibvirtBackend(const std::string& uri,
                            libvirt::LaunchSecurityCalls calls = libvirt::LaunchSecurityCalls::libvirt());

    // Probes the host once (libvirt and QEMU versions, domain capabilities), on the first TEE spec.
    void check_can_launch(platform::TeeKind tee) override;
    std::vector<std::string> list_domains() override;
    DomainState state(const std::string& name) override;
    void define(const std::string& domain_xml) override;
    void start(const std::string& name, bool paused) override;
    void resume(const std::string& name) override;
    void shutdown(const std::string& name) override;
    void destroy(const std::string& name) override;
    void undefine(const std::string& name) override;
    Bytes sev_pdh(LaunchFirmware firmware) override;
    LaunchReport launch_measurement(const std::string& name) override;
    void inject_launch_secret(const std::string& name, const std::string& header_b64,
                              const std::string& secret_b64) override;

    // The live domain XML (with what libvirt filled in).
    std::string domain_xml(const std::string& name);

private:
    libvirt::Domain domain(const std::string& name);
    libvirt::LibvirtConnection connection_;
    std::mutex probe_mutex_;
    std::optional<libvirt::HostCapabilities> host_;  // set once, by the first check_can_launch
};

}  // namespace ccvm::daemon

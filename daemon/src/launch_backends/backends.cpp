#include <spdlog/spdlog.h>

#include "ccvm/daemon/platform_backend.hpp"
#include "launch_backends/libvirt_backend.hpp"
#include "launch_backends/platform_planner.hpp"
#include "launch_backends/sev_launch.hpp"
#include "launch_backends/simulated_backend.hpp"

namespace ccvm::daemon {

Backends make_backends(const DaemonConfig& config) {
    const std::filesystem::path vms_dir = config.state_dir / "vms";
    Backends b;
    b.planner = std::make_unique<PlatformPlanner>(config.kbs_url);
    auto libvirt = std::make_unique<LibvirtBackend>(config.libvirt_uri);
    const std::string name(to_string(config.launch_security));
    if (config.launch_security == LaunchSecurity::simulated) {
        spdlog::warn(
            "launch security is SIMULATED: ccvmd plays the SEV and CSV firmware; no VM it launches is confidential");
        b.backend = std::make_unique<SimulatedLaunchBackend>(std::move(libvirt), vms_dir);
    } else {
        b.backend = std::move(libvirt);
    }
    b.flows = std::make_unique<LaunchFlows>(name);
    // The firmware enforces (SNP ID block) or reports (TDX, CCA) the measurement itself.
    b.flows->add({"none", "sev-snp", "tdx", "cca"}, std::make_shared<DirectLaunch>(name));
    // Pre-attestation: measurement checked before any secret leaves (sev.md §9-§11, csv.md §4-§6).
    b.flows->add({"sev", "sev-es"}, std::make_shared<PreAttestedLaunch>(name, vms_dir, sev_pre_attestation()));
    b.flows->add({"csv", "csv2", "csv3"}, std::make_shared<PreAttestedLaunch>(name, vms_dir, csv_pre_attestation()));
    return b;
}

}  // namespace ccvm::daemon

// The production pieces on top of the platform and launch-secret libraries: the spec planner, the
// libvirt backend (or the simulated launch-security backend) and the launch flows per family.
#pragma once

#include <memory>

#include "ccvm/daemon/config.hpp"
#include "ccvm/daemon/launch_flow.hpp"
#include "ccvm/daemon/spec_planner.hpp"
#include "ccvm/daemon/vm_backend.hpp"

namespace ccvm::daemon {

struct Backends {
    std::unique_ptr<SpecPlanner> planner;
    std::unique_ptr<VmBackend> backend;
    std::unique_ptr<LaunchFlows> flows;
};

// Connects to config.libvirt_uri; throws DaemonError(libvirt) when that fails.
Backends make_backends(const DaemonConfig& config);

}  // namespace ccvm::daemon

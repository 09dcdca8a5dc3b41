// How one TEE family launches (issue: "The launch flow, per family"). The manager picks the flow by
// the VM's TEE; each flow is one class.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/daemon/spec_planner.hpp"
#include "ccvm/daemon/vm_backend.hpp"
#include "ccvm/daemon/vm_record.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::daemon {

struct SecretEntry {
    std::string guid;
    secret::SecretBytes data;
};

// Where a launch ended: running, paused waiting for a secret, or refused (domain destroyed).
struct LaunchOutcome {
    VmState state = VmState::running;
    std::string reason;
    Bytes launch_measurement;  // when the family reports one
    std::optional<LaunchAttestation> attestation;
};

class LaunchFlow {
public:
    virtual ~LaunchFlow() = default;
    // Starts the defined domain `plan.name` and runs the family's checks. `secrets` are the spec's.
    virtual LaunchOutcome launch(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets) = 0;
    // Injects `secrets` into a VM left paused by launch() and resumes it.
    virtual LaunchOutcome inject(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets);
    // Forgets in-memory launch material of `name` (destroyed or removed VM).
    virtual void forget(const std::string& name);
};

// The flows by TEE, and the backend name that every reply carries ("libvirt"/"simulated").
class LaunchFlows {
public:
    explicit LaunchFlows(std::string backend_name) : backend_name_(std::move(backend_name)) {}
    void add(const std::vector<platform::TeeKind>& tees, std::shared_ptr<LaunchFlow> flow);
    // Throws DaemonError(not_supported) for a TEE with no flow.
    LaunchFlow& for_tee(platform::TeeKind tee) const;
    void forget(const std::string& name) const;
    const std::string& backend_name() const noexcept { return backend_name_; }

private:
    std::string backend_name_;
    std::map<platform::TeeKind, std::shared_ptr<LaunchFlow>> flows_;
};

// Families whose firmware enforces or reports the measurement later (none, SEV-SNP with its ID
// block, TDX, CCA): start and run; the expected registers stay recorded for Attest.
class DirectLaunch final : public LaunchFlow {
public:
    explicit DirectLaunch(std::string backend_name) : backend_name_(std::move(backend_name)) {}
    LaunchOutcome launch(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets) override;

private:
    std::string backend_name_;
};

}  // namespace ccvm::daemon

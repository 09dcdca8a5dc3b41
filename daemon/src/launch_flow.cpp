#include "ccvm/daemon/launch_flow.hpp"

#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {

LaunchOutcome LaunchFlow::inject(VmBackend&, const VmPlan& plan, std::vector<SecretEntry>) {
    throw DaemonError(ErrorCode::not_supported, "VM '" + plan.name + "' (tee " + plan.tee + ") takes no launch secret");
}

void LaunchFlow::forget(const std::string&) {}

void LaunchFlows::add(const std::vector<std::string>& tees, std::shared_ptr<LaunchFlow> flow) {
    for (const std::string& tee : tees) flows_[tee] = flow;
}

LaunchFlow& LaunchFlows::for_tee(const std::string& tee) const {
    const auto it = flows_.find(tee);
    if (it == flows_.end())
        throw DaemonError(ErrorCode::not_supported,
                          "the " + backend_name_ + " launch backend cannot launch tee '" + tee + "'");
    return *it->second;
}

void LaunchFlows::forget(const std::string& name) const {
    for (const auto& [tee, flow] : flows_) flow->forget(name);
}

LaunchOutcome DirectLaunch::launch(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets) {
    if (!secrets.empty())
        throw DaemonError(ErrorCode::not_supported,
                          "tee '" + plan.tee + "' of VM '" + plan.name + "' has no pre-attestation secret injection");
    backend.start(plan.name, false);
    LaunchOutcome outcome;
    outcome.state = VmState::running;
    if (backend_name_ == "simulated" && plan.tee != "none")
        outcome.reason = "simulated " + plan.tee +
                         " launch: running on the test hypervisor without its launch security; not confidential";
    json::Value attestation;
    attestation.set("verdict", "pending");
    attestation.set("reason", plan.tee == "none" ? "tee none: nothing to attest"
                                                 : "the firmware reports the measurement in the guest's evidence");
    attestation.set("backend", backend_name_);
    outcome.attestation = std::move(attestation);
    return outcome;
}

}  // namespace ccvm::daemon

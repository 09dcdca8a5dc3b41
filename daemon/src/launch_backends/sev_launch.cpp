#include "launch_backends/sev_launch.hpp"

#include <spdlog/spdlog.h>

#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/launch-secret/secret_area.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "launch_backends/platform_planner.hpp"

namespace ccvm::daemon {

namespace {

// The expected launch digest recorded at create time; empty with the reason when it was not computed.
std::optional<Sha256Digest> expected_launch_digest(const Registers& expected, std::string& why_not) {
    const auto ld = expected.values.find("launch_digest");
    if (ld == expected.values.end()) {
        const auto reason = expected.not_computed.find("launch_digest");
        why_not = reason != expected.not_computed.end() ? reason->second : "no launch_digest register";
        return std::nullopt;
    }
    Sha256Digest d;
    if (ld->second.size() != d.size()) {
        why_not = "expected launch_digest is not 32 bytes";
        return std::nullopt;
    }
    std::copy(ld->second.begin(), ld->second.end(), d.begin());
    return d;
}

LaunchAttestation attestation(LaunchVerdict verdict, const std::string& reason, const std::string& backend,
                              const LaunchReport& report) {
    return {verdict, reason, backend,
            LaunchPlatform{report.api_major, report.api_minor, report.build_id, report.policy}};
}

}  // namespace

LaunchOutcome PreAttestedLaunch::launch(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets) {
    platform::VmSpec spec = native_spec(plan);
    auto* sev = std::get_if<platform::SevOptions>(&spec.tee_options);
    if (sev == nullptr) throw DaemonError(ErrorCode::internal, "VM '" + plan.name + "' has no SEV options");
    if (sev->dh_cert_file || sev->session_file)
        throw DaemonError(ErrorCode::not_supported,
                          "spec of '" + plan.name +
                              "' names its own launch session (dh-cert-file/session-file); "
                              "ccvmd makes the session itself so that it can check the measurement: remove them");

    // sev.md §8, csv.md §5: a fresh session for every launch, bound to this policy.
    PreAttestation::Session session;
    try {
        session = scheme_.create_session(backend.sev_pdh(scheme_.firmware()), sev->policy);
    } catch (const InputError& e) {
        throw DaemonError(ErrorCode::libvirt, "VM '" + plan.name + "': the host's " + e.what());
    }
    const std::filesystem::path dir = vms_dir_ / plan.name;
    write_file_atomic(dir / "godh.b64", to_base64(session.dh_cert), 0600);
    write_file_atomic(dir / "session.b64", to_base64(session.blob), 0600);
    sev->dh_cert_file = dir / "godh.b64";
    sev->session_file = dir / "session.b64";
    backend.define(platform::render_domain_xml(spec));
    backend.start(plan.name, true);

    const LaunchReport report = backend.launch_measurement(plan.name);
    LaunchOutcome outcome;
    outcome.launch_measurement = report.measurement;
    std::string why_not;
    const std::optional<Sha256Digest> ld = expected_launch_digest(plan.expected, why_not);
    const bool ok = ld && scheme_.measurement_matches(session.tik, report, *ld);
    if (!ok) {
        backend.destroy(plan.name);
        outcome.state = VmState::failed;
        outcome.reason =
            ld ? "launch measurement mismatch: the firmware measured something other than expected launch digest " +
                     to_hex(*ld) +
                     " (firmware, kernel, initrd or command line changed since the VM was created?); "
                     "no secret injected, domain destroyed"
               : "cannot check the launch measurement: the expected launch digest was not computed (" + why_not +
                     "); no secret injected, domain destroyed";
        outcome.attestation = attestation(LaunchVerdict::mismatch, outcome.reason, backend_name_, report);
        spdlog::warn("VM {}: {}", plan.name, outcome.reason);
        return outcome;
    }
    Verified verified{std::move(session.tek), std::move(session.tik), report};
    if (!secrets.empty()) return inject_verified(backend, plan.name, verified, std::move(secrets));
    outcome.state = VmState::paused;
    outcome.reason = "launch measurement verified; paused until a secret is injected";
    outcome.attestation =
        attestation(LaunchVerdict::ok, "launch measurement matches the expected launch digest", backend_name_, report);
    std::lock_guard lock(mutex_);
    verified_.insert_or_assign(plan.name, std::move(verified));
    return outcome;
}

LaunchOutcome PreAttestedLaunch::inject(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets) {
    Verified verified;
    {
        std::lock_guard lock(mutex_);
        const auto it = verified_.find(plan.name);
        if (it == verified_.end())
            throw DaemonError(ErrorCode::invalid_state,
                              "VM '" + plan.name + "' has no verified launch waiting for a secret; start it again");
        verified = std::move(it->second);
        verified_.erase(it);
    }
    return inject_verified(backend, plan.name, verified, std::move(secrets));
}

LaunchOutcome PreAttestedLaunch::inject_verified(VmBackend& backend, const std::string& name, Verified& verified,
                                                 std::vector<SecretEntry> secrets) {
    std::vector<secret::SecretEntry> entries;
    for (SecretEntry& s : secrets) entries.push_back({Guid::parse(s.guid), std::move(s.data)});
    const secret::SecretBytes table = secret::build_secret_table(entries, secret::Padding::libvirt);
    secret::check_secret_fits(table.size(), std::nullopt, name);
    const PreAttestation::Packet packet = scheme_.build_packet(verified.tek, verified.tik, verified.report, table);
    backend.inject_launch_secret(name, to_base64(packet.header), to_base64(packet.ciphertext));
    backend.resume(name);
    LaunchOutcome outcome;
    outcome.state = VmState::running;
    outcome.reason = std::to_string(entries.size()) + " secret(s) injected after a verified launch";
    outcome.launch_measurement = verified.report.measurement;
    outcome.attestation =
        attestation(LaunchVerdict::ok, "launch measurement matches; " + outcome.reason, backend_name_, verified.report);
    return outcome;
}

void PreAttestedLaunch::forget(const std::string& name) {
    std::lock_guard lock(mutex_);
    verified_.erase(name);
}

}  // namespace ccvm::daemon

// The SEV / SEV-ES / CSV pre-attestation launch (AMD SEV API spec (pub. 55766) LAUNCH_START to LAUNCH_SECRET, csv-rs
// src/session; Hygon QEMU target/i386/csv.c): create a launch session for the platform's PDH, start paused, check
// LAUNCH_MEASURE against the expected launch digest, and only on a match build the secret packet, inject it and resume.
// On a mismatch the domain is destroyed.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>

#include "ccvm/daemon/launch_flow.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "launch_backends/pre_attestation.hpp"

namespace ccvm::daemon {

class PreAttestedLaunch final : public LaunchFlow {
public:
    // `vms_dir`: where each VM's directory is; the (public) owner certificate and session blob of a
    // launch are written there for libvirt's <dhCert>/<session>. `scheme`: the family's cryptography.
    PreAttestedLaunch(std::string backend_name, std::filesystem::path vms_dir, const PreAttestation& scheme)
        : backend_name_(std::move(backend_name)), vms_dir_(std::move(vms_dir)), scheme_(scheme) {}

    LaunchOutcome launch(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets) override;
    LaunchOutcome inject(VmBackend& backend, const VmPlan& plan, std::vector<SecretEntry> secrets) override;
    void forget(const std::string& name) override;

private:
    // What a verified launch keeps until its secret is injected (memory only: a restart ends it).
    struct Verified {
        secret::SecretBytes tek;
        secret::SecretBytes tik;
        LaunchReport report;
    };
    LaunchOutcome inject_verified(VmBackend& backend, const std::string& name, Verified& verified,
                                  std::vector<SecretEntry> secrets);

    std::string backend_name_;
    std::filesystem::path vms_dir_;
    const PreAttestation& scheme_;
    std::mutex mutex_;
    std::map<std::string, Verified> verified_;
};

}  // namespace ccvm::daemon
